/**
 * The EventBridge API-destination route: a Fetch handler that receives SES events EventBridge
 * posts over HTTPS. API destinations do not sign requests; they send a connection's credentials
 * (an API-key header, or Basic auth), so the handler refuses to exist without one of those.
 *
 * @module
 */
import { createHash, timingSafeEqual } from "node:crypto";

import { WebhookValidationError } from "../errors";
import { createBasicAuth, normalizeSecrets, type BasicAuth } from "../webhook/basic-auth";
import { outcomeForError } from "../webhook/error-outcome";
import { maxBodyBytesOption, readBodyText } from "../webhook/read-body";
import type { FetchHandler, WebhookOutcome, WebhookRequest } from "../webhook/types";
import { createSesIntake, type IntakeResult, type TrackingIntakeOptions } from "./ses-intake";

/**
 * The API-key header of an EventBridge connection (authorization type `API_KEY`).
 *
 * @example
 * ```ts
 * import type { EventBridgeApiKey } from "mailroom-ses";
 * const apiKey: EventBridgeApiKey = { header: "x-mailroom-key", value: "a-long-random-value" };
 * ```
 */
export interface EventBridgeApiKey {
  /** The header name the connection sends (any case). */
  header: string;
  /** The key, or several while rotating (any one matches); at least 16 characters each. */
  value: string | readonly string[];
}

/**
 * Options of {@link amazonSesEventBridgeWebhook}: the tracking intake's options (callback,
 * dedupe) plus how EventBridge authenticates: `apiKey`, `secret`, or both (either one passes).
 *
 * @example
 * ```ts
 * import type { AmazonSesEventBridgeWebhookOptions } from "mailroom-ses";
 * const options: AmazonSesEventBridgeWebhookOptions = {
 *   apiKey: { header: "x-mailroom-key", value: "a-long-random-value" },
 *   onEvent: (event) => console.log(event.eventType),
 * };
 * ```
 */
export interface AmazonSesEventBridgeWebhookOptions extends Omit<
  TrackingIntakeOptions,
  | "formats"
  | "allowedTopicArns"
  | "verifySignature"
  | "autoConfirm"
  | "snsClientConfig"
  | "createSnsClient"
  | "confirmSubscription"
> {
  /** The connection's API-key header. */
  apiKey?: EventBridgeApiKey | undefined;
  /** The connection's Basic credentials, `"user:password"` (or several while rotating). */
  secret?: string | readonly string[] | undefined;
  /** The largest body accepted, in bytes (413 beyond). Default 1 MiB (EventBridge events are at most 256 KiB). */
  maxBodyBytes?: number | undefined;
}

/**
 * An EventBridge webhook: a {@link FetchHandler}, plus `handleRequest` for the node:http, Express
 * and Fastify adapters.
 *
 * @example
 * ```ts
 * import type { EventBridgeWebhookHandler } from "mailroom-ses";
 * declare const handler: EventBridgeWebhookHandler;
 * const response = await handler(new Request("https://example.com/ses", { method: "POST", body: "{}" }));
 * ```
 */
export interface EventBridgeWebhookHandler extends FetchHandler {
  /** The same as calling the handler, without the Fetch objects. Never throws. */
  handleRequest(request: WebhookRequest): Promise<WebhookOutcome>;
}

const MIN_KEY_LENGTH = 16;
const CHALLENGE = 'Basic realm="Mailroom EventBridge webhook"';
const TEXT = { "Content-Type": "text/plain; charset=utf-8" };

/**
 * Create the handler of an EventBridge API destination that forwards SES events (a rule matching
 * `source: ["aws.ses"]` on the default bus). Each event is converted like its SNS twin and handed
 * to `onEvent`, once per EventBridge `id` (deduplicated, in memory unless `dedupe` says otherwise).
 *
 * Answers: 200 handled, duplicate or not an email event; 401/403 credentials missing/wrong; 400
 * malformed; 413 too large; 500 the callback failed; 503 being handled by another delivery or AWS
 * failed (EventBridge retries 5xx).
 *
 * @throws TypeError when neither `apiKey` nor `secret` is given (fail closed), or an option is invalid.
 * @example
 * ```ts
 * import { amazonSesEventBridgeWebhook } from "mailroom-ses";
 *
 * const eventBridge = amazonSesEventBridgeWebhook({
 *   apiKey: { header: "x-mailroom-key", value: process.env.MAILROOM_EVENTBRIDGE_KEY ?? "" },
 *   onEvent: async (event) => console.log(event.eventType, event.recipient),
 * });
 * export const POST = eventBridge; // a Next.js route handler
 * ```
 */
