/**
 * `mailroom-ses/lambda`: run a Mailroom webhook in AWS Lambda, behind API Gateway (REST or HTTP API),
 * a Function URL, or subscribed to the SNS topic directly.
 *
 * @example
 * ```ts
 * import { toLambdaHandler } from "mailroom-ses/lambda";
 * export const handler = toLambdaHandler(tracking);
 * ```
 *
 * @module
 */
import { WebhookValidationError } from "../errors";
import { lambdaRecordToEnvelope } from "../sns/envelope";
import { outcomeForError } from "../webhook/error-outcome";
import { consoleLogger } from "../webhook/logger";
import type { FetchHandler, SnsWebhookHandler, WebhookRequest } from "../webhook/types";
import type {
  ApiGatewayV1Event,
  ApiGatewayV2Event,
  LambdaHttpResult,
  LambdaWebhookEvent,
  SnsLambdaEvent,
} from "./lambda-types";

export type { FetchHandler, SnsWebhookHandler, WebhookOutcome } from "../webhook/types";
// SQS-triggered functions and EventBridge targets, around an intake (createSesIntake).
export { toEventBridgeLambdaHandler, toSqsLambdaHandler } from "./lambda-sqs";
export type { SqsBatchResponse, SqsEventRecord, SqsLambdaEvent, SqsLambdaOptions } from "./lambda-sqs";
export type { IntakeResult, SesIntake } from "../intake/ses-intake";
export type {
  ApiGatewayV1Event,
  ApiGatewayV2Event,
  LambdaHttpResult,
  LambdaWebhookEvent,
  SnsEventRecord,
  SnsLambdaEvent,
} from "./lambda-types";

/**
 * A Lambda handler: an HTTP result for API Gateway and Function URL events, nothing for
 * SNS-triggered ones (which reject, so Lambda retries, when SNS would have been told to retry).
 *
 * @example
 * ```ts
 * export const handler: LambdaWebhookHandler = toLambdaHandler(tracking);
 * ```
 */
export type LambdaWebhookHandler = (event: LambdaWebhookEvent) => Promise<LambdaHttpResult | undefined>;

/**
 * Wrap a webhook as a Lambda handler. Type conversion only:
 *
 * - API Gateway REST (payload 1.0), HTTP API (2.0) and Function URL events become a Fetch
 *   `Request` (headers case-insensitive, `multiValueHeaders` honoured, `isBase64Encoded` bodies
 *   decoded) and the `Response` a proxy result.
 * - SNS-triggered events (`Records[].Sns`, Lambda's key casing) are converted to the HTTP envelope
 *   shape and go through `handler.handleEnvelope`: the same allow-list, signature verification and
 *   dispatch, without basic auth (Lambda invocations are authorized by IAM). An outcome of 5xx
 *   (the application's callback failed, AWS was down) rejects, so Lambda retries the invocation;
 *   a refused record (forged, wrong topic: 4xx) is logged by the webhook and dropped, as SNS drops
 *   a 4xx delivery. A record that is not an SNS envelope at all rejects.
 *
 * @example
 * ```ts
 * import { amazonSesTrackingWebhook } from "mailroom-ses";
 * import { toLambdaHandler } from "mailroom-ses/lambda";
 *
 * export const handler = toLambdaHandler(
 *   amazonSesTrackingWebhook({ allowedTopicArns: [process.env.TOPIC_ARN!], onEvent }),
 * );
 * ```
 */
export function toLambdaHandler(handler: FetchHandler | SnsWebhookHandler): LambdaWebhookHandler {
  return async (event) => {
    if (isSnsEvent(event)) {
      await handleSnsEvent(handler, event);
      return undefined;
    }
    if (isV2Event(event)) {
      return httpResult(handler, v2Parts(event), false);
    }
    if (isV1Event(event)) {
      return httpResult(handler, v1Parts(event), true);
    }
    throw new TypeError("toLambdaHandler: not an API Gateway, Function URL or SNS event");
  };
}

/** What the adapter reads from an API Gateway or Function URL event. */
interface HttpParts {
  method: string;
  url: string;
  /** Lower-case names, in order; a name may repeat. */
  headers: [string, string][];
  body: string | Buffer | undefined;
}

/**
 * A Mailroom webhook gets the request without Fetch objects (`handleRequest`, which never throws):
 * header values Fetch refuses (characters above U+00FF, which API Gateway passes through) or a
 * method it refuses (TRACE) must not turn into a failed invocation. A plain Fetch handler gets a
 * `Request`; when one cannot be built, the answer comes from the webhook core's one error mapping.
 */
async function httpResult(
  handler: FetchHandler | SnsWebhookHandler,
  parts: HttpParts,
  multiValue: boolean,
): Promise<LambdaHttpResult> {
  if ("handleRequest" in handler) {
    const outcome = await handler.handleRequest(webhookRequest(parts));
    // Lower-case names, as a Fetch Response would have given them.
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(outcome.headers ?? {})) {
      headers[name.toLowerCase()] = value;
    }
    return { statusCode: outcome.status, headers, body: outcome.body, isBase64Encoded: false };
  }
  let request: Request;
  try {
    request = fetchRequest(parts);
  } catch (cause) {
    const error = new WebhookValidationError("The request cannot be handled (unsupported method or header)", {
      cause,
    });
    const outcome = outcomeForError(error, {}, consoleLogger);
    return {
      statusCode: outcome.status,
      headers: { "content-type": "text/plain; charset=utf-8" },
      body: outcome.body,
      isBase64Encoded: false,
    };
  }
  return toHttpResult(await handler(request), multiValue);
}

