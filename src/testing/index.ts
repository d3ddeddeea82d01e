/**
 * Test kit for applications that use Mailroom: an in-memory backend that refuses what SES
 * refuses, builders of every SES notification, signed SNS envelopes, and a poster that delivers
 * them to your webhook the way SNS does.
 *
 * @example
 * ```ts
 * import { createMemoryBackend, postToWebhook, sesEvents } from "mailroom-ses/testing";
 * const backend = createMemoryBackend();
 * ```
 *
 * @module
 */
export { createMemoryBackend } from "./memory-backend";
export type {
  MemoryBackend,
  MemoryBackendOptions,
  MemoryBackendPayload,
  OutboxEntry,
} from "./memory-backend";
export { sesEvents } from "./ses-events";
export type { SesEventFormat, SesEventMailOptions } from "./ses-event-mail";
export type {
  SesBounceOptions,
  SesClickOptions,
  SesComplaintOptions,
  SesDeliveryDelayOptions,
  SesDeliveryOptions,
  SesEventOf,
  SesNotificationCapableOptions,
  SesOpenOptions,
  SesRejectOptions,
  SesRenderingFailureOptions,
  SesSendOptions,
  SesSubscriptionOptions,
} from "./ses-tracking-events";
export type { SesReceivedEvent, SesReceivedOptions, SesVerdictStatus } from "./ses-received-event";
export { defaultSnsTestSigner, postSnsEnvelope, postToWebhook } from "./webhook-poster";
export type { PostSnsEnvelopeOptions, PostToWebhookOptions, WebhookTarget } from "./webhook-poster";
export { createSnsTestSigner } from "./sns-signing";
export type {
  SnsSignatureVersion,
  SnsTestConfirmationOptions,
  SnsTestNotificationOptions,
  SnsTestSigner,
  SnsTestSignerOptions,
  UnsignedSnsEnvelope,
} from "./sns-signer-types";
export { startThrottlingProxy } from "./throttling-proxy";
export type { ThrottlingProxy, ThrottlingProxyCounts, ThrottlingProxyOptions } from "./throttling-proxy";