export function amazonSesEventBridgeWebhook(
  options: AmazonSesEventBridgeWebhookOptions,
): EventBridgeWebhookHandler {
  const apiKey = apiKeyOption(options?.apiKey);
  const basic = options?.secret === undefined ? undefined : createBasicAuth(normalizeSecrets(options.secret));
  if (apiKey === undefined && basic === undefined) {
    throw new TypeError(
      "amazonSesEventBridgeWebhook: give apiKey or secret (the credentials of the EventBridge connection): " +
        "EventBridge does not sign requests, so without them anyone could post events",
    );
  }
  const maxBodyBytes = maxBodyBytesOption(options.maxBodyBytes);
  const intake = createSesIntake({ ...options, formats: ["eventbridge"] });

  const handleRequest = async (request: WebhookRequest): Promise<WebhookOutcome> => {
    try {
      if (request.method.toUpperCase() !== "POST") {
        return { status: 405, body: "Method not allowed", headers: { ...TEXT, Allow: "POST" } };
      }
      const denied = authenticate(request, apiKey, basic);
      if (denied !== undefined) {
        if (denied.status === 403) {
          intake.logger.warn("EventBridge webhook refused a request with wrong credentials", { status: 403 });
        }
        return denied;
      }
      const text = await readBodyText(request.body, request.header("content-length"), maxBodyBytes);
      let event: unknown;
      try {
        event = JSON.parse(text);
      } catch (cause) {
        throw new WebhookValidationError("The EventBridge request body is not JSON", { cause });
      }
      return outcomeOf(await intake.handleEventBridgeEvent(event));
    } catch (error) {
      const outcome = outcomeForError(error, {}, intake.logger);
      return { ...outcome, headers: { ...TEXT, ...outcome.headers } };
    }
  };
  const handler = async (request: Request): Promise<Response> => {
    const outcome = await handleRequest({
      method: request.method,
      header: (name) => request.headers.get(name),
      body: request.body,
    });
    return new Response(outcome.body, { status: outcome.status, headers: outcome.headers });
  };
  return Object.assign(handler, { handleRequest });
}

type KeyCheck = (given: string | null) => "ok" | "missing" | "invalid";

function apiKeyOption(
  option: EventBridgeApiKey | undefined,
): { header: string; check: KeyCheck } | undefined {
  if (option === undefined) {
    return undefined;
  }
  const header = option.header;
  if (
    typeof header !== "string" ||
    !/^[A-Za-z0-9-]+$/.test(header) ||
    header.toLowerCase() === "authorization"
  ) {
    throw new TypeError("apiKey.header must be a header name (letters, digits, '-'), not Authorization");
  }
  const values = typeof option.value === "string" ? [option.value] : [...option.value];
  if (values.length === 0 || values.some((v) => typeof v !== "string" || v.length < MIN_KEY_LENGTH)) {
    // The value itself never goes into the message: it is a credential.
    throw new TypeError(
      `apiKey.value must be a key of at least ${MIN_KEY_LENGTH} characters (or a list of them)`,
    );
  }
  const expected = values.map(sha256);
  return {
    header: header.toLowerCase(),
    check(given) {
      if (given === null || given === "") {
        return "missing";
      }
      const digest = sha256(given);
      let matched = false;
      for (const candidate of expected) {
        // No short-circuit: the time taken does not tell which key matched.
        matched = timingSafeEqual(candidate, digest) || matched;
      }
      return matched ? "ok" : "invalid";
    },
  };
}

function authenticate(
  request: WebhookRequest,
  apiKey: { header: string; check: KeyCheck } | undefined,
  basic: BasicAuth | undefined,
): WebhookOutcome | undefined {
  const verdicts = [
    apiKey?.check(request.header(apiKey.header)),
    basic?.check(request.header("authorization")),
  ].filter((v) => v !== undefined);
  if (verdicts.includes("ok")) {
    return undefined;
  }
  if (verdicts.includes("invalid")) {
    return { status: 403, body: "Invalid credentials", headers: TEXT };
  }
  const headers: Record<string, string> =
    basic === undefined ? { ...TEXT } : { ...TEXT, "WWW-Authenticate": CHALLENGE };
  return { status: 401, body: "Authentication required", headers };
}

function outcomeOf(result: IntakeResult): WebhookOutcome {
  switch (result.outcome) {
    case "handled":
      return { status: 200, body: "OK", headers: TEXT };
    case "duplicate":
      return { status: 200, body: "Duplicate ignored", headers: TEXT };
    case "ignored":
      return { status: 200, body: "Ignored: not an email event", headers: TEXT };
    case "in-flight":
      return { status: 503, body: "Being handled by another delivery; retry later", headers: TEXT };
    case "failed":
    case "refused":
      return { status: result.status, body: result.reason, headers: TEXT };
  }
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}
