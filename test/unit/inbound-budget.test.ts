/**
 * Bounded work per parse (issue 11, finding 1): a multipart/digest whose parts default to
 * message/rfc822 must not make one parse do work per part without limit. Attached messages are
 * parsed on demand, and only so many per received message.
 */
import { describe, expect, it } from "vitest";

import { WebhookValidationError } from "../../src/errors";
import { parseInboundMessage } from "../../src/inbound/inbound-message";
import { InboundParseError } from "../../src/inbound/parse-error";
import { sesReceivedToInboundEvent } from "../../src/ses/webhooks/inbound";
import { digestBomb } from "../helpers/digest-bomb";

const MiB = 1024 * 1024;
const encode = (text: string) => new TextEncoder().encode(text);

/** A digest of `count` small, distinct messages. */
function digestOf(count: number): Uint8Array {
  const parts = Array.from(
    { length: count },
    (_, i) => `--D\r\n\r\nFrom: m${i}@example.org\r\nSubject: message ${i}\r\n\r\nbody ${i}\r\n`,
  );
  return encode(
    "From: list@example.org\r\nSubject: digest\r\nContent-Type: multipart/digest; boundary=D\r\n\r\n" +
      parts.join("") +
      "--D--\r\n",
  );
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (err: unknown) => err,
  );
}

describe("inbound parsing budget", () => {
  it.each([1, 4])(
    "refuses the %i MiB digest bomb with an InboundParseError naming the parts limit",
    async (mib) => {
      const bomb = digestBomb(mib * MiB);
      expect(bomb.byteLength).toBeGreaterThan(mib * MiB - 16);
      const err = await rejection(parseInboundMessage(bomb));
      expect(err).toBeInstanceOf(InboundParseError);
      expect((err as InboundParseError).limit).toBe("parts");
      expect((err as InboundParseError).message).toMatch(/more than 10000 MIME parts/);
    },
  );

  it("answers the bomb with a 400 through the SES converter, so SNS does not retry it", async () => {
    const bomb = digestBomb(MiB);
    const err = await rejection(
      sesReceivedToInboundEvent(
        {
          notificationType: "Received",
          mail: { messageId: "bomb-1", source: "a@example.org" },
          receipt: { action: { type: "SNS", encoding: "BASE64" } },
          content: Buffer.from(bomb).toString("base64"),
        },
        { topicArn: "arn:aws:sns:us-east-1:111111111111:SES_Inbound" },
        { readS3Object: () => Promise.reject(new Error("no S3 read expected")) },
      ),
    );
    expect(err).toBeInstanceOf(WebhookValidationError);
    expect((err as WebhookValidationError).httpStatus).toBe(400);
    expect((err as WebhookValidationError).cause).toBeInstanceOf(InboundParseError);
  });

  it("keeps every part of a large digest as bytes, and parses at most 1,000 attached messages", async () => {
    const message = await parseInboundMessage(digestOf(1_200));
    const parts = [...message.attachments, ...message.inlines];
    expect(parts).toHaveLength(1_200);
    expect(parts.every((part) => part.contentType === "message/rfc822")).toBe(true);
    expect(new TextDecoder().decode(parts[1_100]?.content)).toContain("Subject: message 1100");
    expect(message.attachedMessages).toHaveLength(1_000);
    expect(parts[999]?.message?.subject).toBe("message 999");
    expect(parts[1_000]?.message).toBeUndefined();
    // The bytes of the ones past the budget still parse on their own.
    expect((await parseInboundMessage(parts[1_000]?.content ?? new Uint8Array())).subject).toBe(
      "message 1000",
    );
  });

  it("shares one parts budget between a message and the attached messages read from it", async () => {
    // 30 attached messages of 1,000 parts each: reading them all would split 30,000 parts.
    const inner = `Content-Type: multipart/mixed; boundary=I\r\n\r\n${"--I\r\nContent-Type: application/octet-stream\r\n\r\nx\r\n".repeat(1_000)}--I--\r\n`;
    const outer = encode(
      `Subject: digest of digests\r\nContent-Type: multipart/digest; boundary=O\r\n\r\n${`--O\r\n\r\n${inner}`.repeat(30)}--O--\r\n`,
    );
    const message = await parseInboundMessage(outer);
    const parsed = message.attachedMessages;
    expect(parsed.length).toBeGreaterThanOrEqual(18);
    expect(parsed.length).toBeLessThan(20);
    expect(parsed.every((attached) => attached.attachments.length === 1_000)).toBe(true);
    expect([...message.attachments, ...message.inlines].every((part) => part.size === inner.length - 2)).toBe(
      true,
    );
  });

  it("parses a digest's messages, and an attached message's own parts, when read", async () => {
    const message = await parseInboundMessage(digestOf(3));
    expect(message.attachedMessages.map((m) => m.subject)).toEqual(["message 0", "message 1", "message 2"]);
    expect(message.attachedMessages.map((m) => m.text)).toEqual(["body 0", "body 1", "body 2"]);
    // The same objects each time: parsed once.
    expect(message.attachedMessages[0]).toBe(message.attachments[0]?.message ?? message.inlines[0]?.message);
  });
});
