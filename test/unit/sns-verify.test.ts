import { generateKeyPairSync, randomBytes } from "node:crypto";

import { describe, expect, it, vi } from "vitest";

import { ConfigurationError } from "../../src/errors";
import { createCertificateCache } from "../../src/sns/cert-cache";
import type { SnsEnvelope, SnsNotification, SnsSubscriptionConfirmation } from "../../src/sns/types";
import { createSnsVerifier } from "../../src/sns/verify";
import { createSnsTestSigner } from "../../src/testing/sns-signing";
import { buildCertificatePem } from "../../src/testing/x509-builder";
import { expectWebhookError } from "../helpers/sns-assertions";

const signer = createSnsTestSigner();
const other = createSnsTestSigner();
const verifierFor = (): ReturnType<typeof createSnsVerifier> =>
  createSnsVerifier({ fetchCertificate: signer.fetchCertificate });

function everyType(version: "1" | "2"): SnsEnvelope[] {
  return [
    signer.notification({ message: '{"eventType":"Delivery"}', signatureVersion: version }),
    signer.notification({ message: "with subject", subject: "Hello", signatureVersion: version }),
    signer.subscriptionConfirmation({ signatureVersion: version }),
    signer.unsubscribeConfirmation({ signatureVersion: version }),
  ];
}

describe("createSnsVerifier: valid messages", () => {
  const cases = [...everyType("1"), ...everyType("2")].map((e) => [e.Type, e.SignatureVersion, e] as const);
  it.each(cases)("accepts a %s signed with SignatureVersion %s", async (_type, _version, envelope) => {
    await expect(verifierFor().verify(envelope)).resolves.toBeUndefined();
  });

  it("ignores fields SNS does not sign (UnsubscribeURL, MessageAttributes)", async () => {
    const envelope = signer.notification({ message: "m" });
    const changed = {
      ...envelope,
      UnsubscribeURL: "https://x",
      MessageAttributes: { a: { Type: "String", Value: "b" } },
    };
    await expect(verifierFor().verify(changed)).resolves.toBeUndefined();
  });
});

describe("createSnsVerifier: tampering is refused (403)", () => {
  const note = signer.notification({ message: '{"eventType":"Bounce"}' });
  const noteWithSubject = signer.notification({ message: "m", subject: "Subject" });
  const sub = signer.subscriptionConfirmation();
  const unsub = signer.unsubscribeConfirmation();
  const withoutSubject: SnsNotification = { ...noteWithSubject };
  delete withoutSubject.Subject;
  const tampered: [string, SnsEnvelope][] = [
    ["Message", { ...note, Message: '{"eventType":"Delivery"}' }],
    ["MessageId", { ...note, MessageId: "00000000-0000-0000-0000-000000000000" }],
    ["Subject added", { ...note, Subject: "added" }],
    ["Subject removed", withoutSubject],
    ["Subject changed", { ...noteWithSubject, Subject: "changed" }],
    ["Timestamp", { ...note, Timestamp: new Date(Date.now() + 60_000).toISOString() }],
    ["TopicArn (same region)", { ...note, TopicArn: "arn:aws:sns:us-east-1:123456789012:other-topic" }],
    ["Type (subscribe -> unsubscribe)", { ...sub, Type: "UnsubscribeConfirmation" }],
    ["Type (unsubscribe -> subscribe)", { ...unsub, Type: "SubscriptionConfirmation" }],
    ["Token", { ...sub, Token: "0".repeat(sub.Token.length) }],
    ["SubscribeURL", { ...sub, SubscribeURL: "https://evil.example/?Action=ConfirmSubscription" }],
    ["confirmation Message", { ...unsub, Message: "changed" }],
    [
      "confirmation Timestamp",
      { ...sub, Timestamp: new Date(Date.now() - 60_000).toISOString() } as SnsSubscriptionConfirmation,
    ],
  ];
  it.each(tampered)("refuses a tampered %s", async (_field, envelope) => {
    await expectWebhookError(() => verifierFor().verify(envelope), 403, /signature is invalid/);
  });

  it("refuses a signature made by another key for the same certificate URL (swapped certificate)", async () => {
    const forged = other.sign({ ...note, SigningCertURL: signer.certUrl });
    await expectWebhookError(() => verifierFor().verify(forged), 403, /signature is invalid/);
    // ... and the forger's own certificate is not served at the victim's URL.
    const ownUrl = other.notification({ message: "m" });
    await expectWebhookError(() => verifierFor().verify(ownUrl), 403, /404/);
  });

  it("refuses a signature of the wrong version, truncated or garbage", async () => {
    const v1 = signer.notification({ message: "m", signatureVersion: "1" });
    const v2 = signer.notification({ message: "m", signatureVersion: "2" });
    await expectWebhookError(() => verifierFor().verify({ ...v1, SignatureVersion: "2" }), 403, /signature/);
    await expectWebhookError(() => verifierFor().verify({ ...v2, SignatureVersion: "1" }), 403, /signature/);
    await expectWebhookError(
      () => verifierFor().verify({ ...v1, Signature: v1.Signature.slice(0, 40) }),
      403,
    );
    await expectWebhookError(
      () => verifierFor().verify({ ...v1, Signature: "!!!not base64!!!" }),
      400,
      /base64/,
    );
  });
});