function webhookRequest(parts: HttpParts): WebhookRequest {
  const joined = new Map<string, string>();
  for (const [name, value] of parts.headers) {
    const previous = joined.get(name);
    joined.set(name, previous === undefined ? value : `${previous}, ${value}`);
  }
  return {
    method: parts.method,
    header: (name) => joined.get(name) ?? null,
    body: parts.body === undefined ? null : parts.body,
  };
}

async function handleSnsEvent(
  handler: FetchHandler | SnsWebhookHandler,
  event: SnsLambdaEvent,
): Promise<void> {
  if (!("handleEnvelope" in handler)) {
    throw new TypeError("toLambdaHandler: SNS-triggered events need a Mailroom webhook handler");
  }
  for (const record of event.Records) {
    const outcome = await handler.handleEnvelope(lambdaRecordToEnvelope(record));
    if (outcome.status >= 500) {
      throw new Error(`Mailroom webhook failed (${outcome.status}: ${outcome.body}); Lambda will retry`);
    }
  }
}

function isSnsEvent(event: LambdaWebhookEvent): event is SnsLambdaEvent {
  return Array.isArray((event as Partial<SnsLambdaEvent>).Records);
}

function isV2Event(event: LambdaWebhookEvent): event is ApiGatewayV2Event {
  return typeof (event as Partial<ApiGatewayV2Event>).requestContext?.http?.method === "string";
}

function isV1Event(event: LambdaWebhookEvent): event is ApiGatewayV1Event {
  return typeof (event as Partial<ApiGatewayV1Event>).httpMethod === "string";
}

function v1Parts(event: ApiGatewayV1Event): HttpParts {
  const headers: [string, string][] = [];
  const seen = new Set<string>();
  for (const [name, values] of Object.entries(event.multiValueHeaders ?? {})) {
    for (const value of values ?? []) {
      headers.push([name.toLowerCase(), value]);
      seen.add(name.toLowerCase());
    }
  }
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    // `headers` repeats the last value of each multi-value header: use it only for the others.
    if (value !== undefined && !seen.has(name.toLowerCase())) {
      headers.push([name.toLowerCase(), value]);
    }
  }
  const query = new URLSearchParams();
  const multiQuery = event.multiValueQueryStringParameters ?? {};
  for (const [name, values] of Object.entries(multiQuery)) {
    for (const value of values ?? []) {
      query.append(name, value);
    }
  }
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (value !== undefined && !query.has(name)) {
      query.set(name, value);
    }
  }
  const host = headerValue(headers, "host") ?? event.requestContext?.domainName ?? "localhost";
  const search = query.size > 0 ? `?${query.toString()}` : "";
  return partsOf(event.httpMethod, `https://${host}${event.path}${search}`, headers, event);
}

function v2Parts(event: ApiGatewayV2Event): HttpParts {
  const headers: [string, string][] = [];
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) {
      headers.push([name.toLowerCase(), value]);
    }
  }
  if (event.cookies !== undefined && event.cookies.length > 0) {
    headers.push(["cookie", event.cookies.join("; ")]);
  }
  const host = headerValue(headers, "host") ?? event.requestContext.domainName ?? "localhost";
  const search = event.rawQueryString ? `?${event.rawQueryString}` : "";
  return partsOf(
    event.requestContext.http.method,
    `https://${host}${event.rawPath}${search}`,
    headers,
    event,
  );
}

function headerValue(headers: readonly [string, string][], name: string): string | undefined {
  return headers.find(([key]) => key === name)?.[1];
}

function partsOf(
  method: string,
  url: string,
  headers: [string, string][],
  event: { body?: string | null; isBase64Encoded?: boolean },
): HttpParts {
  const upper = method.toUpperCase();
  const hasBody = upper !== "GET" && upper !== "HEAD" && event.body != null;
  const text = event.body as string;
  const body = hasBody ? (event.isBase64Encoded === true ? Buffer.from(text, "base64") : text) : undefined;
  return { method: upper, url, headers, body };
}

/** @throws TypeError when Fetch refuses the method or a header value. */
function fetchRequest(parts: HttpParts): Request {
  const headers = new Headers();
  for (const [name, value] of parts.headers) {
    headers.append(name, value);
  }
  // Buffers from base64 decoding sit on ordinary ArrayBuffers; the typing only fears SharedArrayBuffer.
  const body = parts.body as string | Uint8Array<ArrayBuffer> | undefined;
  return new Request(safeUrl(parts.url), { method: parts.method, headers, body });
}

function safeUrl(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    // An unusual Host header; the webhook does not route on the URL.
    return "https://localhost/";
  }
}

async function toHttpResult(response: Response, multiValue: boolean): Promise<LambdaHttpResult> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") {
      headers[name] = value;
    }
  });
  const cookies = response.headers.getSetCookie();
  const result: LambdaHttpResult = {
    statusCode: response.status,
    headers,
    // Webhook answers are short UTF-8 texts, so no base64 round trip.
    body: await response.text(),
    isBase64Encoded: false,
  };
  if (cookies.length > 0) {
    if (multiValue) {
      result.multiValueHeaders = { "set-cookie": cookies };
    } else {
      result.cookies = cookies;
    }
  }
  return result;
}
