/**
 * `sqs-consume`: SES events per second through `consumeSesEvents` (signed SNS envelopes: signature
 * verified, converted, deduplicated, one callback each, batched deletes) against the floor, a bare
 * loop of ReceiveMessage (10 at a time) and DeleteMessageBatch that does nothing with the bodies.
 * Both drain their own queue of the same messages on the same fauxqs stand-in, one receive loop
 * each (the consumer at concurrency 10 runs one long poll at a time).
 */
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";

import { consumeSesEvents } from "../../src/intake/sqs-consumer";
import { createSnsTestSigner } from "../../src/testing/sns-signing";
import { startFauxqs, type RunningFauxqs } from "../../test/helpers/fauxqs-server";
import type { Scenario } from "../harness";

/** Events per operation: one operation drains one queue of this many messages. */
const PER_OP = 800;
/** Timed rounds per side; plus one warm-up each, so 2 × (ROUNDS + 1) queues are filled. */
const ROUNDS = 5;

const signer = createSnsTestSigner({ region: "eu-west-1", topicName: "ses-bench", modulusLength: 1024 });
let fauxqs: RunningFauxqs | undefined;
let sqs: SQSClient | undefined;
const queues = { ours: [] as string[], floor: [] as string[] };

function sesEvent(n: number): Record<string, unknown> {
  return {
    eventType: "Delivery",
    mail: {
      timestamp: "2026-12-05T10:00:00.000Z",
      source: "shop@example.com",
      messageId: `0100019a${n.toString(16).padStart(8, "0")}-bench-000000`,
      destination: [`user${n}@example.com`],
    },
    delivery: {
      timestamp: "2026-12-05T10:00:01.000Z",
      recipients: [`user${n}@example.com`],
      smtpResponse: "250 ok",
    },
  };
}

function client(): SQSClient {
  if (sqs === undefined) {
    throw new Error("sqs-consume: not set up");
  }
  return sqs;
}

async function fillQueue(name: string, first: number): Promise<string> {
  const out = await client().send(
    new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: "30" } }),
  );
  const url = out.QueueUrl ?? "";
  const batches: { Id: string; MessageBody: string }[][] = [];
  for (let i = 0; i < PER_OP; i += 10) {
    batches.push(
      Array.from({ length: Math.min(10, PER_OP - i) }, (_, j) => ({
        Id: String(j),
        MessageBody: JSON.stringify(signer.notification({ message: sesEvent(first + i + j) })),
      })),
    );
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const entries = batches[next++] ?? [];
      await client().send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return url;
}

function nextQueue(side: "ours" | "floor"): string {
  const url = queues[side].shift();
  if (url === undefined) {
    throw new Error("sqs-consume: ran out of filled queues");
  }
  return url;
}

let handled = 0;

async function ours(): Promise<void> {
  let events = 0;
  const consumer = consumeSesEvents({
    queueUrl: nextQueue("ours"),
    client: client(),
    allowedTopicArns: [signer.topicArn],
    verifySignature: { fetchCertificate: signer.fetchCertificate },
    concurrency: 10,
    waitTimeSeconds: 1,
    onEvent: () => {
      events += 1;
    },
  });
  while (consumer.stats.handled < PER_OP) {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  // Graceful: the open poll is cancelled, the last deletes are sent.
  await consumer.stop();
  handled += events;
}

async function floor(): Promise<void> {
  const queueUrl = nextQueue("floor");
  let deleted = 0;
  while (deleted < PER_OP) {
    const out = await client().send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) {
      continue;
    }
    await client().send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? "" })),
      }),
    );
    deleted += messages.length;
  }
}

export const sqsConsume: Scenario = {
  name: "sqs-consume",
  unit: "events/s",
  rounds: ROUNDS,
  // One operation per warm-up and per round: each drains a whole queue.
  roundMillis: 1,
  warmupMillis: 1,
  batch: 1,
  scale: PER_OP,
  ours,
  floor,
  async setup() {
    fauxqs = await startFauxqs();
    sqs = new SQSClient({
      endpoint: fauxqs.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
    });
    const run = Date.now().toString(36);
    for (let i = 0; i <= ROUNDS; i += 1) {
      queues.ours.push(await fillQueue(`bench-${run}-ours-${i}`, 2 * i * PER_OP));
      queues.floor.push(await fillQueue(`bench-${run}-floor-${i}`, (2 * i + 1) * PER_OP));
    }
  },
  async teardown() {
    sqs?.destroy();
    await fauxqs?.stop();
  },
  extra: () => ({ target: 0.7, eventsPerOp: PER_OP, concurrency: 10, handled }),
};
