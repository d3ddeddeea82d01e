/**
 * The webhook core: one SNS HTTP(S) request in, one outcome out. Methods, basic auth, the body
 * limit, envelope parsing and the header/body checks live here; everything after the envelope is
 * parsed is shared with the Lambda path (`processEnvelope`).
 *
 * @module
 */
import { WebhookValidationError } from "../errors";
import { parseSnsEnvelope } from "../sns/envelope";
import type { SnsEnvelope } from "../sns/types";
import { outcomeForError } from "./error-outcome";
import { logSafe } from "./log-safe";
import { processEnvelope } from "./process-envelope";
import { readBodyText } from "./read-body";
import { resolveWebhookSettings, type WebhookSettings } from "./settings";
import type {
  NotificationProcessor,
  SnsWebhookHandler,
  SnsWebhookOptions,
  WebhookOutcome,
  WebhookRequest,
} from "./types";

const ALLOW = "POST, HEAD, OPTIONS";
const CHALLENGE = 'Basic realm="Mailroom webhook"';
const TEXT_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "Content-Type": "text/plain; charset=utf-8",
});

/**
 * Build an SNS webhook handler around `processNotification` (what to do with a verified
 * Notification's parsed `Message`). Settings are resolved once, so the signature verifier and its
 * certificate cache live as long as the handler.
 *
 * @param name - the handler's name in log messages
 * @throws TypeError when an option is invalid
 * @example
 * ```ts
 * const handler = createSnsWebhook(options, "tracking", async (sesEvent, envelope) => {
 *   for (const event of sesEventToTrackingEvents(sesEvent, info(envelope))) {
 *     await invokeCallback(() => options.onEvent(event));
 *   }
 * });
 * ```
 */
export function createSnsWebhook(
  options: SnsWebhookOptions,
  name: string,
  processNotification: NotificationProcessor,
): SnsWebhookHandler {
  const settings = resolveWebhookSettings(options, name);
  const handleRequest = async (request: WebhookRequest): Promise<WebhookOutcome> => {
    let outcome: WebhookOutcome;
    try {
      outcome = await dispatchRequest(request, settings, processNotification);
    } catch (error) {
      outcome = outcomeForError(error, {}, settings.logger);
    }
    return withContentType(outcome);
  };
  const handleEnvelope = async (envelope: SnsEnvelope): Promise<WebhookOutcome> =>
    withContentType(
      await processEnvelope(envelope, { authenticatedBySecret: false }, settings, processNotification),
    );
  const handler = async (request: Request): Promise<Response> => {
    const outcome = await handleRequest({
      method: request.method,
      header: (headerName) => request.headers.get(headerName),
      body: request.body,
    });
    return new Response(outcome.body, { status: outcome.status, headers: outcome.headers });
  };
  return Object.assign(handler, { handleRequest, handleEnvelope });
}

async function dispatchRequest(
  request: WebhookRequest,
  settings: WebhookSettings,
  processNotification: NotificationProcessor,
): Promise<WebhookOutcome> {
  const method = request.method.toUpperCase();
  if (method === "HEAD") {
    // Health checks and SNS's own probes: answered without any validation.
    return { status: 200, body: "" };
  }
  if (method === "OPTIONS") {
    return { status: 200, body: "", headers: { Allow: ALLOW } };
  }
  if (method !== "POST") {
    return { status: 405, body: "Method not allowed", headers: { Allow: ALLOW } };
  }
  const denied = authenticate(request, settings);
  if (denied !== undefined) {
    return denied;
  }
  const text = await readBodyText(request.body, request.header("content-length"), settings.maxBodyBytes);
  const envelope = parseRequestEnvelope(request, text);
  const context = { authenticatedBySecret: settings.auth !== undefined };
  return processEnvelope(envelope, context, settings, processNotification);
}

/**
 * `undefined` when the request may go on. No credentials at all answer the 401 challenge: SNS sends
 * the credentials of the subscription URL only after one. Wrong credentials answer 403, not 401
 * (another challenge would only invite guessing, and SNS would not send anything different) and
 * not 400 (as Anymail does: the request is well-formed, its credentials are refused).
 */
function authenticate(request: WebhookRequest, settings: WebhookSettings): WebhookOutcome | undefined {
  if (settings.auth === undefined) {
    return undefined;
  }
  const verdict = settings.auth.check(request.header("authorization"));
  if (verdict === "missing") {
    return { status: 401, body: "Authentication required", headers: { "WWW-Authenticate": CHALLENGE } };
  }
  if (verdict === "invalid") {
    // Never log what was sent: it may be a near-miss of the real secret.
    settings.logger.warn("SNS webhook refused a request with wrong basic-auth credentials", {
      status: 403,
      topicArn: logSafe(request.header("x-amz-sns-topic-arn") ?? undefined),
      messageId: logSafe(request.header("x-amz-sns-message-id") ?? undefined),
    });
    return { status: 403, body: "Invalid credentials" };
  }
  return undefined;
}

function parseRequestEnvelope(request: WebhookRequest, body: string): SnsEnvelope {
  const envelope = parseSnsEnvelope(
    body,
    {
      messageType: request.header("x-amz-sns-message-type"),
      messageId: request.header("x-amz-sns-message-id"),
      rawDelivery: request.header("x-amz-sns-rawdelivery"),
    },
    // SNS always sends both over HTTP; without the id header a signed Subject could be shifted
    // into MessageId (same signature, another event id).
    { requireSnsHeaders: true },
  );
  const topicHeader = request.header("x-amz-sns-topic-arn");
  if (topicHeader !== null && topicHeader !== envelope.TopicArn) {
    throw new WebhookValidationError("x-amz-sns-topic-arn header does not match the body's TopicArn");
  }
  return envelope;
}

function withContentType(outcome: WebhookOutcome): WebhookOutcome {
  // The shared frozen object on the hot path (no extra headers): one allocation less per request.
  const headers = outcome.headers === undefined ? TEXT_HEADERS : { ...TEXT_HEADERS, ...outcome.headers };
  return { status: outcome.status, body: outcome.body, headers };
}
