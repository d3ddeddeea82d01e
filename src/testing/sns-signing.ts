/**
 * Signed SNS envelopes for tests. SNS has no faithful local emulator, so the test kit makes a
 * throwaway CA and signing certificate at runtime and signs real canonical strings with them: the
 * code under test runs the same verification as in production, with only the certificate download
 * swapped (`fetchCertificate`).
 *
 * @module
 */
import {
  generateKeyPairSync,
  randomBytes,
  randomUUID,
  sign as cryptoSign,
  type KeyObject,
} from "node:crypto";

import { WebhookValidationError } from "../errors";
import { canonicalString } from "../sns/canonical";
import { DEFAULT_PARTITION_DNS_SUFFIXES } from "../sns/cert-url-policy";
import type { SnsEnvelope } from "../sns/types";
import type {
  SnsSignatureVersion,
  SnsTestConfirmationOptions,
  SnsTestSigner,
  SnsTestSignerOptions,
  UnsignedSnsEnvelope,
} from "./sns-signer-types";
import { buildCertificatePem } from "./x509-builder";

const ARN_PARTS = /^arn:([^:]+):sns:([^:]+):/;

/**
 * Create a throwaway CA, a signing certificate and builders for signed SNS envelopes.
 * Key generation takes a moment: create one signer per test file, not per test.
 *
 * @example
 * ```ts
 * import { amazonSesTrackingWebhook } from "mailroom-ses";
 * import { createSnsTestSigner, sesEvents } from "mailroom-ses/testing";
 *
 * const signer = createSnsTestSigner();
 * // The webhook trusts this signer's certificate, and nothing else: verification stays on.
 * const handler = amazonSesTrackingWebhook({
 *   secret: "mailroom:correct-horse-battery",
 *   verifySignature: { fetchCertificate: signer.fetchCertificate },
 *   onEvent: (event) => console.log(event.eventType),
 * });
 * const envelope = signer.notification({ message: sesEvents.delivery() });
 * const response = await handler(new Request("https://app.test/ses", {
 *   method: "POST",
 *   headers: { ...signer.httpHeaders(envelope), authorization: `Basic ${btoa("mailroom:correct-horse-battery")}` },
 *   body: JSON.stringify(envelope),
 * }));
 * // Or let postToWebhook(handler, sesEvents.delivery(), { signer, secret }) do all of this.
 * ```
 */
