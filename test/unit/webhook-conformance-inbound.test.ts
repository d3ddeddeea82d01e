/**
 * The SES inbound webhook: the shared conformance suite, then what is specific to inbound mail
 * (the callback names, the setup notification, S3 reads and their failures).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import type { InboundEvent } from "../../src/events";
import { amazonSesInboundWebhook } from "../../src/ses/webhooks/inbound-handler";
import type { S3ClientLike } from "../../src/ses/webhooks/s3-object-reader";
import { putObject, s3LocalClient, uniqueBucket } from "../helpers/s3-local";
import { fixtureMessage } from "../helpers/webhook-fixtures";
import { harness, signer, snsRequest, type WebhookUnderTest } from "../helpers/webhook-harness";
import { describeWebhookConformance } from "../webhook-conformance";

const inbound: WebhookUnderTest = {
  create: (options, callback) => amazonSesInboundWebhook({ ...options, onMessage: callback }),
  validMessage: fixtureMessage("ses-inbound/sns-utf8"),
  expectedCalls: 1,
  misroutedMessage: fixtureMessage("ses-tracking/event-delivery"),
  misroutedLog: /\*sending\* event .* \*inbound\* webhook URL/,
};

describeWebhookConformance("amazonSesInboundWebhook", () => inbound);

const S3_OBJECT = readFileSync(
  fileURLToPath(new URL("../fixtures/ses-inbound/s3-action.s3-object.eml", import.meta.url)),
);

/** The s3-action fixture's Message, pointed at `bucket`. */
function s3ActionMessage(bucket: string): string {
  const message = JSON.parse(fixtureMessage("ses-inbound/s3-action")) as {
    receipt: { action: { bucketName: string } };
  };
  message.receipt.action.bucketName = bucket;
  return JSON.stringify(message);
}

describe("amazonSesInboundWebhook: messages", () => {
  it("hands the parsed message to onMessage", async () => {
    const { handler, calls } = harness(inbound);
    expect((await handler(snsRequest(signer.notification({ message: inbound.validMessage })))).status).toBe(
      200,
    );
    const [event] = calls as InboundEvent[];
    expect(event?.eventType).toBe("inbound");
    expect(event?.eventId).toBe("jili9m351il3gkburn7o2f0u6788stij94c8ld01");
    expect(event?.message.subject).toBe("Test inbound message");
    expect(event?.message.envelopeRecipient).toBeDefined();
  });

  it("accepts onEvent as an alias of onMessage, and refuses two different callbacks or none", async () => {
    const got: InboundEvent[] = [];
    const handler = amazonSesInboundWebhook({
      secret: undefined,
      allowedTopicArns: [signer.topicArn],
      verifySignature: { fetchCertificate: signer.fetchCertificate },
      onEvent: (event) => void got.push(event),
    });
    const envelope = signer.notification({ message: inbound.validMessage });
    expect((await handler(snsRequest(envelope, { auth: null }))).status).toBe(200);
    expect(got).toHaveLength(1);
    expect(() => amazonSesInboundWebhook({ onMessage: () => 1, onEvent: () => 2 })).toThrow(TypeError);
    expect(() => amazonSesInboundWebhook({})).toThrow(TypeError);
  });

  it("acknowledges SES's AMAZON_SES_SETUP_NOTIFICATION without calling the app or S3", async () => {
    let reads = 0;
    const client: S3ClientLike = {
      send: async () => {
        reads += 1;
        throw new Error("unexpected");
      },
    };
    const { handler, calls } = harness({
      ...inbound,
      create: (o, cb) => amazonSesInboundWebhook({ ...o, onMessage: cb, s3: { client } }),
    });
    const envelope = signer.notification({ message: fixtureMessage("ses-inbound/setup-notification") });
    expect((await handler(snsRequest(envelope))).status).toBe(200);
    expect(calls).toHaveLength(0);
    expect(reads).toBe(0);
  });

  it("reads an S3 action's message from the bucket (s3rver)", async () => {
    const bucket = uniqueBucket("inbound-webhook");
    const client = s3LocalClient();
    await putObject(client, bucket, "inbound/fqef5sop459utgdf4o9lqbsv7jeo73pejig34301", S3_OBJECT);
    const subject = { ...inbound, create: inboundWithS3({ client }, bucket) };
    const { handler, calls } = harness(subject);
    const envelope = signer.notification({ message: s3ActionMessage(bucket) });
    expect((await handler(snsRequest(envelope))).status).toBe(200);
    expect((calls as InboundEvent[])[0]?.eventId).toBe("fqef5sop459utgdf4o9lqbsv7jeo73pejig34301");
    client.destroy();
  });

  it("answers 503 (SNS retries) when the S3 object cannot be read", async () => {
    const bucket = uniqueBucket("inbound-missing");
    const client = s3LocalClient();
    const { handler, calls, log } = harness({ ...inbound, create: inboundWithS3({ client }, bucket) });
    const envelope = signer.notification({ message: s3ActionMessage(bucket) });
    const response = await handler(snsRequest(envelope));
    expect(response.status).toBe(503);
    expect(calls).toHaveLength(0);
    expect(log.entries.find((e) => e.level === "error")?.details.reason).toContain(`s3://${bucket}/`);
    client.destroy();
  });

  it("answers 500 with a configuration error for an object over s3.maxBytes", async () => {
    const bucket = uniqueBucket("inbound-large");
    const client = s3LocalClient();
    await putObject(client, bucket, "inbound/fqef5sop459utgdf4o9lqbsv7jeo73pejig34301", S3_OBJECT);
    const { handler, log } = harness({
      ...inbound,
      create: inboundWithS3({ client, maxBytes: 100 }, bucket),
    });
    const envelope = signer.notification({ message: s3ActionMessage(bucket) });
    expect((await handler(snsRequest(envelope))).status).toBe(500);
    expect(log.entries.find((e) => e.level === "error")?.message).toMatch(/misconfiguration.*maxBytes/);
    client.destroy();
  });
});

function inboundWithS3(
  s3: { client: S3ClientLike; maxBytes?: number },
  bucket: string,
): WebhookUnderTest["create"] {
  return (options, callback) =>
    amazonSesInboundWebhook({ ...options, onMessage: callback, s3: { ...s3, allowedBuckets: [bucket] } });
}
