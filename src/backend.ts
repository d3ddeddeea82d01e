/**
 * The contract between the mailer and an ESP backend: what a backend is given, and what it
 * hands back.
 *
 * @module
 */
import type { NormalizedMessage } from "./message/types";
import type { RecipientStatus } from "./send-status";

/**
 * What a backend may ask of the mailer while it builds a payload.
 *
 * @example
 * ```ts
 * import type { SendContext } from "mailroom-ses";
 *
 * declare const context: SendContext;
 * context.unsupported("sendAt"); // throws UnsupportedFeatureError unless ignoreUnsupportedFeatures
 * ```
 */
export interface SendContext {
  /**
   * Report a feature the ESP cannot express. Throws UnsupportedFeatureError, unless the mailer
   * was created with `ignoreUnsupportedFeatures`, in which case it returns and the backend
   * drops the feature.
   */
  unsupported(feature: string): void;
}

/**
 * What a backend's API call produced: per-recipient statuses plus the raw response.
 *
 * @typeParam Reported - the raw response, as `SendStatus.response` will carry it
 * @example
 * ```ts
 * import type { BackendResult } from "mailroom-ses";
 *
 * const result: BackendResult<{ id: string }> = {
 *   recipients: { "alice@example.com": { status: "queued", messageId: "1" } },
 *   response: { id: "1" },
 * };
 * ```
 */
export interface BackendResult<Reported = unknown> {
  /** Per-recipient results, keyed by addr-spec. */
  recipients: Record<string, RecipientStatus>;
  /** The ESP's answer, kept for debugging; becomes `SendStatus.response`. */
  response: Reported;
}

/**
 * An ESP backend, in the three steps the mailer runs for every message. Build is pure; only
 * `callApi` does I/O. Any backend fits `MailerBackend` with its default type arguments (the
 * methods are compared bivariantly), so `createMailer({ backend: test ? memory : ses })` needs no
 * annotation.
 *
 * @typeParam Payload - what `buildPayload` makes and `callApi` sends
 * @typeParam Response - what `callApi` answers
 * @typeParam Reported - what `parseResult` keeps as `SendStatus.response`
 * @example
 * ```ts
 * import type { MailerBackend, NormalizedMessage } from "mailroom-ses";
 *
 * declare const client: { post(body: string): Promise<{ id: string }> };
 * const backend: MailerBackend<string, { id: string }, { id: string }> = {
 *   name: "My ESP",
 *   buildPayload: (message: NormalizedMessage) => JSON.stringify({ subject: message.subject }),
 *   callApi: (payload) => client.post(payload),
 *   parseResult: (response, _payload, message) => ({
 *     recipients: Object.fromEntries(message.to.map((a) => [a.addrSpec, { status: "queued", messageId: response.id }])),
 *     response,
 *   }),
 * };
 * ```
 */
export interface MailerBackend<Payload = unknown, Response = unknown, Reported = unknown> {
  /** The ESP's name, used in error messages ("Amazon SES does not support ..."). */
  readonly name: string;
  /** Message → API request(s). Pure: no I/O. */
  buildPayload(message: NormalizedMessage, context: SendContext): Promise<Payload> | Payload;
  /** Send the request(s). Throws ApiError on failure. */
  callApi(payload: Payload): Promise<Response>;
  /** API response → per-recipient statuses. Throws ApiError when the response cannot be used. */
  parseResult(response: Response, payload: Payload, message: NormalizedMessage): BackendResult<Reported>;
}

/**
 * The type of `SendStatus.response` a backend (or a union of backends) reports.
 *
 * @typeParam Backend - the backend's type, e.g. `ReturnType<typeof amazonSes>`
 * @example
 * ```ts
 * import { amazonSes, type ReportedResponse } from "mailroom-ses";
 *
 * type SesAnswer = ReportedResponse<ReturnType<typeof amazonSes>>; // SendEmail output or bulk outcomes
 * ```
 */
export type ReportedResponse<Backend> =
  Backend extends MailerBackend<unknown, unknown, infer Reported> ? Reported : unknown;
