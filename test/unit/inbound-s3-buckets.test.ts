/**
 * The inbound S3 confused deputy (issue 11, finding 3): a notification naming a bucket the
 * operator did not name must never make Mailroom call GetObject.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { WebhookValidationError } from "../../src/errors";
import type { InboundEvent } from "../../src/events";
import { sesReceivedToInboundEvent } from "../../src/ses/webhooks/inbound";
import { amazonSesInboundWebhook } from "../../src/ses/webhooks/inbound-handler";
import { createS3ObjectReader, type S3ClientLike } from "../../src/ses/webhooks/s3-object-reader";
import { putObject, s3LocalClient, uniqueBucket } from "../helpers/s3-local";
import { harness, signer, snsRequest, type WebhookUnderTest } from "../helpers/webhook-harness";

const TOPIC = signer.topicArn;
const MIME = readFileSync(
  fileURLToPath(new URL("../fixtures/ses-inbound/s3-action.s3-object.eml", import.meta.url)),
);

function s3Notification(bucket: string, key: string): Record<string, unknown> {
  return {
    notificationType: "Received",
    mail: {
      timestamp: "2024-05-01T10:00:00.000Z",
      source: "a@example.org",
      messageId: key.split("/").at(-1),
    },
    receipt: {
      recipients: ["b@example.com"],
      action: { type: "S3", topicArn: TOPIC, bucketName: bucket, objectKey: key },
    },
  };
}

/** s3rver through a client that records every command. */
function recordingClient() {
  const real = s3LocalClient();
  const sent: string[] = [];
  const client: S3ClientLike = {
    send(command: object, options?: { abortSignal?: AbortSignal }) {
      const input = (command as { input: { Bucket: string; Key: string } }).input;
      sent.push(`${input.Bucket}/${input.Key}`);
      return real.send(command as never, options);
    },
  };
  return { client, sent, real };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (err: unknown) => err,
  );
}

const inbound: WebhookUnderTest = {
  create: (options, callback) => amazonSesInboundWebhook({ ...options, onMessage: callback }),
  validMessage: "{}",
  expectedCalls: 1,
  misroutedMessage: "{}",
  misroutedLog: /./,
};

describe("inbound S3 reads only buckets the operator named", () => {
  it("refuses corp-private-bucket/hr/salaries.eml with a 403 and no S3 call when no bucket is named", async () => {
    const { client, sent, real } = recordingClient();
    const err = await rejection(
      sesReceivedToInboundEvent(
        s3Notification("corp-private-bucket", "hr/salaries.eml"),
        { topicArn: TOPIC },
        createS3ObjectReader({ client }),
      ),
    );
    expect(err).toBeInstanceOf(WebhookValidationError);
    expect((err as WebhookValidationError).httpStatus).toBe(403);
    expect((err as Error).message).toContain('"corp-private-bucket"');
    expect(sent).toEqual([]);
    real.destroy();
  });

  it("reads a bucket in s3.allowedBuckets and refuses any other, before any S3 call", async () => {
    const bucket = uniqueBucket("inbound-allowed");
    const { client, sent, real } = recordingClient();
    await putObject(real, bucket, "inbound/msg-allowed", MIME);
    const reader = createS3ObjectReader({ client, allowedBuckets: [bucket] });
    const err = await rejection(
      sesReceivedToInboundEvent(
        s3Notification("corp-private-bucket", "hr/salaries.eml"),
        { topicArn: TOPIC },
        reader,
      ),
    );
    expect((err as WebhookValidationError).httpStatus).toBe(403);
    // The reader refuses on its own too, for callers that use it directly.
    expect(
      ((await rejection(reader.readS3Object("corp-private-bucket", "k"))) as WebhookValidationError)
        .httpStatus,
    ).toBe(403);
    expect(sent).toEqual([]);
    const event = await sesReceivedToInboundEvent(
      s3Notification(bucket, "inbound/msg-allowed"),
      { topicArn: TOPIC },
      reader,
    );
    expect(event?.message.raw).toEqual(new Uint8Array(MIME));
    expect(sent).toEqual([`${bucket}/inbound/msg-allowed`]);
    real.destroy();
  });

  it("refuses through the webhook (403, no S3 call) with only a secret; reads with allowedTopicArns", async () => {
    const bucket = uniqueBucket("inbound-topic");
    const { client, sent, real } = recordingClient();
    await putObject(real, bucket, "inbound/msg-topic", MIME);

    const secretOnly = harness({
      ...inbound,
      create: (o, cb) => amazonSesInboundWebhook({ ...o, onMessage: cb, s3: { client } }),
    });
    const forged = signer.notification({
      message: JSON.stringify(s3Notification("corp-private-bucket", "hr/salaries.eml")),
    });
    const refused = await secretOnly.handler(snsRequest(forged));
    expect(refused.status).toBe(403);
    expect(secretOnly.calls).toEqual([]);
    expect(sent).toEqual([]);

    const withTopics = harness(
      { ...inbound, create: (o, cb) => amazonSesInboundWebhook({ ...o, onMessage: cb, s3: { client } }) },
      { allowedTopicArns: [TOPIC] },
    );
    const own = signer.notification({ message: JSON.stringify(s3Notification(bucket, "inbound/msg-topic")) });
    expect((await withTopics.handler(snsRequest(own))).status).toBe(200);
    expect((withTopics.calls as InboundEvent[])[0]?.message.raw).toEqual(new Uint8Array(MIME));
    expect(sent).toEqual([`${bucket}/inbound/msg-topic`]);
    real.destroy();
  });

  it("refuses allowedBuckets that are not bucket names", () => {
    for (const allowedBuckets of [[""], "mail", [1]] as unknown as string[][]) {
      expect(() => createS3ObjectReader({ allowedBuckets })).toThrow(TypeError);
    }
  });
});
