/**
 * The webhook core shared by Mailroom's SNS webhooks: a Fetch handler factory, the options every
 * handler takes, and the one mapping from errors to HTTP statuses.
 *
 * @example
 * ```ts
 * import { amazonSesTrackingWebhook } from "mailroom-ses";
 * const tracking = amazonSesTrackingWebhook({ secret: "user:password", onEvent });
 * const response = await tracking(request); // a Fetch Request
 * ```
 *
 * @module
 */
export { createSnsWebhook } from "./handler";
export { processEnvelope, SES_SETUP_MESSAGE } from "./process-envelope";
export type { EnvelopeContext } from "./process-envelope";
export { CallbackError, invokeCallback } from "./callback";
export { outcomeForError } from "./error-outcome";
export type { ErrorContext } from "./error-outcome";
export { createConfirmSubscription } from "./confirm-subscription";
export type { ConfirmSubscriptionOptions } from "./confirm-subscription";
export { consoleLogger } from "./logger";
export { DEFAULT_MAX_BODY_BYTES, readBodyText } from "./read-body";
export type {
  ConfirmSubscription,
  FetchHandler,
  NotificationProcessor,
  SignatureVerificationOptions,
  SnsClientLike,
  SnsWebhookHandler,
  SnsWebhookOptions,
  WebhookLogger,
  WebhookOutcome,
} from "./types";
