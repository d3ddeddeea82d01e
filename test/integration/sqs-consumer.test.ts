/**
 * The SQS consumer against the fauxqs stand-in: redrive to a dead-letter queue, visibility and
 * batch deletes are fauxqs's own. fauxqs's SNS does not sign what it delivers (Signature
 * "EXAMPLE"), so the signed envelopes here are made by the test kit's signer and sent to the queue
 * with SendMessageBatch, byte for byte what SNS would deliver.
 */
import { afterAll, describe, expect, it } from "vitest";

import type { TrackingEvent } from "../../src/events";
import { consumeSesEvents } from "../../src/intake/sqs-consumer";
import { createSnsTestSigner } from "../../src/testing/sns-signing";
import type { WebhookLogger } from "../../src/webhook/types";
import {
  createQueueWithDlq,
  drainBodies,
  messagesOnQueue,
  sendBodies,
  sesSendEvent,
  sqsLocalClient,
  waitFor,
} from "../helpers/sqs-local";

const sqs = sqsLocalClient();
afterAll(() => sqs.destroy());

// 1024-bit keys: signing 10,000 envelopes stays well under a second per thousand.
const signer = createSnsTestSigner({ region: "eu-west-1", topicName: "ses-tracking", modulusLength: 1024 });
const verifySignature = { fetchCertificate: signer.fetchCertificate };

function quietLogger(): WebhookLogger & { warnings: string[]; errors: string[] } {
  const warnings: string[] = [];
  const errors: string[] = [];
  return { warnings, errors, warn: (m) => void warnings.push(m), error: (m) => void errors.push(m) };
}

function signedBody(n: number): { id: string; body: string } {
  const envelope = signer.notification({ message: sesSendEvent(n), messageId: `sns-${n}` });
  return { id: envelope.MessageId, body: JSON.stringify(envelope) };
}