export function createSnsTestSigner(options: SnsTestSignerOptions = {}): SnsTestSigner {
  const region = options.region ?? "us-east-1";
  const partition = options.partition ?? "aws";
  const topicArn = `arn:${partition}:sns:${region}:${options.accountId ?? "123456789012"}:${options.topicName ?? "mailroom-test"}`;
  const defaultVersion = options.signatureVersion ?? "1";
  const modulusLength = options.modulusLength ?? 2048;
  const certificateId = randomBytes(16).toString("hex");

  const ca = generateKeyPairSync("rsa", { modulusLength });
  const signing = generateKeyPairSync("rsa", { modulusLength });
  const now = Date.now();
  const validity = { notBefore: new Date(now - 86_400_000), notAfter: new Date(now + 365 * 86_400_000) };
  const caCertificatePem = buildCertificatePem({
    serialNumber: positiveSerial(),
    issuerCommonName: "Mailroom Test SNS CA",
    subjectCommonName: "Mailroom Test SNS CA",
    ...validity,
    subjectPublicKey: ca.publicKey,
    issuerPrivateKey: ca.privateKey,
    isCertificateAuthority: true,
  });
  const certificatePem = buildCertificatePem({
    serialNumber: positiveSerial(),
    issuerCommonName: "Mailroom Test SNS CA",
    subjectCommonName: "sns.amazonaws.com",
    ...validity,
    subjectPublicKey: signing.publicKey,
    issuerPrivateKey: ca.privateKey,
    isCertificateAuthority: false,
  });

  const servedUrls = new Set<string>();
  const subscriptionArns = new Map<string, string>();

  /** The SNS endpoint host of a topic's region, as SNS would use in its URLs. */
  function snsHost(arn: string): string {
    const [, arnPartition = partition, arnRegion = region] = ARN_PARTS.exec(arn) ?? [];
    const suffix = DEFAULT_PARTITION_DNS_SUFFIXES[arnPartition] ?? "amazonaws.com";
    return `sns.${arnRegion}.${suffix}`;
  }
  function certUrlFor(arn: string): string {
    const url = `https://${snsHost(arn)}/SimpleNotificationService-${certificateId}.pem`;
    servedUrls.add(url);
    return url;
  }
  function subscriptionArnFor(arn: string): string {
    let subscriptionArn = subscriptionArns.get(arn);
    if (subscriptionArn === undefined) {
      subscriptionArn = `${arn}:${randomUUID()}`;
      subscriptionArns.set(arn, subscriptionArn);
    }
    return subscriptionArn;
  }

  function sign<T extends UnsignedSnsEnvelope>(
    envelope: T,
    signOptions: { signatureVersion?: SnsSignatureVersion } = {},
  ): Extract<SnsEnvelope, { Type: T["Type"] }> {
    const given = envelope.SignatureVersion;
    const version = signOptions.signatureVersion ?? (given === "1" || given === "2" ? given : defaultVersion);
    const signed = {
      ...envelope,
      SignatureVersion: version,
      Signature: "",
      SigningCertURL: envelope.SigningCertURL ?? certUrlFor(envelope.TopicArn),
    } as SnsEnvelope;
    signed.Signature = signWith(signing.privateKey, version, canonicalString(signed));
    return signed as Extract<SnsEnvelope, { Type: T["Type"] }>;
  }

  function confirmation<T extends "SubscriptionConfirmation" | "UnsubscribeConfirmation">(
    type: T,
    confirmationOptions: SnsTestConfirmationOptions,
  ): Extract<SnsEnvelope, { Type: T }> {
    const arn = confirmationOptions.topicArn ?? topicArn;
    const token = confirmationOptions.token ?? randomBytes(64).toString("hex");
    const message =
      confirmationOptions.message ??
      (type === "SubscriptionConfirmation"
        ? `You have chosen to subscribe to the topic ${arn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`
        : `You have chosen to deactivate subscription ${subscriptionArnFor(arn)}.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.`);
    // Key order as SNS writes it.
    const unsigned = {
      Type: type,
      MessageId: confirmationOptions.messageId ?? randomUUID(),
      Token: token,
      TopicArn: arn,
      Message: message,
      SubscribeURL: `https://${snsHost(arn)}/?Action=ConfirmSubscription&TopicArn=${arn}&Token=${token}`,
      Timestamp: isoTimestamp(confirmationOptions.timestamp),
    } as UnsignedSnsEnvelope;
    const version = confirmationOptions.signatureVersion ?? defaultVersion;
    return sign(unsigned, { signatureVersion: version }) as Extract<SnsEnvelope, { Type: T }>;
  }

  return {
    topicArn,
    certUrl: certUrlFor(topicArn),
    certificatePem,
    caCertificatePem,
    sign,
    notification(notificationOptions) {
      const arn = notificationOptions.topicArn ?? topicArn;
      const { message, subject, messageAttributes } = notificationOptions;
      const unsigned: UnsignedSnsEnvelope = {
        Type: "Notification",
        MessageId: notificationOptions.messageId ?? randomUUID(),
        TopicArn: arn,
        ...(subject === undefined ? {} : { Subject: subject }),
        Message: typeof message === "string" ? message : JSON.stringify(message),
        Timestamp: isoTimestamp(notificationOptions.timestamp),
        UnsubscribeURL: `https://${snsHost(arn)}/?Action=Unsubscribe&SubscriptionArn=${subscriptionArnFor(arn)}`,
        ...(messageAttributes === undefined ? {} : { MessageAttributes: messageAttributes }),
      };
      return sign(unsigned, { signatureVersion: notificationOptions.signatureVersion ?? defaultVersion });
    },
    subscriptionConfirmation: (confirmationOptions = {}) =>
      confirmation("SubscriptionConfirmation", confirmationOptions),
    unsubscribeConfirmation: (confirmationOptions = {}) =>
      confirmation("UnsubscribeConfirmation", confirmationOptions),
    fetchCertificate: async (url) => {
      if (!servedUrls.has(url)) {
        // What AWS answers for a certificate that does not exist (a 404), as the default fetcher reports it.
        throw new WebhookValidationError("Could not download the SNS signing certificate: HTTP status 404", {
          httpStatus: 403,
        });
      }
      return certificatePem;
    },
    httpHeaders(envelope) {
      return {
        "x-amz-sns-message-type": envelope.Type,
        "x-amz-sns-message-id": envelope.MessageId,
        "x-amz-sns-topic-arn": envelope.TopicArn,
        ...(envelope.Type === "Notification"
          ? { "x-amz-sns-subscription-arn": subscriptionArnFor(envelope.TopicArn) }
          : {}),
        "Content-Type": "text/plain; charset=UTF-8",
        "User-Agent": "Amazon Simple Notification Service Agent",
      };
    },
  };
}

function signWith(privateKey: KeyObject, version: SnsSignatureVersion, data: string): string {
  return cryptoSign(version === "1" ? "sha1" : "sha256", Buffer.from(data, "utf8"), privateKey).toString(
    "base64",
  );
}

function isoTimestamp(value: string | Date | undefined): string {
  if (typeof value === "string") {
    return value;
  }
  return (value ?? new Date()).toISOString();
}

/** 16 random bytes with the top bit clear: X.509 serials must be positive. */
function positiveSerial(): Buffer {
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  return serial;
}