describe("createSnsVerifier: malformed (400)", () => {
  const note = signer.notification({ message: "m" });
  it.each(["0", "3", "", "1.0", " 1", "v2"])("refuses SignatureVersion %j", async (version) => {
    await expectWebhookError(
      () => verifierFor().verify({ ...note, SignatureVersion: version }),
      400,
      /SignatureVersion/,
    );
  });

  it("refuses a missing Signature", async () => {
    await expectWebhookError(() => verifierFor().verify({ ...note, Signature: "" }), 400, /no Signature/);
  });
});

describe("certificate download and cache", () => {
  it("downloads a certificate once for many messages, then does no I/O", async () => {
    const fetchCertificate = vi.fn(signer.fetchCertificate);
    const verifier = createSnsVerifier({ fetchCertificate });
    for (let i = 0; i < 20; i++) {
      await verifier.verify(signer.notification({ message: `m${i}`, signatureVersion: i % 2 ? "1" : "2" }));
    }
    expect(fetchCertificate).toHaveBeenCalledTimes(1);
    expect(fetchCertificate).toHaveBeenCalledWith(signer.certUrl);
  });

  it("shares one download between 50 concurrent first requests", async () => {
    const fetchCertificate = vi.fn(async (url: string) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return signer.fetchCertificate(url);
    });
    const verifier = createSnsVerifier({ fetchCertificate });
    const messages = Array.from({ length: 50 }, (_, i) => signer.notification({ message: `m${i}` }));
    await expect(Promise.all(messages.map((m) => verifier.verify(m)))).resolves.toHaveLength(50);
    expect(fetchCertificate).toHaveBeenCalledTimes(1);
  });

  it("remembers a failed download briefly: concurrent waiters fail together, a message after failureTtlMs retries", async () => {
    let fail = true;
    let now = 5_000_000;
    const fetchCertificate = vi.fn(async (url: string) => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      if (fail) {
        throw new Error("connect ECONNREFUSED");
      }
      return signer.fetchCertificate(url);
    });
    const cache = createCertificateCache({ fetcher: fetchCertificate, now: () => now });
    const verifier = createSnsVerifier({ cache });
    const messages = Array.from({ length: 10 }, (_, i) => signer.notification({ message: `m${i}` }));
    const results = await Promise.allSettled(messages.map((m) => verifier.verify(m)));
    expect(results.every((r) => r.status === "rejected")).toBe(true);
    expect(fetchCertificate).toHaveBeenCalledTimes(1);
    // A network failure is worth a retry by SNS: 503, with the cause kept; within 10 s, no new download.
    const error = await expectWebhookError(
      () => verifier.verify(messages[0] as SnsEnvelope),
      503,
      /download/,
    );
    expect((error.cause as Error).message).toBe("connect ECONNREFUSED");
    expect(fetchCertificate).toHaveBeenCalledTimes(1);
    fail = false;
    now += 10_001;
    await expect(verifier.verify(messages[0] as SnsEnvelope)).resolves.toBeUndefined();
    expect(fetchCertificate).toHaveBeenCalledTimes(2);
  });

  it("refuses a download that is not a certificate, or not an RSA one (403)", async () => {
    const note = signer.notification({ message: "m" });
    const garbage = createSnsVerifier({ fetchCertificate: async () => "<html>hello</html>" });
    await expectWebhookError(() => garbage.verify(note), 403, /valid X\.509/);
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const rsaIssuer = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const ecPem = buildCertificatePem({
      serialNumber: randomBytes(8),
      issuerCommonName: "CA",
      subjectCommonName: "sns.amazonaws.com",
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 3_600_000),
      subjectPublicKey: ec.publicKey,
      issuerPrivateKey: rsaIssuer.privateKey,
      isCertificateAuthority: false,
    });
    const ecVerifier = createSnsVerifier({ fetchCertificate: async () => ecPem });
    await expectWebhookError(() => ecVerifier.verify(note), 403, /RSA/);
  });

  it("keeps at most maxEntries certificates, evicting the least recently used", async () => {
    const fetcher = vi.fn(async () => signer.certificatePem);
    const cache = createCertificateCache({ fetcher, maxEntries: 2 });
    const verifier = createSnsVerifier({ cache });
    const url = (id: string): string =>
      `https://sns.us-east-1.amazonaws.com/SimpleNotificationService-${id}.pem`;
    const signedAt = (id: string): SnsEnvelope =>
      signer.sign({ ...signer.notification({ message: id }), SigningCertURL: url(id) });
    await verifier.verify(signedAt("aaaa"));
    await verifier.verify(signedAt("bbbb"));
    await verifier.verify(signedAt("aaaa")); // touch: aaaa becomes the most recently used
    await verifier.verify(signedAt("cccc")); // evicts bbbb
    expect(cache.size).toBe(2);
    expect(fetcher).toHaveBeenCalledTimes(3);
    expect(cache.peek(url("aaaa"))).toBeDefined();
    expect(cache.peek(url("bbbb"))).toBeUndefined();
    await verifier.verify(signedAt("bbbb"));
    expect(fetcher).toHaveBeenCalledTimes(4);
    expect(cache.size).toBe(2);
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it("lets several verifiers share one cache", async () => {
    const fetcher = vi.fn(signer.fetchCertificate);
    const cache = createCertificateCache({ fetcher });
    await createSnsVerifier({ cache }).verify(signer.notification({ message: "a" }));
    await createSnsVerifier({ cache }).verify(signer.subscriptionConfirmation());
    expect(fetcher).toHaveBeenCalledTimes(1);
  });

  it("refuses contradictory or invalid cache options", () => {
    const cache = createCertificateCache({ fetcher: signer.fetchCertificate });
    expect(() => createSnsVerifier({ cache, fetchCertificate: signer.fetchCertificate })).toThrow(
      ConfigurationError,
    );
    for (const maxEntries of [0, -1, 1.5, Number.NaN]) {
      expect(() => createCertificateCache({ maxEntries })).toThrow(ConfigurationError);
    }
  });
});

