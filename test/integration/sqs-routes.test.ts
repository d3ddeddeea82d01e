/**
 * The other ways SES events reach a queue, against the fauxqs stand-in: SNS raw message delivery
 * (fauxqs's own SNS -> SQS fan-out), SNS envelopes fauxqs delivers unsigned (refused: left to the
 * redrive policy), EventBridge events as bodies; the visibility heartbeat; and the SQS-triggered
 * Lambda adapter's partial batch response.
 */
import { CreateTopicCommand, PublishCommand, SubscribeCommand } from "@aws-sdk/client-sns";
import { afterAll, describe, expect, it } from "vitest";

import { toEventBridgeLambdaHandler, toSqsLambdaHandler } from "../../src/adapters/lambda-sqs";
import type { TrackingEvent } from "../../src/events";
import { createSesIntake } from "../../src/intake/ses-intake";
import { consumeSesEvents } from "../../src/intake/sqs-consumer";
import { createSnsTestSigner } from "../../src/testing/sns-signing";
import type { WebhookLogger } from "../../src/webhook/types";
import { fixtureCases } from "../helpers/fixture-cases";
import {
  createQueueWithDlq,
  drainBodies,
  messagesOnQueue,
  sendBodies,
  sesSendEvent,
  snsLocalClient,
  sqsLocalClient,
  uniqueQueueName,
  waitFor,
} from "../helpers/sqs-local";

const sqs = sqsLocalClient();
const sns = snsLocalClient();
afterAll(() => {
  sqs.destroy();
  sns.destroy();
});
const quiet: WebhookLogger = { warn: () => undefined, error: () => undefined };
const signer = createSnsTestSigner({ region: "eu-west-1", topicName: "ses-tracking", modulusLength: 1024 });

async function topicWithQueue(raw: boolean) {
  const pair = await createQueueWithDlq(sqs, raw ? "raw" : "wrapped", {
    visibilityTimeout: 1,
    maxReceiveCount: 2,
  });
  const topic = await sns.send(new CreateTopicCommand({ Name: uniqueQueueName("ses") }));
  await sns.send(
    new SubscribeCommand({
      TopicArn: topic.TopicArn,
      Protocol: "sqs",
      Endpoint: pair.queueArn,
      Attributes: { RawMessageDelivery: String(raw) },
    }),
  );
  return { ...pair, topicArn: topic.TopicArn ?? "" };
}