describe("consumeSesEvents against the SQS stand-in", () => {
  it("10,000 events, 5% failing once, 10 poison messages: each good event handled once, poison in the DLQ", async () => {
    const { queueUrl, dlqUrl } = await createQueueWithDlq(sqs, "bulk", {
      visibilityTimeout: 5,
      maxReceiveCount: 3,
    });
    const total = 10_000;
    const good = Array.from({ length: total }, (_, n) => signedBody(n));
    // Poison: a tampered signature, a notification of a topic not allowed, and bodies that are not events.
    const tampered = JSON.parse(signedBody(-1).body) as Record<string, unknown>;
    tampered.Message = JSON.stringify(sesSendEvent(999_999));
    const otherTopic = signer.notification({
      message: sesSendEvent(999_998),
      topicArn: "arn:aws:sns:eu-west-1:123456789012:someone-else",
    });
    const poison = [
      JSON.stringify(tampered),
      JSON.stringify(otherTopic),
      "not json",
      "[]",
      "{}",
      '{"Type":"Notification"}',
      JSON.stringify({ eventType: "Delivery", mail: {} }), // raw: not an accepted format here
      JSON.stringify({ version: "0", id: "x", "detail-type": "Email Sent", source: "aws.ses", detail: {} }),
      "   ",
      JSON.stringify({ ...JSON.parse(signedBody(-2).body), Signature: "AAAA" }),
    ];
    expect(poison).toHaveLength(10);
    // Some events are delivered twice, as SNS and SQS both may: still handled once.
    const duplicates = good.slice(0, 100).map((g) => g.body);
    const bodies = [...good.map((g) => g.body), ...poison, ...duplicates];
    for (let i = bodies.length - 1; i > 0; i -= 1) {
      const j = Math.floor(Math.random() * (i + 1));
      [bodies[i], bodies[j]] = [bodies[j] as string, bodies[i] as string];
    }
    await sendBodies(sqs, queueUrl, bodies);

    const handled = new Map<string, number>();
    const failedOnce = new Set<string>();
    const willFail = new Set(good.filter((_, n) => n % 20 === 7).map((g) => g.id));
    const logger = quietLogger();
    const consumer = consumeSesEvents({
      queueUrl,
      client: sqs,
      allowedTopicArns: [signer.topicArn],
      verifySignature,
      concurrency: 20,
      waitTimeSeconds: 1,
      visibilityTimeoutSeconds: 5,
      retryDelaySeconds: 0,
      logger,
      onEvent: (event: TrackingEvent) => {
        const id = event.eventId ?? "";
        if (willFail.has(id) && !failedOnce.has(id)) {
          failedOnce.add(id);
          throw new Error("temporary failure");
        }
        handled.set(id, (handled.get(id) ?? 0) + 1);
      },
    });
    try {
      await waitFor(() => handled.size === total, 50_000, "every good event");
      let dlqBodies: string[] = [];
      await waitFor(
        async () => {
          dlqBodies = [...dlqBodies, ...(await drainBodies(sqs, dlqUrl))];
          return dlqBodies.length >= poison.length;
        },
        10_000,
        "the poison messages in the DLQ",
      );
      await waitFor(async () => (await messagesOnQueue(sqs, queueUrl)) === 0, 10_000, "an empty queue");
      expect(dlqBodies.sort()).toEqual([...poison].sort());
    } finally {
      await consumer.stop();
    }
    expect([...handled.values()].every((count) => count === 1)).toBe(true);
    expect(handled.size).toBe(total);
    expect(failedOnce.size).toBe(willFail.size);
    expect(consumer.stats.handled).toBe(total);
    expect(consumer.stats.duplicates).toBeGreaterThanOrEqual(1);
    expect(consumer.stats.inFlight).toBe(0);
  }, 90_000);

  it("graceful stop: running callbacks finish and are deleted, nothing else is lost", async () => {
    const { queueUrl } = await createQueueWithDlq(sqs, "stop", { visibilityTimeout: 2, maxReceiveCount: 5 });
    const bodies = Array.from({ length: 60 }, (_, n) => signedBody(n));
    await sendBodies(
      sqs,
      queueUrl,
      bodies.map((b) => b.body),
    );
    const started = new Set<string>();
    const finished = new Map<string, number>();
    let running = 0;
    let mostRunning = 0;
    const onEvent = async (event: TrackingEvent): Promise<void> => {
      const id = event.eventId ?? "";
      started.add(id);
      running += 1;
      mostRunning = Math.max(mostRunning, running);
      await new Promise((resolve) => setTimeout(resolve, 300));
      running -= 1;
      finished.set(id, (finished.get(id) ?? 0) + 1);
    };
    const options = {
      queueUrl,
      client: sqs,
      allowedTopicArns: [signer.topicArn],
      verifySignature,
      concurrency: 10,
      waitTimeSeconds: 20,
      logger: quietLogger(),
      onEvent,
    };
    const first = consumeSesEvents(options);
    await waitFor(() => started.size >= 10, 10_000, "ten running callbacks");
    const stopAt = Date.now();
    await first.stop();
    // The open 20 s long poll is cancelled, not waited for.
    expect(Date.now() - stopAt).toBeLessThan(5_000);
    expect(first.stats.inFlight).toBe(0);
    // Everything that started also finished, and was deleted.
    expect([...started].every((id) => finished.get(id) === 1)).toBe(true);
    const handledByFirst = first.stats.handled;
    expect(first.stats.deleted).toBe(handledByFirst);
    expect(await messagesOnQueue(sqs, queueUrl)).toBe(60 - handledByFirst);

    // A second consumer (after the first's aborted receive lapsed) handles the rest: nothing lost.
    const second = consumeSesEvents({ ...options, waitTimeSeconds: 1 });
    try {
      await waitFor(() => finished.size === 60, 20_000, "all 60 events");
      await waitFor(async () => (await messagesOnQueue(sqs, queueUrl)) === 0, 10_000, "an empty queue");
    } finally {
      await second.stop();
    }
    expect([...finished.values()].every((count) => count === 1)).toBe(true);
    // Bounded: never more callbacks at once than `concurrency`.
    expect(mostRunning).toBe(10);
  }, 40_000);
});