describe("freshness window (maxAgeSeconds)", () => {
  const now = Date.parse("2025-06-01T12:00:00.000Z");
  const at = (offsetMs: number): SnsEnvelope =>
    signer.notification({ message: "m", timestamp: new Date(now + offsetMs) });

  it("is one hour by default: a captured message is refused once it is older (issue 11 §7)", async () => {
    const verifier = createSnsVerifier({ fetchCertificate: signer.fetchCertificate, now: () => now });
    await expect(verifier.verify(at(-3_600_000))).resolves.toBeUndefined();
    await expectWebhookError(() => verifier.verify(at(-3_600_001)), 403, /Timestamp/);
    const old = signer.notification({ message: "m", timestamp: "2019-01-01T00:00:00.000Z" });
    await expectWebhookError(() => verifierFor().verify(old), 403, /outside the accepted window/);
  });

  it("can be turned off explicitly with maxAgeSeconds: Infinity (the old behaviour)", async () => {
    const old = signer.notification({ message: "m", timestamp: "2019-01-01T00:00:00.000Z" });
    const verifier = createSnsVerifier({
      fetchCertificate: signer.fetchCertificate,
      maxAgeSeconds: Number.POSITIVE_INFINITY,
    });
    await expect(verifier.verify(old)).resolves.toBeUndefined();
  });

  it("refuses windows shorter than SNS's one-hour retry span at creation", () => {
    for (const maxAgeSeconds of [0, 900, 3599, -1, Number.NaN, Number.NEGATIVE_INFINITY]) {
      expect(() => createSnsVerifier({ maxAgeSeconds })).toThrow(ConfigurationError);
    }
    expect(() => createSnsVerifier({ maxAgeSeconds: 900 })).toThrow(/at least 3600/);
    expect(() => createSnsVerifier({ maxAgeSeconds: 3600 })).not.toThrow();
  });

  it("accepts messages inside the window and refuses older or far-future ones", async () => {
    const verifier = createSnsVerifier({
      fetchCertificate: signer.fetchCertificate,
      maxAgeSeconds: 3600,
      now: () => now,
    });
    await expect(verifier.verify(at(-59 * 60_000))).resolves.toBeUndefined();
    await expect(verifier.verify(at(-3_600_000))).resolves.toBeUndefined();
    await expect(verifier.verify(at(30_000))).resolves.toBeUndefined();
    await expectWebhookError(() => verifier.verify(at(-3_600_001)), 403, /Timestamp/);
    await expectWebhookError(() => verifier.verify(at(2 * 3_600_000)), 403, /Timestamp/);
  });

  it("refuses an unparsable Timestamp with 400 by default", async () => {
    const envelope = signer.notification({ message: "m", timestamp: "yesterday-ish" });
    await expectWebhookError(() => verifierFor().verify(envelope), 400, /Timestamp/);
  });

  it("refuses an unparsable Timestamp with 400 when the window is on", async () => {
    const verifier = createSnsVerifier({ fetchCertificate: signer.fetchCertificate, maxAgeSeconds: 7200 });
    const envelope = signer.notification({ message: "m", timestamp: "yesterday-ish" });
    await expectWebhookError(() => verifier.verify(envelope), 400, /Timestamp/);
  });
});

describe("strict Signature decoding (issue 11 §7)", () => {
  const envelope = signer.notification({ message: "m" });
  const signature = envelope.Signature;
  it.each([
    ["a character outside base64", `${signature.slice(0, 10)}!${signature.slice(11)}`],
    ["whitespace inside", `${signature.slice(0, 20)} ${signature.slice(20)}`],
    ["a line break inside", `${signature.slice(0, 20)}\n${signature.slice(20)}`],
    ["a base64url '-'", `-${signature.slice(1)}`],
    ["a base64url '_'", `_${signature.slice(1)}`],
    ["missing padding", signature.replace(/=+$/, "")],
    ["extra data after the padding", `${signature}AAAA`],
    ["trailing garbage", `${signature}@@`],
  ])("refuses a Signature with %s", async (_case, changed) => {
    await expectWebhookError(() => verifierFor().verify({ ...envelope, Signature: changed }), 400, /base64/);
  });

  it("still accepts the canonical encoding", async () => {
    await expect(verifierFor().verify(envelope)).resolves.toBeUndefined();
  });
});
