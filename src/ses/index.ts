/**
 * The Amazon SES backend, and the SES tracking and inbound webhooks.
 *
 * @example
 * ```ts
 * import { amazonSes } from "mailroom-ses";
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
export { buildSendBulkEmailInputs, isTemplateSend, DEFAULT_BULK_BATCH_SIZE } from "./payload/send-bulk-email";
export type { BulkSendPlan } from "./payload/send-bulk-email";
export type { SesResponse, SesSendResponse } from "./backend";
export type { BulkBatchOutcome } from "./bulk-response";
export { sesReceivedToInboundEvent } from "./webhooks/inbound";
export type { InboundDeps } from "./webhooks/inbound";
export { createS3ObjectReader } from "./webhooks/s3-object-reader";
export type { S3ClientLike, S3ObjectReader, S3ObjectReaderOptions } from "./webhooks/s3-object-reader";
export type {
  SesReceipt,
  SesReceiptAction,
  SesReceiptVerdict,
  SesReceivedMail,
  SesReceivedNotification,
} from "./webhooks/inbound-types";
export { amazonSesTrackingWebhook } from "./webhooks/tracking-handler";
export type { AmazonSesTrackingWebhookOptions } from "./webhooks/tracking-handler";
export { startTrackingWorker } from "./webhooks/tracking-queue";
export type { TrackingWorkerOptions } from "./webhooks/tracking-queue";
export { amazonSesInboundWebhook } from "./webhooks/inbound-handler";
export type { AmazonSesInboundWebhookOptions } from "./webhooks/inbound-handler";
export type {
  ConfirmSubscription,
  FetchHandler,
  SignatureVerificationOptions,
  SnsClientLike,
  SnsWebhookHandler,
  SnsWebhookOptions,
  WebhookLogger,
  WebhookOutcome,
} from "../webhook/types";
export type { SesRateLimitOptions } from "./options";
export { createCertUrlPolicy, defaultCertUrlPolicy } from "../sns/cert-url-policy";
export type { CertUrlPolicy, CertUrlPolicyOptions, SnsTopicArn } from "../sns/cert-url-policy";
export { createCertificateFetcher } from "../sns/cert-fetcher";
export type { CertificateFetcher, CertificateFetcherOptions } from "../sns/cert-fetcher";