describe("SES events reaching SQS by other routes", () => {
  it("SNS raw message delivery: handled when formats include raw, deduplicated on the derived id", async () => {
    const { queueUrl, topicArn } = await topicWithQueue(true);
    for (const n of [1, 2, 1]) {
      await sns.send(new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify(sesSendEvent(n)) }));
    }
    const events: TrackingEvent[] = [];
    const consumer = consumeSesEvents({
      queueUrl,
      client: sqs,
      formats: ["raw"],
      waitTimeSeconds: 1,
      // The two copies of one event may arrive in one batch: the second finds it in flight and
      // comes back a second later, as a duplicate.
      retryDelaySeconds: 1,
      logger: quiet,
      onEvent: (event) => void events.push(event),
    });
    try {
      await waitFor(() => consumer.stats.handled + consumer.stats.duplicates === 3, 10_000, "three messages");
    } finally {
      await consumer.stop();
    }
    expect(events.map((e) => e.recipient).sort()).toEqual(["user1@example.com", "user2@example.com"]);
    expect(events[0]?.eventId).toMatch(/^0100019a00000001-test-000000:Delivery:2026-12-05T10:00:01.000Z:/);
    expect(events[0]?.timestamp?.toISOString()).toBe("2026-12-05T10:00:01.000Z");
    expect(consumer.stats.duplicates).toBe(1);
  });

  it("refuses what it cannot trust: unsigned SNS envelopes, and raw bodies by default, end in the DLQ", async () => {
    const wrapped = await topicWithQueue(false);
    const raw = await topicWithQueue(true);
    await sns.send(
      new PublishCommand({ TopicArn: wrapped.topicArn, Message: JSON.stringify(sesSendEvent(3)) }),
    );
    await sns.send(new PublishCommand({ TopicArn: raw.topicArn, Message: JSON.stringify(sesSendEvent(4)) }));
    let calls = 0;
    const consumers = [wrapped, raw].map(({ queueUrl, topicArn }) =>
      consumeSesEvents({
        queueUrl,
        client: sqs,
        allowedTopicArns: [topicArn],
        waitTimeSeconds: 1,
        retryDelaySeconds: 0,
        logger: quiet,
        onEvent: () => void (calls += 1),
      }),
    );
    try {
      for (const { dlqUrl } of [wrapped, raw]) {
        let dead: string[] = [];
        await waitFor(async () => (dead = await drainBodies(sqs, dlqUrl)).length === 1, 15_000, "the DLQ");
        expect(dead[0]).toContain("user");
      }
    } finally {
      await Promise.all(consumers.map((c) => c.stop()));
    }
    expect(calls).toBe(0);
    expect(consumers.map((c) => c.stats.refused)).toEqual([2, 2]);
  });

  it("EventBridge events as SQS bodies (an EventBridge rule's queue target)", async () => {
    const { readJson, cases } = fixtureCases("eventbridge");
    const bodies = cases.filter((c) => c !== "twins").map((c) => JSON.stringify(readJson(`${c}.json`)));
    const { queueUrl } = await createQueueWithDlq(sqs, "eventbridge", {
      visibilityTimeout: 5,
      maxReceiveCount: 2,
    });
    await sendBodies(sqs, queueUrl, [...bodies, ...bodies]);
    const types: string[] = [];
    const consumer = consumeSesEvents({
      queueUrl,
      client: sqs,
      formats: ["eventbridge"],
      waitTimeSeconds: 1,
      logger: quiet,
      onEvent: (event) => void types.push(event.sesEventType),
    });
    try {
      await waitFor(async () => (await messagesOnQueue(sqs, queueUrl)) === 0, 10_000, "an empty queue");
    } finally {
      await consumer.stop();
    }
    expect(consumer.stats.handled).toBe(10);
    expect(consumer.stats.duplicates).toBe(10);
    expect(new Set(types).size).toBe(10);
  });

  it("extends the visibility of a message while its callback runs past the timeout", async () => {
    const { queueUrl } = await createQueueWithDlq(sqs, "slow", { visibilityTimeout: 1, maxReceiveCount: 5 });
    await sendBodies(sqs, queueUrl, [JSON.stringify(signer.notification({ message: sesSendEvent(5) }))]);
    let calls = 0;
    const consumer = consumeSesEvents({
      queueUrl,
      client: sqs,
      allowedTopicArns: [signer.topicArn],
      verifySignature: { fetchCertificate: signer.fetchCertificate },
      visibilityTimeoutSeconds: 1,
      waitTimeSeconds: 1,
      dedupe: false, // so a redelivery would call the callback a second time
      logger: quiet,
      onEvent: async () => {
        calls += 1;
        await new Promise((resolve) => setTimeout(resolve, 2_500));
      },
    });
    try {
      await waitFor(() => consumer.stats.handled === 1, 10_000, "the slow event");
      await new Promise((resolve) => setTimeout(resolve, 1_500));
    } finally {
      await consumer.stop();
    }
    expect(calls).toBe(1);
    expect(consumer.stats.received).toBe(1);
    expect(await messagesOnQueue(sqs, queueUrl)).toBe(0);
  });

  it("inbound mail through a queue: onMessage gets the parsed message once", async () => {
    const { readJson } = fixtureCases("ses-inbound");
    const fixture = readJson("sns-utf8.json") as { Message: string };
    const envelope = JSON.stringify(
      signer.notification({ message: fixture.Message, messageId: "inbound-1" }),
    );
    const { queueUrl } = await createQueueWithDlq(sqs, "inbound", {
      visibilityTimeout: 5,
      maxReceiveCount: 2,
    });
    await sendBodies(sqs, queueUrl, [envelope, envelope]);
    const subjects: string[] = [];
    const consumer = consumeSesEvents({
      queueUrl,
      client: sqs,
      allowedTopicArns: [signer.topicArn],
      verifySignature: { fetchCertificate: signer.fetchCertificate },
      waitTimeSeconds: 1,
      retryDelaySeconds: 1,
      logger: quiet,
      onMessage: (event) => void subjects.push(event.message.subject ?? ""),
    });
    try {
      await waitFor(async () => (await messagesOnQueue(sqs, queueUrl)) === 0, 10_000, "an empty queue");
    } finally {
      await consumer.stop();
    }
    expect(subjects).toHaveLength(1);
    expect(consumer.stats.duplicates).toBe(1);
  });

  it("keeps polling after ReceiveMessage errors (with a pause), and stops at once", async () => {
    const errors: string[] = [];
    let calls = 0;
    const consumer = consumeSesEvents({
      queueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/unreachable",
      client: {
        send: async () => {
          calls += 1;
          throw new Error("connect ECONNREFUSED");
        },
      },
      formats: ["raw"],
      logger: { warn: () => undefined, error: (message) => void errors.push(message) },
      onEvent: () => undefined,
    });
    await waitFor(() => calls >= 3, 5_000, "three attempts");
    const stopAt = Date.now();
    await consumer.stop();
    expect(Date.now() - stopAt).toBeLessThan(1_000);
    expect(errors[0]).toMatch(/ReceiveMessage failed/);
    expect(consumer.stats.received).toBe(0);
  });

  it("fails closed: SNS envelopes need allowedTopicArns (or allowAnyTopic: true)", () => {
    expect(() => createSesIntake({ onEvent: () => undefined })).toThrow(/allowedTopicArns/);
    expect(() =>
      consumeSesEvents({ queueUrl: "https://sqs.eu-west-1.amazonaws.com/1/q", onEvent: () => undefined }),
    ).toThrow(/allowedTopicArns/);
    expect(() =>
      createSesIntake({ allowAnyTopic: true, logger: quiet, onEvent: () => undefined }),
    ).not.toThrow();
    expect(() => createSesIntake({ formats: ["raw"], onEvent: () => undefined })).not.toThrow();
  });

  it("Lambda: SQS batches report only the failed records; EventBridge targets reject to be retried", async () => {
    let failNext = true;
    const seen: string[] = [];
    const intake = createSesIntake({
      allowedTopicArns: [signer.topicArn],
      verifySignature: { fetchCertificate: signer.fetchCertificate },
      formats: ["sns", "eventbridge"],
      logger: quiet,
      onEvent: (event) => {
        if (event.recipient === "user7@example.com" && failNext) {
          failNext = false;
          throw new Error("temporary");
        }
        seen.push(event.recipient ?? "");
      },
    });
    const handler = toSqsLambdaHandler(intake);
    const record = (messageId: string, body: string) => ({ messageId, body, eventSource: "aws:sqs" });
    const body = (n: number) => JSON.stringify(signer.notification({ message: sesSendEvent(n) }));
    const event = {
      Records: [record("a", body(6)), record("b", body(7)), record("c", "poison"), record("d", body(8))],
    };
    expect(await handler(event)).toEqual({
      batchItemFailures: [{ itemIdentifier: "b" }, { itemIdentifier: "c" }],
    });
    expect(await handler({ Records: event.Records.slice(1, 2) })).toEqual({ batchItemFailures: [] });
    expect(seen.sort()).toEqual(["user6@example.com", "user7@example.com", "user8@example.com"]);

    const fifo = {
      Records: [record("x", "poison"), record("y", body(9))].map((r) => ({
        ...r,
        eventSourceARN: "arn:aws:sqs:eu-west-1:123456789012:q.fifo",
      })),
    };
    expect(await handler(fifo)).toEqual({
      batchItemFailures: [{ itemIdentifier: "x" }, { itemIdentifier: "y" }],
    });

    const target = toEventBridgeLambdaHandler(
      createSesIntake({
        formats: ["eventbridge"],
        logger: quiet,
        onEvent: () => {
          throw new Error("down");
        },
      }),
    );
    const { readJson } = fixtureCases("eventbridge");
    await expect(target(readJson("email-sent.json"))).rejects.toThrow(/Lambda will retry/);
    await expect(target({ not: "an event" })).resolves.toBeUndefined();
  });
});
