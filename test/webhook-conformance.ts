/**
 * The webhook conformance suite: what every Mailroom SNS webhook must do, whatever it converts.
 * `describeWebhookConformance` runs against the tracking and the inbound handler (see
 * test/unit/webhook-conformance-*.test.ts). Ports Anymail's SES webhook tests 40-45 and 56-62 in
 * spirit, with signature verification on.
 */
import { describe, expect, it } from "vitest";

import { ConfigurationError } from "../src/errors";
import type { SnsEnvelope } from "../src/sns/types";
import { createSnsTestSigner } from "../src/testing/sns-signing";
import { describeBodyAndMethodConformance } from "./webhook-conformance-http";
import { describeSubscriptionConformance } from "./webhook-conformance-subscriptions";
import {
  basic,
  harness,
  leaksInternals,
  SECRET,
  signer,
  snsRequest,
  type WebhookUnderTest,
} from "./helpers/webhook-harness";

export type { WebhookUnderTest } from "./helpers/webhook-harness";

/** Run the whole conformance suite against the webhook `factory` describes. */
export function describeWebhookConformance(name: string, factory: () => WebhookUnderTest): void {
  describe(`${name}: webhook conformance`, () => {
    const subject = factory();
    const valid = (): SnsEnvelope => signer.notification({ message: subject.validMessage });

    it("accepts a signed notification with the right credentials and calls the app", async () => {
      const { handler, calls } = harness(subject);
      const response = await handler(snsRequest(valid()));
      expect(response.status).toBe(200);
      expect(calls).toHaveLength(subject.expectedCalls);
    });

    describeAuthConformance(subject, valid);
    describeAllowListConformance(subject, valid);
    describeSignatureConformance(subject, valid);
    describeErrorConformance(subject, valid);
    describeBodyAndMethodConformance(subject, valid);
    describeSubscriptionConformance(subject);
  });
}

