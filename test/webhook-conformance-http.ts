/**
 * Conformance, part 2: methods, the request body (size, JSON, envelope) and the SNS headers.
 */
import { describe, expect, it } from "vitest";

import type { SnsEnvelope } from "../src/sns/types";
import {
  harness,
  leaksInternals,
  signer,
  snsRequest,
  type WebhookUnderTest,
} from "./helpers/webhook-harness";

/** A body stream that counts what was pulled from it and never ends on its own. */
function endlessBody(chunkBytes: number): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled += chunkBytes;
      controller.enqueue(new Uint8Array(chunkBytes).fill(0x20));
    },
  });
  return { stream, pulled: () => pulled };
}

/**
 * The envelope's JSON with one byte that is not UTF-8 inside a string: decoding it leniently would
 * still give valid JSON (with U+FFFD), so only a strict decoder refuses it as such.
 */
function withBadByte(envelope: SnsEnvelope): Uint8Array<ArrayBuffer> {
  const bytes = Buffer.from(JSON.stringify(envelope), "utf8");
  const at = bytes.indexOf('"Timestamp":"') + '"Timestamp":"'.length;
  return new Uint8Array(Buffer.concat([bytes.subarray(0, at), Buffer.from([0xff]), bytes.subarray(at)]));
}

export function describeBodyAndMethodConformance(subject: WebhookUnderTest, valid: () => SnsEnvelope): void {
  describe("methods", () => {
    it("answers HEAD with 200 and an empty body, without any validation", async () => {
      const { handler } = harness(subject);
      const response = await handler(snsRequest(valid(), { method: "HEAD", auth: null }));
      expect(response.status).toBe(200);
      expect(await response.text()).toBe("");
    });

    it("answers OPTIONS with 200 and the allowed methods", async () => {
      const { handler } = harness(subject);
      const response = await handler(snsRequest(valid(), { method: "OPTIONS", auth: null }));
      expect(response.status).toBe(200);
      expect(response.headers.get("allow")).toBe("POST, HEAD, OPTIONS");
    });

    it.each(["GET", "PUT", "DELETE", "PATCH"])("answers %s with 405", async (method) => {
      const { handler, calls } = harness(subject);
      const response = await handler(snsRequest(valid(), { method }));
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe("POST, HEAD, OPTIONS");
      expect(calls).toHaveLength(0);
    });
  });

  describe("body", () => {
    it("reads JSON whatever the Content-Type says", async () => {
      const { handler, calls } = harness(subject);
      for (const type of ["text/plain; charset=UTF-8", "application/json", "application/octet-stream"]) {
        const response = await handler(snsRequest(valid(), { headers: { "content-type": type } }));
        expect(response.status).toBe(200);
      }
      expect(calls).toHaveLength(3 * subject.expectedCalls);
    });

    it("refuses a body over maxBodyBytes with 413, from Content-Length alone", async () => {
      const { handler, calls } = harness(subject, { maxBodyBytes: 1024 });
      const envelope = valid();
      const body = JSON.stringify(envelope);
      expect(body.length).toBeGreaterThan(1024);
      expect((await handler(snsRequest(envelope, { body }))).status).toBe(413);
      expect(calls).toHaveLength(0);
    });

    it("refuses a declared Content-Length over the limit without reading the body", async () => {
      const { handler, calls } = harness(subject, { maxBodyBytes: 64 * 1024 });
      const response = await handler(
        snsRequest(valid(), { headers: { "content-length": String(2 * 1024 * 1024) } }),
      );
      expect(response.status).toBe(413);
      expect(calls).toHaveLength(0);
    });

    it("stops reading a streamed body as soon as it passes the limit", async () => {
      const { handler } = harness(subject, { maxBodyBytes: 64 * 1024 });
      const { stream, pulled } = endlessBody(16 * 1024);
      const request = new Request("https://app.example.com/", {
        method: "POST",
        headers: {
          ...signer.httpHeaders(valid()),
          authorization: snsRequest(valid()).headers.get("authorization") ?? "",
        },
        body: stream,
        duplex: "half",
      } as RequestInit);
      expect((await handler(request)).status).toBe(413);
      // The limit plus the chunk that crossed it, and at most the stream's own read-ahead.
      expect(pulled()).toBeLessThanOrEqual(64 * 1024 + 3 * 16 * 1024);
    });

    it("has a 1 MiB default limit: exactly 1 MiB is read, one byte more is refused", async () => {
      const { handler, calls } = harness(subject);
      const envelope = valid();
      const json = JSON.stringify(envelope);
      const atLimit = json + " ".repeat(1024 * 1024 - Buffer.byteLength(json));
      expect((await handler(snsRequest(envelope, { body: atLimit }))).status).toBe(200);
      expect(calls).toHaveLength(subject.expectedCalls);
      expect((await handler(snsRequest(envelope, { body: `${atLimit} ` }))).status).toBe(413);
    });

    it("holds a body a framework already read (text or bytes) to the same limit", async () => {
      const { handler, calls } = harness(subject, { maxBodyBytes: 64 * 1024 });
      const request = snsRequest(valid());
      const header = (name: string): string | null => request.headers.get(name);
      const json = await request.text();
      const atLimit = json + " ".repeat(64 * 1024 - Buffer.byteLength(json));
      const ok = await handler.handleRequest({ method: "POST", header, body: atLimit });
      expect(ok.status).toBe(200);
      const bytes = await handler.handleRequest({ method: "POST", header, body: Buffer.from(`${atLimit} `) });
      expect(bytes.status).toBe(413);
      expect(calls).toHaveLength(subject.expectedCalls);
    });

    it.each([[0], [-1], [1.5], ["1024"]])("refuses maxBodyBytes %j", (maxBodyBytes) => {
      expect(() => harness(subject, { maxBodyBytes: maxBodyBytes as number })).toThrow(TypeError);
    });

    it.each([
      ["malformed JSON", "{not json"],
      ["a JSON array", "[1, 2]"],
      ["an empty body", ""],
      ["invalid UTF-8", "invalid UTF-8"],
    ])("refuses %s with 400", async (_case, body) => {
      const { handler, calls } = harness(subject);
      const envelope = valid();
      const response = await handler(
        snsRequest(envelope, { body: body === "invalid UTF-8" ? withBadByte(envelope) : body }),
      );
      expect(response.status).toBe(400);
      expect(calls).toHaveLength(0);
      expect(leaksInternals(await response.text())).toBe(false);
    });
  });

  describe("SNS envelope and headers", () => {
    it.each([
      ["x-amz-sns-message-type", "SubscriptionConfirmation"],
      ["x-amz-sns-message-id", "00000000-0000-0000-0000-000000000000"],
      ["x-amz-sns-topic-arn", "arn:aws:sns:us-east-1:123456789012:other"],
    ])("refuses a %s header that does not match the body with 400", async (header, value) => {
      const { handler, calls } = harness(subject);
      const response = await handler(snsRequest(valid(), { headers: { [header]: value } }));
      expect(response.status).toBe(400);
      expect(await response.text()).toContain(header);
      expect(calls).toHaveLength(0);
    });

    it.each(["x-amz-sns-message-type", "x-amz-sns-message-id"])(
      "refuses a request without the %s header with 400 (SNS always sends it)",
      async (header) => {
        const { handler, calls } = harness(subject);
        const request = snsRequest(valid());
        request.headers.delete(header);
        const response = await handler(request);
        expect(response.status).toBe(400);
        expect(await response.text()).toContain(`${header} header is missing`);
        expect(calls).toHaveLength(0);
      },
    );

    it("refuses a signed Subject shifted into MessageId (same signature, another event id) with 400", async () => {
      const { handler, calls } = harness(subject);
      const signed = signer.notification({ message: subject.validMessage, subject: "Hello" });
      const { Subject: _subject, ...rest } = signed;
      const shifted = { ...rest, MessageId: `${signed.MessageId}\nSubject\nHello` } as SnsEnvelope;
      const request = snsRequest(signed, { body: JSON.stringify(shifted) });
      request.headers.delete("x-amz-sns-message-id");
      const response = await handler(request);
      expect(response.status).toBe(400);
      expect(calls).toHaveLength(0);
      // Over the Lambda path (no headers at all) too.
      expect((await handler.handleEnvelope(shifted)).status).toBe(400);
    });

    it("still handles SNS-triggered envelopes, which come without any HTTP header", async () => {
      const { handler, calls } = harness(subject, { secret: undefined, allowedTopicArns: [signer.topicArn] });
      expect((await handler.handleEnvelope(valid())).status).toBe(200);
      expect(calls).toHaveLength(subject.expectedCalls);
    });

    it("refuses a captured message older than one hour with 403 by default; maxAgeSeconds: Infinity accepts it", async () => {
      const old = signer.notification({
        message: subject.validMessage,
        timestamp: new Date(Date.now() - 3_700_000),
      });
      const strict = harness(subject);
      const refused = await strict.handler(snsRequest(old));
      expect(refused.status).toBe(403);
      expect(await refused.text()).toMatch(/Timestamp is outside the accepted window/);
      expect(strict.calls).toHaveLength(0);
      const lenient = harness(subject, {
        verifySignature: {
          fetchCertificate: signer.fetchCertificate,
          maxAgeSeconds: Number.POSITIVE_INFINITY,
        },
      });
      expect((await lenient.handler(snsRequest(old))).status).toBe(200);
    });

    it("with verifySignature: false, refuses CR/LF in TopicArn or Token with 400 and logs nothing of them", async () => {
      const { handler, log, sns } = harness(subject, { verifySignature: false });
      const injected = "\r\n[mailroom] FORGED LOG LINE";
      const notification = valid();
      const confirmation = signer.subscriptionConfirmation();
      for (const [clean, body] of [
        [notification, { ...notification, TopicArn: `${signer.topicArn}${injected}` }],
        [confirmation, { ...confirmation, Token: `token${injected}` }],
      ] as const) {
        // The headers (which cannot hold CR/LF) are the clean envelope's; the body is not.
        const response = await handler(snsRequest(clean, { body: JSON.stringify(body) }));
        expect(response.status).toBe(400);
        expect(await response.text()).toMatch(/control character/);
      }
      expect(sns.commands).toHaveLength(0);
      expect(log.text()).not.toContain("FORGED");
      expect(log.entries.every((e) => !/[\r\n]/.test(e.message))).toBe(true);
    });

    it("with verifySignature: false, keeps an envelope handed over directly (Lambda path) out of log lines", async () => {
      const { handler, log, sns } = harness(subject, { verifySignature: false });
      const injected = "\r\n[mailroom] FORGED LOG LINE\u001b[2J";
      const confirmation = signer.subscriptionConfirmation();
      const outcome = await handler.handleEnvelope({ ...confirmation, Token: `token${injected}` });
      expect(outcome.status).toBe(403);
      expect(sns.commands).toHaveLength(0);
      expect(log.entries.length).toBeGreaterThan(0);
      for (const entry of log.entries) {
        expect(["\r", "\n", "\u001b"].some((char) => entry.message.includes(char))).toBe(false);
        for (const value of Object.values(entry.details)) {
          expect(
            typeof value === "string" && ["\r", "\n", "\u001b"].some((char) => value.includes(char)),
          ).toBe(false);
        }
      }
    });

    it("refuses an unknown SNS message type with 400", async () => {
      const { handler } = harness(subject);
      const envelope = { ...valid(), Type: "Gossip" } as unknown as SnsEnvelope;
      const response = await handler(
        snsRequest(envelope, { headers: { "x-amz-sns-message-type": "Gossip" } }),
      );
      expect(response.status).toBe(400);
      expect(await response.text()).toMatch(/Unknown SNS message type/);
    });

    it("refuses a raw-message-delivery payload with 400 and says to turn raw delivery off", async () => {
      const { handler, calls } = harness(subject);
      const flagged = await handler(
        snsRequest(valid(), { body: subject.validMessage, headers: { "x-amz-sns-rawdelivery": "true" } }),
      );
      expect(flagged.status).toBe(400);
      expect(await flagged.text()).toMatch(/Turn raw message delivery OFF/);
      const unflagged = await handler(snsRequest(valid(), { body: subject.validMessage }));
      expect(unflagged.status).toBe(400);
      expect(await unflagged.text()).toMatch(/raw message delivery/);
      expect(calls).toHaveLength(0);
    });

    it("refuses a Notification whose Message is neither JSON nor SES's setup text with 400", async () => {
      const { handler, calls } = harness(subject);
      const envelope = signer.notification({ message: "Hello, this is not JSON" });
      expect((await handler(snsRequest(envelope))).status).toBe(400);
      expect(calls).toHaveLength(0);
    });

    it("ignores SES's 'Successfully validated SNS topic' message with 200", async () => {
      const { handler, calls } = harness(subject);
      const envelope = signer.notification({
        message: "Successfully validated SNS topic for Amazon SES event publishing.",
      });
      expect((await handler(snsRequest(envelope))).status).toBe(200);
      expect(calls).toHaveLength(0);
    });
  });
}
