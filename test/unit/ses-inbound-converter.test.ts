/**
 * The SES inbound converter's edges that fixtures cannot express: what it does with its injected
 * reader, and how it reports errors from it and from the parser.
 */
import { describe, expect, it, vi } from "vitest";

import { ApiError, ConfigurationError, WebhookValidationError } from "../../src/errors";
import { InboundParseError } from "../../src/inbound/parse-error";
import { sesReceivedToInboundEvent, type InboundDeps } from "../../src/ses/webhooks/inbound";

const MIME = "From: a@example.org\r\nTo: b@example.com\r\nSubject: Grüße\r\n\r\nbody ✓\r\n";
const envelope = { topicArn: "arn:aws:sns:us-east-1:111111111111:SES_Inbound" };
const noS3: InboundDeps = {
  readS3Object: () => Promise.reject(new Error("no S3 read expected")),
};

function received(action: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    notificationType: "Received",
    mail: { timestamp: "2024-05-01T10:00:00.000Z", source: "a@example.org", messageId: "m-1" },
    receipt: { recipients: ["b@example.com"], spamVerdict: { status: "PASS" }, action },
    ...extra,
  };
}

describe("sesReceivedToInboundEvent", () => {
  it("reads UTF8 content as UTF-8 bytes", async () => {
    const event = await sesReceivedToInboundEvent(
      received({ type: "SNS", encoding: "UTF8" }, { content: MIME }),
      envelope,
      noS3,
    );
    expect(event?.message.raw).toEqual(new TextEncoder().encode(MIME));
    expect(event?.message.subject).toBe("Grüße");
    expect(event?.message.text).toBe("body ✓\r\n"); // a single part: the body runs to the end
  });

  it("decodes BASE64 content, line breaks and all", async () => {
    const wrapped = Buffer.from(MIME).toString("base64").replace(/.{20}/g, "$&\r\n");
    const event = await sesReceivedToInboundEvent(
      received({ type: "SNS", encoding: "BASE64" }, { content: wrapped }),
      envelope,
      noS3,
    );
    expect(event?.message.raw).toEqual(new TextEncoder().encode(MIME));
    expect(event?.eventId).toBe("m-1");
    expect(event?.timestamp?.toISOString()).toBe("2024-05-01T10:00:00.000Z");
  });

  it("reads the S3 object the action names, once", async () => {
    const readS3Object = vi.fn(async () => new TextEncoder().encode(MIME));
    const event = await sesReceivedToInboundEvent(
      received({ type: "S3", bucketName: "mail", objectKeyPrefix: "in/", objectKey: "in/m-1" }),
      envelope,
      { readS3Object, allowedBuckets: ["mail"] },
    );
    expect(readS3Object).toHaveBeenCalledExactlyOnceWith("mail", "in/m-1");
    expect(event?.message.envelopeRecipient).toBe("b@example.com");
    expect(event?.message.spamDetected).toBe(false);
  });

  it("lets the reader's ApiError through unchanged (the webhook answers 500, SNS retries)", async () => {
    const failure = new ApiError("Could not read S3 object 's3://mail/in/m-1': AccessDenied: Access Denied", {
      awsCode: "AccessDenied",
      httpStatus: 403,
    });
    const result = sesReceivedToInboundEvent(
      received({ type: "S3", bucketName: "mail", objectKey: "in/m-1" }),
      envelope,
      { readS3Object: () => Promise.reject(failure), allowedBuckets: ["mail"] },
    );
    await expect(result).rejects.toBe(failure);
  });

  it("refuses a reader that resolves to something other than bytes", async () => {
    const result = sesReceivedToInboundEvent(
      received({ type: "S3", bucketName: "mail", objectKey: "in/m-1" }),
      envelope,
      { readS3Object: async () => MIME as unknown as Uint8Array, allowedBuckets: ["mail"] },
    );
    await expect(result).rejects.toBeInstanceOf(ConfigurationError);
  });

  it("turns an unparseable message into a 400, keeping the parser error as cause", async () => {
    const hugeHeaders = `X-Filler: ${"a".repeat(1000)}\r\n`.repeat(2200) + "\r\nbody\r\n";
    const err: unknown = await sesReceivedToInboundEvent(
      received({ type: "SNS", encoding: "UTF8" }, { content: hugeHeaders }),
      envelope,
      noS3,
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WebhookValidationError);
    expect((err as WebhookValidationError).httpStatus).toBe(400);
    expect((err as WebhookValidationError).cause).toBeInstanceOf(InboundParseError);
  });

  it("rejects a notification that is not a JSON object", async () => {
    for (const input of [null, "Received", [received({ type: "SNS" })]]) {
      await expect(sesReceivedToInboundEvent(input, envelope, noS3)).rejects.toBeInstanceOf(
        WebhookValidationError,
      );
    }
  });

  it("names an unknown TopicArn in configuration errors", async () => {
    await expect(sesReceivedToInboundEvent({ notificationType: "Bounce" }, {}, noS3)).rejects.toThrow(
      /\(SNS TopicArn unknown\)$/,
    );
  });

  it("rejects an SNS action without content", async () => {
    await expect(
      sesReceivedToInboundEvent(received({ type: "SNS", encoding: "BASE64" }), envelope, noS3),
    ).rejects.toThrow("Malformed SES 'Received' event: \"content\" is missing or not a string");
  });
});
