/**
 * The types of the SNS test signer (see `createSnsTestSigner` in sns-signing.ts).
 *
 * @module
 */
import type { CertificateFetcher } from "../sns/cert-fetcher";
import type {
  SnsEnvelope,
  SnsMessageAttribute,
  SnsNotification,
  SnsSubscriptionConfirmation,
  SnsUnsubscribeConfirmation,
} from "../sns/types";

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * An envelope to sign: the signature fields may be missing (they are filled in) or present (they
 * are replaced, so a tampered envelope can be re-signed).
 *
 * @example
 * ```ts
 * const unsigned: UnsignedSnsEnvelope = { Type: "Notification", MessageId: "1", TopicArn: arn,
 *   Message: "{}", Timestamp: new Date().toISOString(), UnsubscribeURL: "https://..." };
 * ```
 */
export type UnsignedSnsEnvelope = DistributiveOmit<
  SnsEnvelope,
  "Signature" | "SignatureVersion" | "SigningCertURL"
> & {
  /** Ignored: the signer writes its own. */
  Signature?: string;
  /** `"1"` (SHA1withRSA) or `"2"` (SHA256withRSA); the signer's default when absent. */
  SignatureVersion?: string;
  /** The certificate URL to put in the envelope; the signer's own when absent. */
  SigningCertURL?: string;
};

/**
 * SNS signature versions: "1" = SHA1withRSA, "2" = SHA256withRSA.
 *
 * @example
 * ```ts
 * signer.notification({ message: "hi", signatureVersion: "2" satisfies SnsSignatureVersion });
 * ```
 */
export type SnsSignatureVersion = "1" | "2";

/**
 * Options of {@link createSnsTestSigner}.
 *
 * @example
 * ```ts
 * const signer = createSnsTestSigner({ region: "eu-west-1", topicName: "ses-events", signatureVersion: "2" });
 * ```
 */
export interface SnsTestSignerOptions {
  /** Region of the default topic and certificate URL; default `us-east-1`. */
  region?: string;
  /** Partition of the default topic (`aws`, `aws-cn`, `aws-us-gov`); default `aws`. */
  partition?: string;
  /** Account of the default topic; default `123456789012`. */
  accountId?: string;
  /** Name of the default topic; default `mailroom-test`. */
  topicName?: string;
  /** Signature version used when a call does not say; default `"1"` (SNS's own default). */
  signatureVersion?: SnsSignatureVersion;
  /** RSA key size; default 2048. */
  modulusLength?: number;
}

/** Fields shared by the envelope builders; everything has a realistic default. */
interface BuilderOptions {
  /** The envelope's TopicArn; default the signer's topic. */
  topicArn?: string;
  /** The envelope's MessageId; default a random UUID. */
  messageId?: string;
  /** The envelope's Timestamp; default now. */
  timestamp?: string | Date;
  /** The signature version; default the signer's. */
  signatureVersion?: SnsSignatureVersion;
}

/**
 * Options of {@link SnsTestSigner.notification}.
 *
 * @example
 * ```ts
 * signer.notification({ message: { eventType: "Bounce", mail, bounce }, subject: "Amazon SES Email Event Notification" });
 * ```
 */
export interface SnsTestNotificationOptions extends BuilderOptions {
  /** The payload; anything but a string is JSON-encoded (as SES does with its events). */
  message: string | object;
  /** The envelope's Subject (SNS leaves it out when the publisher gave none). */
  subject?: string;
  /** The envelope's MessageAttributes. */
  messageAttributes?: Record<string, SnsMessageAttribute>;
}

/**
 * Options of the confirmation builders.
 *
 * @example
 * ```ts
 * signer.subscriptionConfirmation({ token: "abc123", topicArn: "arn:aws:sns:eu-west-1:123456789012:t" });
 * ```
 */
export interface SnsTestConfirmationOptions extends BuilderOptions {
  /** The confirmation token; default 64 random bytes in hex. */
  token?: string;
  /** The envelope's Message; default SNS's own wording. */
  message?: string;
}

/**
 * A test signer; see {@link createSnsTestSigner}.
 *
 * @example
 * ```ts
 * import { amazonSesTrackingWebhook } from "mailroom-ses";
 * import { createSnsTestSigner, type SnsTestSigner } from "mailroom-ses/testing";
 *
 * const signer: SnsTestSigner = createSnsTestSigner();
 * const tracking = amazonSesTrackingWebhook({
 *   secret: "mailroom:correct-horse-battery",
 *   verifySignature: { fetchCertificate: signer.fetchCertificate },
 *   onEvent: (event) => console.log(event.eventType),
 * });
 * const outcome = await tracking.handleEnvelope(signer.unsubscribeConfirmation());
 * ```
 */
export interface SnsTestSigner {
  /** ARN of the default topic. */
  readonly topicArn: string;
  /** `https://sns.<region>.<suffix>/SimpleNotificationService-<32 hex>.pem` for the default region. */
  readonly certUrl: string;
  /** The signing certificate (issued by the throwaway CA). */
  readonly certificatePem: string;
  /** The throwaway CA's self-signed certificate. */
  readonly caCertificatePem: string;
  /** Sign an envelope; its `SigningCertURL`, when given, is kept (to test refused URLs). */
  sign<T extends UnsignedSnsEnvelope>(
    envelope: T,
    options?: { signatureVersion?: SnsSignatureVersion },
  ): Extract<SnsEnvelope, { Type: T["Type"] }>;
  /** A signed Notification. */
  notification(options: SnsTestNotificationOptions): SnsNotification;
  /** A signed SubscriptionConfirmation. */
  subscriptionConfirmation(options?: SnsTestConfirmationOptions): SnsSubscriptionConfirmation;
  /** A signed UnsubscribeConfirmation. */
  unsubscribeConfirmation(options?: SnsTestConfirmationOptions): SnsUnsubscribeConfirmation;
  /** Serves the certificate at this signer's URLs only: give it to a webhook as `verifySignature: { fetchCertificate }`. */
  readonly fetchCertificate: CertificateFetcher;
  /** The HTTP headers SNS sends with `envelope`. */
  httpHeaders(envelope: SnsEnvelope): Record<string, string>;
}
