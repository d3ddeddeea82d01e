/**
 * The Amazon SES backend and, in later releases, the SES webhooks.
 *
 * @example
 * ```ts
 * import { amazonSes } from "mailroom/ses";
 * const backend = amazonSes({ region: "us-east-1" });
 * ```
 *
 * @module
 */
export { amazonSes } from "./backend";
export type { AmazonSesBackend, SesPayload } from "./backend";
export type { AmazonSesOptions, SesClientLike } from "./options";
export { buildSendEmailInput } from "./payload/send-email";
export { buildRawMime } from "./payload/raw-mime";
export { toAsciiJson } from "./payload/metadata-json";
export { toApiError } from "./response";
export { sesEventToTrackingEvents } from "./webhooks/tracking";
export type { SnsEnvelopeInfo } from "./webhooks/tracking";
export { decodeEncodedWords } from "./webhooks/encoded-words";
export type {
  SesBounce,
  SesBouncedRecipient,
  SesClick,
  SesCommonHeaders,
  SesComplainedRecipient,
  SesComplaint,
  SesDelayedRecipient,
  SesDelivery,
  SesDeliveryDelay,
  SesHeader,
  SesMail,
  SesOpen,
  SesReject,
  SesRenderingFailure,
  SesSend,
  SesSubscription,
  SesTopicPreferences,
  SesTopicSubscriptionStatus,
  SesTrackingMessage,
} from "./webhooks/tracking-types";
