import type { NormalizedMessage } from "./message/types";
import type { RecipientStatus } from "./send-status";

/**
 * What a backend may ask of the mailer while it builds a payload.
 */
export interface SendContext {
  /**
   * Report a feature the ESP cannot express. Throws UnsupportedFeatureError, unless the mailer
   * was created with `ignoreUnsupportedFeatures`, in which case it returns and the backend
   * drops the feature.
   */
  unsupported(feature: string): void;
}

/** What a backend's API call produced: per-recipient statuses plus the raw response. */
export interface BackendResult {
  recipients: Record<string, RecipientStatus>;
  response: unknown;
}

/**
 * An ESP backend, in the three steps the mailer runs for every message. Build is pure; only
 * `callApi` does I/O.
 *
 * @example
 * ```ts
 * const backend: MailerBackend<MyPayload, MyResponse> = {
 *   name: "My ESP",
 *   buildPayload: async (message, ctx) => toPayload(message, ctx),
 *   callApi: (payload) => client.send(payload),
 *   parseResult: (response, payload) => ({ recipients: statusesFrom(response), response }),
 * };
 * ```
 */
export interface MailerBackend<Payload = unknown, Response = unknown> {
  /** The ESP's name, used in error messages ("Amazon SES does not support ..."). */
  readonly name: string;
  /** Message → API request(s). Pure: no I/O. */
  buildPayload(message: NormalizedMessage, context: SendContext): Promise<Payload> | Payload;
  /** Send the request(s). Throws ApiError on failure. */
  callApi(payload: Payload): Promise<Response>;
  /** API response → per-recipient statuses. Throws ApiError when the response cannot be used. */
  parseResult(response: Response, payload: Payload, message: NormalizedMessage): BackendResult;
}
