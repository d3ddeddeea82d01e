import { createVerify, verify, X509Certificate } from "node:crypto";

import { describe, expect, it } from "vitest";

import { canonicalString } from "../../src/sns/canonical";
import type { SnsEnvelope, SnsNotification, SnsSubscriptionConfirmation } from "../../src/sns/types";
import { createSnsTestSigner } from "../../src/testing/sns-signing";

const ARN = "arn:aws:sns:us-east-1:123456789012:ses-events";
const base = {
  MessageId: "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
  TopicArn: ARN,
  Message: '{"eventType":"Delivery"}',
  Timestamp: "2024-04-26T20:45:04.751Z",
  SignatureVersion: "1",
  Signature: "c2lnbmF0dXJl",
  SigningCertURL:
    "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem",
};
const notification: SnsNotification = {
  Type: "Notification",
  ...base,
  UnsubscribeURL: "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=x",
  MessageAttributes: { kind: { Type: "String", Value: "bounce" } },
};
const confirmation: SnsSubscriptionConfirmation = {
  Type: "SubscriptionConfirmation",
  ...base,
  Message: "You have chosen to subscribe to the topic.",
  Token:
    "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736",
  SubscribeURL: "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=x&Token=y",
};

describe("canonicalString", () => {
  it("builds the Notification string without Subject, ending in a newline", () => {
    expect(canonicalString(notification)).toBe(
      "Message\n" +
        '{"eventType":"Delivery"}\n' +
        "MessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\n" +
        "Timestamp\n2024-04-26T20:45:04.751Z\n" +
        `TopicArn\n${ARN}\n` +
        "Type\nNotification\n",
    );
  });

  it("puts Subject between MessageId and Timestamp when present", () => {
    expect(canonicalString({ ...notification, Subject: "Amazon SES Email Event Notification" })).toBe(
      "Message\n" +
        '{"eventType":"Delivery"}\n' +
        "MessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\n" +
        "Subject\nAmazon SES Email Event Notification\n" +
        "Timestamp\n2024-04-26T20:45:04.751Z\n" +
        `TopicArn\n${ARN}\n` +
        "Type\nNotification\n",
    );
  });

  it("keeps an empty Subject (present is not the same as missing)", () => {
    expect(canonicalString({ ...notification, Subject: "" })).toContain(
      "MessageId\n" + base.MessageId + "\nSubject\n\nTimestamp\n",
    );
  });

  it("builds the confirmation strings with SubscribeURL and Token, for both confirmation types", () => {
    const expected = (type: string): string =>
      "Message\nYou have chosen to subscribe to the topic.\n" +
      `MessageId\n${base.MessageId}\n` +
      `SubscribeURL\n${confirmation.SubscribeURL}\n` +
      `Timestamp\n${base.Timestamp}\n` +
      `Token\n${confirmation.Token}\n` +
      `TopicArn\n${ARN}\n` +
      `Type\n${type}\n`;
    expect(canonicalString(confirmation)).toBe(expected("SubscriptionConfirmation"));
    expect(canonicalString({ ...confirmation, Type: "UnsubscribeConfirmation" })).toBe(
      expected("UnsubscribeConfirmation"),
    );
  });

  it("never includes unsigned fields and always ends with exactly one newline", () => {
    for (const envelope of [notification, confirmation] as SnsEnvelope[]) {
      const text = canonicalString(envelope);
      expect(text.endsWith("\n")).toBe(true);
      expect(text.endsWith("\n\n")).toBe(false);
      for (const unsigned of ["Signature", "SigningCertURL", "UnsubscribeURL", "MessageAttributes"]) {
        expect(text).not.toContain(`${unsigned}\n`);
      }
    }
  });

  it("keeps newlines and non-ASCII text inside values untouched", () => {
    const text = canonicalString({ ...notification, Message: "line1\nlïne2 ✓" });
    expect(text.startsWith("Message\nline1\nlïne2 ✓\nMessageId\n")).toBe(true);
  });
});

/**
 * An independent reading of the AWS algorithm (walk the key list, include a key only when
 * present), so a bug in canonicalString cannot hide behind the test signer, which uses it too.
 */
function referenceStringToSign(envelope: SnsEnvelope): string {
  const keys =
    envelope.Type === "Notification"
      ? ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
      : ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"];
  const fields = new Map(Object.entries(envelope));
  return keys
    .filter((key) => fields.has(key))
    .map((key) => `${key}\n${String(fields.get(key))}\n`)
    .join("");
}

describe("canonicalString against a bare node:crypto oracle", () => {
  const signer = createSnsTestSigner();
  const publicKey = new X509Certificate(signer.certificatePem).publicKey;
  const envelopes: SnsEnvelope[] = [];
  for (const signatureVersion of ["1", "2"] as const) {
    envelopes.push(
      signer.notification({ message: "m", subject: "s", signatureVersion }),
      signer.notification({ message: { eventType: "Bounce" }, signatureVersion }),
      signer.subscriptionConfirmation({ signatureVersion }),
      signer.unsubscribeConfirmation({ signatureVersion }),
    );
  }

  it.each(envelopes.map((e) => [e.Type, e.SignatureVersion, e] as const))(
    "%s v%s verifies with crypto.verify and createVerify over the canonical string",
    (_type, version, envelope) => {
      const algorithm = version === "1" ? "sha1" : "sha256";
      expect(canonicalString(envelope)).toBe(referenceStringToSign(envelope));
      const data = Buffer.from(referenceStringToSign(envelope), "utf8");
      const signature = Buffer.from(envelope.Signature, "base64");
      expect(verify(algorithm, data, publicKey, signature)).toBe(true);
      const streaming = createVerify(version === "1" ? "RSA-SHA1" : "RSA-SHA256");
      streaming.update(canonicalString(envelope), "utf8");
      expect(streaming.verify(publicKey, signature)).toBe(true);
      // Without the trailing newline (a known bug class), the same signature must not verify.
      expect(verify(algorithm, data.subarray(0, -1), publicKey, signature)).toBe(false);
    },
  );
});
