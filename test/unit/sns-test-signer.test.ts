import { verify, X509Certificate } from "node:crypto";

import { describe, expect, it } from "vitest";

import { canonicalString } from "../../src/sns/canonical";
import { checkSigningCertUrl } from "../../src/sns/cert-url-policy";
import { parseSnsEnvelope } from "../../src/sns/envelope";
import { createSnsVerifier } from "../../src/sns/verify";
import { createSnsTestSigner } from "../../src/testing/index";
import { expectWebhookError } from "../helpers/sns-assertions";

const signer = createSnsTestSigner();

describe("createSnsTestSigner: certificates", () => {
  const ca = new X509Certificate(signer.caCertificatePem);
  const cert = new X509Certificate(signer.certificatePem);

  it("makes a CA and a signing certificate that node:crypto parses", () => {
    expect(ca.ca).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.subject).toBe("CN=sns.amazonaws.com");
    expect(cert.issuer).toBe(ca.subject);
    expect(cert.publicKey.asymmetricKeyType).toBe("rsa");
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it("has the signing certificate signed by the CA (and not self-signed)", () => {
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(false);
    expect(ca.verify(ca.publicKey)).toBe(true);
    const stranger = new X509Certificate(createSnsTestSigner().caCertificatePem);
    expect(cert.verify(stranger.publicKey)).toBe(false);
  });

  it("is valid now", () => {
    const now = Date.now();
    for (const c of [ca, cert]) {
      expect(Date.parse(c.validFrom)).toBeLessThan(now);
      expect(Date.parse(c.validTo)).toBeGreaterThan(now);
    }
  });
});

describe("createSnsTestSigner: URLs and certificate serving", () => {
  it("publishes a realistic certificate URL that the default policy accepts for its topic", () => {
    expect(signer.certUrl).toMatch(
      /^https:\/\/sns\.us-east-1\.amazonaws\.com\/SimpleNotificationService-[0-9a-f]{32}\.pem$/,
    );
    expect(signer.topicArn).toBe("arn:aws:sns:us-east-1:123456789012:mailroom-test");
    expect(() => checkSigningCertUrl(signer.certUrl, signer.topicArn)).not.toThrow();
  });

  it("serves its certificate at its own URLs only", async () => {
    await expect(signer.fetchCertificate(signer.certUrl)).resolves.toBe(signer.certificatePem);
    const western = signer.notification({ message: "m", topicArn: "arn:aws:sns:eu-west-1:123456789012:t" });
    expect(western.SigningCertURL).toMatch(/^https:\/\/sns\.eu-west-1\.amazonaws\.com\//);
    await expect(signer.fetchCertificate(western.SigningCertURL)).resolves.toBe(signer.certificatePem);
    await expectWebhookError(() => signer.fetchCertificate(createSnsTestSigner().certUrl), 403);
    await expectWebhookError(() => signer.fetchCertificate("https://example.com/cert.pem"), 403);
  });

  it("follows the partition for China topics, and the result verifies with the default policy", async () => {
    const china = createSnsTestSigner({ partition: "aws-cn", region: "cn-north-1", signatureVersion: "2" });
    expect(china.certUrl).toMatch(/^https:\/\/sns\.cn-north-1\.amazonaws\.com\.cn\//);
    const envelope = china.notification({ message: "m" });
    expect(envelope.TopicArn).toBe("arn:aws-cn:sns:cn-north-1:123456789012:mailroom-test");
    expect(envelope.SignatureVersion).toBe("2");
    await expect(
      createSnsVerifier({ fetchCertificate: china.fetchCertificate }).verify(envelope),
    ).resolves.toBeUndefined();
  });
});

describe("createSnsTestSigner: envelopes", () => {
  // Fixed timestamps (the epoch) check the exact output; the freshness window is not what is tested.
  const verifier = createSnsVerifier({
    fetchCertificate: signer.fetchCertificate,
    maxAgeSeconds: Number.POSITIVE_INFINITY,
  });

  it("builds notifications like SNS: JSON-encoded objects, Subject only when given", async () => {
    const envelope = signer.notification({
      message: { eventType: "Open" },
      messageId: "id-1",
      timestamp: new Date(0),
    });
    expect(envelope).toMatchObject({
      Type: "Notification",
      MessageId: "id-1",
      TopicArn: signer.topicArn,
      Message: '{"eventType":"Open"}',
      Timestamp: "1970-01-01T00:00:00.000Z",
      SignatureVersion: "1",
      SigningCertURL: signer.certUrl,
    });
    expect(envelope).not.toHaveProperty("Subject");
    expect(envelope.UnsubscribeURL).toMatch(
      /^https:\/\/sns\.us-east-1\.amazonaws\.com\/\?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:/,
    );
    expect(signer.notification({ message: "x", subject: "S" }).Subject).toBe("S");
    await expect(verifier.verify(envelope)).resolves.toBeUndefined();
  });

  it("builds confirmations with a token, SubscribeURL and AWS's wording", async () => {
    const sub = signer.subscriptionConfirmation({ token: "abc123", signatureVersion: "2" });
    expect(sub).toMatchObject({ Type: "SubscriptionConfirmation", Token: "abc123", SignatureVersion: "2" });
    expect(sub.SubscribeURL).toBe(
      `https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${signer.topicArn}&Token=abc123`,
    );
    expect(sub.Message).toContain(`You have chosen to subscribe to the topic ${signer.topicArn}`);
    const unsub = signer.unsubscribeConfirmation();
    expect(unsub.Type).toBe("UnsubscribeConfirmation");
    expect(unsub.Token).toMatch(/^[0-9a-f]{128}$/);
    expect(unsub.Message).toContain(
      "You have chosen to deactivate subscription arn:aws:sns:us-east-1:123456789012:mailroom-test:",
    );
    await expect(verifier.verify(sub)).resolves.toBeUndefined();
    await expect(verifier.verify(unsub)).resolves.toBeUndefined();
  });

  it("re-signs a changed envelope, keeping a given SigningCertURL and the requested version", async () => {
    const original = signer.notification({ message: "m", signatureVersion: "2" });
    const resigned = signer.sign({ ...original, Message: "changed" });
    expect(resigned.SignatureVersion).toBe("2");
    expect(resigned.Signature).not.toBe(original.Signature);
    await expect(verifier.verify(resigned)).resolves.toBeUndefined();
    const v1 = signer.sign(resigned, { signatureVersion: "1" });
    expect(v1.SignatureVersion).toBe("1");
    await expect(verifier.verify(v1)).resolves.toBeUndefined();
    const elsewhere = signer.sign({ ...original, SigningCertURL: "https://example.com/x.pem" });
    expect(elsewhere.SigningCertURL).toBe("https://example.com/x.pem");
  });

  it("produces signatures a bare node:crypto verify accepts (oracle)", () => {
    const key = new X509Certificate(signer.certificatePem).publicKey;
    for (const version of ["1", "2"] as const) {
      const envelope = signer.notification({ message: "m", subject: "s", signatureVersion: version });
      const data = Buffer.from(canonicalString(envelope));
      const signature = Buffer.from(envelope.Signature, "base64");
      expect(verify(version === "1" ? "sha1" : "sha256", data, key, signature)).toBe(true);
    }
  });
});

describe("createSnsTestSigner: HTTP headers", () => {
  it("sends SNS's headers, with the subscription ARN on notifications only", () => {
    const note = signer.notification({ message: "m" });
    const headers = signer.httpHeaders(note);
    const subscriptionArn = headers["x-amz-sns-subscription-arn"] ?? "";
    expect(headers).toEqual({
      "x-amz-sns-message-type": "Notification",
      "x-amz-sns-message-id": note.MessageId,
      "x-amz-sns-topic-arn": signer.topicArn,
      "x-amz-sns-subscription-arn": subscriptionArn,
      "Content-Type": "text/plain; charset=UTF-8",
      "User-Agent": "Amazon Simple Notification Service Agent",
    });
    expect(subscriptionArn).toMatch(/^arn:aws:sns:us-east-1:123456789012:mailroom-test:[0-9a-f-]{36}$/);
    expect(note.UnsubscribeURL.endsWith(subscriptionArn)).toBe(true);
    const confirmation = signer.subscriptionConfirmation();
    expect(signer.httpHeaders(confirmation)).not.toHaveProperty("x-amz-sns-subscription-arn");
    expect(signer.httpHeaders(confirmation)["x-amz-sns-message-type"]).toBe("SubscriptionConfirmation");
  });

  it("produces a request the envelope parser accepts as is", () => {
    const note = signer.notification({ message: "m" });
    const headers = new Headers(signer.httpHeaders(note));
    const parsed = parseSnsEnvelope(JSON.stringify(note), {
      messageType: headers.get("x-amz-sns-message-type"),
      messageId: headers.get("x-amz-sns-message-id"),
      rawDelivery: headers.get("x-amz-sns-rawdelivery"),
    });
    expect(parsed).toEqual(note);
  });
});