function describeAuthConformance(subject: WebhookUnderTest, valid: () => SnsEnvelope): void {
  describe("basic auth", () => {
    it("answers a request without credentials with the 401 challenge, and nothing else runs", async () => {
      const { handler, calls } = harness(subject);
      const response = await handler(snsRequest(valid(), { auth: null }));
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe('Basic realm="Mailroom webhook"');
      expect(calls).toHaveLength(0);
    });

    it.each([
      ["another scheme", "Bearer abc"],
      ["bad base64", "Basic %%%"],
      ["no colon", basic("usernamepassword")],
      ["no token", "Basic"],
    ])("treats a malformed Authorization header (%s) as missing: 401", async (_case, auth) => {
      const { handler, calls } = harness(subject);
      const response = await handler(snsRequest(valid(), { auth }));
      expect(response.status).toBe(401);
      expect(calls).toHaveLength(0);
    });

    it("refuses wrong credentials with 403 and logs the refusal without the credentials", async () => {
      const { handler, calls, log } = harness(subject);
      const response = await handler(snsRequest(valid(), { auth: basic("username:guess-1234") }));
      expect(response.status).toBe(403);
      expect(calls).toHaveLength(0);
      expect(log.entries.some((e) => e.level === "warn" && /credentials/.test(e.message))).toBe(true);
      expect(log.text()).not.toMatch(/guess-1234|password/);
      expect(log.text()).not.toContain(basic("username:guess-1234").slice(6));
    });

    it("accepts the Basic scheme in any case", async () => {
      const { handler } = harness(subject);
      const auth = basic(SECRET).replace("Basic", "bAsIc");
      expect((await handler(snsRequest(valid(), { auth }))).status).toBe(200);
    });

    it("supports credential rotation: any secret of the list matches", async () => {
      const { handler, calls } = harness(subject, { secret: ["cred1:password1", "cred2:password2"] });
      expect((await handler(snsRequest(valid(), { auth: basic("cred1:password1") }))).status).toBe(200);
      expect((await handler(snsRequest(valid(), { auth: basic("cred2:password2") }))).status).toBe(200);
      expect((await handler(snsRequest(valid(), { auth: basic("cred1:password2") }))).status).toBe(403);
      expect(calls).toHaveLength(2 * subject.expectedCalls);
    });

    it("fails closed: neither a secret nor allowedTopicArns is a ConfigurationError at creation", () => {
      // What `secret: process.env.MAILROOM_WEBHOOK_SECRET` gives when the variable is unset.
      const unset = process.env.MAILROOM_TEST_SURELY_UNSET_VARIABLE;
      for (const overrides of [
        { secret: undefined },
        { secret: unset },
        { secret: undefined, allowAnyTopic: false },
      ]) {
        expect(() => harness(subject, overrides)).toThrow(ConfigurationError);
        expect(() => harness(subject, overrides)).toThrow(
          /neither a secret nor allowedTopicArns.*allowAnyTopic: true/s,
        );
      }
    });

    it("accepts any topic without credentials only with allowAnyTopic: true, and warns once", async () => {
      const { handler, log } = harness(subject, { secret: undefined, allowAnyTopic: true });
      expect(
        log.entries.filter((e) => /accepts SNS messages from any AWS account's topic/.test(e.message)),
      ).toHaveLength(1);
      expect((await handler(snsRequest(valid(), { auth: null }))).status).toBe(200);
      expect((await handler(snsRequest(valid(), { auth: basic("any:thing") }))).status).toBe(200);
    });

    it("refuses allowAnyTopic together with allowedTopicArns, and a non-boolean allowAnyTopic", () => {
      expect(() => harness(subject, { allowAnyTopic: true, allowedTopicArns: [signer.topicArn] })).toThrow(
        ConfigurationError,
      );
      expect(() => harness(subject, { allowAnyTopic: "yes" as unknown as boolean })).toThrow(TypeError);
    });

    it.each([
      ["no colon", "no-colon-at-all"],
      ["only a colon", ":"],
      ["empty", ""],
      ["no user", ":a-long-password"],
      ["no password", "user:"],
      ["a 7-character password", "user:1234567"],
      ["a weak entry in a list", [SECRET, "user:pw"]],
    ])(
      "refuses a malformed or weak secret (%s) with a ConfigurationError that does not show it",
      (_case, secret) => {
        let error: unknown;
        try {
          harness(subject, { secret });
        } catch (caught) {
          error = caught;
        }
        expect(error).toBeInstanceOf(ConfigurationError);
        expect((error as Error).message).toMatch(/user:password|shorter than 8 characters/);
        expect((error as Error).message).not.toMatch(/no-colon-at-all|a-long-password|1234567|user:pw\b/);
      },
    );

    it("accepts a password of exactly 8 characters (the shared rule's minimum)", () => {
      expect(() => harness(subject, { secret: "user:12345678" })).not.toThrow();
    });

    it.each([[[]], [[42]], [42]])(
      "refuses a secret option of the wrong type %j with a TypeError",
      (secret) => {
        expect(() => harness(subject, { secret: secret as unknown as string })).toThrow(TypeError);
      },
    );
  });
}

function describeAllowListConformance(subject: WebhookUnderTest, valid: () => SnsEnvelope): void {
  describe("topic allow-list", () => {
    it("refuses a topic that is not allowed with 403, before the app sees anything", async () => {
      const { handler, calls } = harness(subject, {
        allowedTopicArns: ["arn:aws:sns:us-east-1:123456789012:other"],
      });
      expect((await handler(snsRequest(valid()))).status).toBe(403);
      expect(calls).toHaveLength(0);
    });

    it("accepts an allowed topic, without a secret and without a warning", async () => {
      const { handler, calls, log } = harness(subject, {
        secret: undefined,
        allowedTopicArns: [signer.topicArn],
      });
      expect((await handler(snsRequest(valid(), { auth: null }))).status).toBe(200);
      expect(calls).toHaveLength(subject.expectedCalls);
      expect(log.entries).toEqual([]);
    });

    it("refuses an empty allow-list at construction", () => {
      expect(() => harness(subject, { allowedTopicArns: [] })).toThrow(TypeError);
    });
  });
}

function describeSignatureConformance(subject: WebhookUnderTest, valid: () => SnsEnvelope): void {
  describe("signature verification", () => {
    const forger = signer.sign({
      ...valid(),
      Signature: undefined,
      SigningCertURL: "http://evil.example/x.pem",
    });

    it("refuses a tampered message with 403 and never calls the app", async () => {
      const { handler, calls } = harness(subject);
      const tampered = { ...valid(), Timestamp: "2031-01-01T00:00:00.000Z" };
      expect((await handler(snsRequest(tampered))).status).toBe(403);
      expect(calls).toHaveLength(0);
    });

    it("refuses a message signed with another key behind the genuine certificate URL", async () => {
      const { handler, calls } = harness(subject);
      const forged = createSnsTestSigner().sign({ ...valid(), SigningCertURL: signer.certUrl });
      expect((await handler(snsRequest(forged))).status).toBe(403);
      expect(calls).toHaveLength(0);
    });

    it("refuses a certificate URL outside SNS without downloading it", async () => {
      const fetched: string[] = [];
      const fetchCertificate = async (url: string): Promise<string> => {
        fetched.push(url);
        return signer.fetchCertificate(url);
      };
      const { handler, calls } = harness(subject, { verifySignature: { fetchCertificate } });
      expect((await handler(snsRequest(forger))).status).toBe(403);
      expect(fetched).toEqual([]);
      expect(calls).toHaveLength(0);
    });

    it("verifies by default: no option, true and {} all refuse a forged message", async () => {
      for (const verifySignature of [undefined, true, {}]) {
        const { handler, calls } = harness(subject, { verifySignature });
        expect((await handler(snsRequest(forger))).status).toBe(403);
        expect(calls).toHaveLength(0);
      }
    });

    it("turns verification off only for an explicit false, with a warning", async () => {
      const { handler, calls, log } = harness(subject, { verifySignature: false });
      expect(log.entries.some((e) => /does NOT verify SNS signatures/.test(e.message))).toBe(true);
      expect((await handler(snsRequest(forger))).status).toBe(200);
      expect(calls).toHaveLength(subject.expectedCalls);
      for (const verifySignature of [null, 0, "false"]) {
        expect(() => harness(subject, { verifySignature: verifySignature as never })).toThrow(TypeError);
      }
    });

    it("accepts SignatureVersion 2", async () => {
      const { handler, calls } = harness(subject);
      const envelope = signer.notification({ message: subject.validMessage, signatureVersion: "2" });
      expect((await handler(snsRequest(envelope))).status).toBe(200);
      expect(calls).toHaveLength(subject.expectedCalls);
    });

    it("answers 503 (SNS retries) when the certificate cannot be downloaded", async () => {
      const fetchCertificate = async (): Promise<string> => {
        throw new Error("connect ETIMEDOUT");
      };
      const { handler, calls, log } = harness(subject, { verifySignature: { fetchCertificate } });
      const response = await handler(snsRequest(valid()));
      expect(response.status).toBe(503);
      expect(calls).toHaveLength(0);
      expect(log.entries.some((e) => e.level === "error")).toBe(true);
    });

    it("checks envelopes from the Lambda path too (handleEnvelope)", async () => {
      const { handler, calls } = harness(subject);
      expect((await handler.handleEnvelope(forger)).status).toBe(403);
      expect(calls).toHaveLength(0);
      expect((await handler.handleEnvelope(valid())).status).toBe(200);
      expect(calls).toHaveLength(subject.expectedCalls);
    });
  });
}

function describeErrorConformance(subject: WebhookUnderTest, valid: () => SnsEnvelope): void {
  describe("errors", () => {
    it("answers 500 and logs the configuration message when the topic is misrouted", async () => {
      const { handler, calls, log } = harness(subject);
      const envelope = signer.notification({ message: subject.misroutedMessage });
      const response = await handler(snsRequest(envelope));
      expect(response.status).toBe(500);
      expect(calls).toHaveLength(0);
      const logged = log.entries.find((e) => e.level === "error");
      expect(logged?.message).toMatch(subject.misroutedLog);
      expect(logged?.message).toContain(signer.topicArn);
      expect(leaksInternals(await response.text())).toBe(false);
    });

    it("answers 500 when the application's callback throws, without its message or stack", async () => {
      const { handler, log } = harness(subject, {}, () => {
        throw new Error("database is down: secret-dsn");
      });
      const response = await handler(snsRequest(valid()));
      expect(response.status).toBe(500);
      const body = await response.text();
      expect(body).not.toContain("secret-dsn");
      expect(leaksInternals(body)).toBe(false);
      expect(log.entries.find((e) => e.level === "error")?.details.reason).toBe(
        "database is down: secret-dsn",
      );
    });

    it("answers 500 when an async callback rejects", async () => {
      const { handler } = harness(subject, {}, async () => Promise.reject(new Error("later")));
      expect((await handler(snsRequest(valid()))).status).toBe(500);
    });
  });
}
