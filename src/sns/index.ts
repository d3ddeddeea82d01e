/**
 * The SNS layer under the webhook handlers: envelope parsing, the string SNS signs, certificate
 * URL policy, certificate download and cache, and signature verification.
 *
 * @example
 * ```ts
 * import { createSnsVerifier, parseSnsEnvelope } from "mailroom-ses/sns";
 *
 * const verifier = createSnsVerifier();
 * const envelope = parseSnsEnvelope(await request.text(), {
 *   messageType: request.headers.get("x-amz-sns-message-type"),
 *   messageId: request.headers.get("x-amz-sns-message-id"),
 *   rawDelivery: request.headers.get("x-amz-sns-rawdelivery"),
 * });
 * await verifier.verify(envelope);
 * ```
 *
 * @module
 */
export type {
  SnsEnvelope,
  SnsMessageAttribute,
  SnsMessageType,
  SnsNotification,
  SnsSubscriptionConfirmation,
  SnsUnsubscribeConfirmation,
} from "./types";
export { lambdaRecordToEnvelope, parseSnsEnvelope } from "./envelope";
export type { SnsEnvelopeHeaders, SnsEnvelopeParseOptions } from "./envelope";
export { canonicalString } from "./canonical";
export {
  checkSigningCertUrl,
  createCertUrlPolicy,
  DEFAULT_PARTITION_DNS_SUFFIXES,
  defaultCertUrlPolicy,
  parseTopicArn,
} from "./cert-url-policy";
export type { CertUrlPolicy, CertUrlPolicyOptions, SnsTopicArn } from "./cert-url-policy";
export { createCertificateFetcher, defaultCertificateFetcher } from "./cert-fetcher";
export type { CertificateFetcher, CertificateFetcherOptions } from "./cert-fetcher";
export { createCertificateCache } from "./cert-cache";
export type { CertificateCache, CertificateCacheOptions } from "./cert-cache";
export { createSnsVerifier } from "./verify";
export type { SnsVerifier, SnsVerifierOptions } from "./verify";
