import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

import { afterEach, expect, it } from "vitest";

import type { TrackingEvent } from "../../src/events";
import { createEventQueue, type EventQueue } from "../../src/queue/event-queue";
import { amazonSesTrackingWebhook } from "../../src/ses/webhooks/tracking-handler";
import { startTrackingWorker } from "../../src/ses/webhooks/tracking-queue";
import { createSnsTestSigner } from "../../src/testing/sns-signing";
import type { EventWorkerOptions } from "../../src/queue/event-queue";
import { describeWithRedis, redisUrl } from "../helpers/redis";

const signer = createSnsTestSigner();
const silent = { warn: () => undefined, error: () => undefined };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function delivery(recipients: string[], id = randomUUID()): string {
  return JSON.stringify({
    eventType: "Delivery",
    mail: {
      timestamp: "2026-12-05T10:00:00.000Z",
      source: "shop@example.com",
      messageId: id,
      destination: recipients,
    },
    delivery: { timestamp: "2026-12-05T10:00:01.000Z", recipients, smtpResponse: "250 OK" },
  });
}

const queues: EventQueue[] = [];
function newQueue(attempts = 3): EventQueue {
  const queue = createEventQueue({
    redis: redisUrl(),
    name: `events-${randomUUID()}`,
    attempts,
    backoffMs: 20,
  });
  queues.push(queue);
  return queue;
}
afterEach(async () => {
  await Promise.all(queues.splice(0).map((queue) => queue.close()));
});

const fastWorker: EventWorkerOptions = { stalledIntervalMs: 1_000, lockDurationMs: 2_000 };

function webhook(
  queue: EventQueue,
  onEvent: (event: TrackingEvent) => unknown,
  queueWorker: false | EventWorkerOptions = fastWorker,
) {
  return amazonSesTrackingWebhook({
    allowedTopicArns: [signer.topicArn],
    verifySignature: { fetchCertificate: signer.fetchCertificate },
    logger: silent,
    queue,
    queueWorker,
    onEvent,
  });
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error("timed out waiting");
    }
    await sleep(20);
  }
}

describeWithRedis("queue-backed tracking webhook (BullMQ on Redis)", () => {
  it("answers 200 once the notification is stored, before onEvent runs; a worker then runs it once", async () => {
    const queue = newQueue();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const calls: string[] = [];
    const handler = webhook(queue, async (event) => {
      await gate;
      calls.push(event.recipient);
    });
    const envelope = signer.notification({ message: delivery(["a@example.com", "b@example.com"]) });
    try {
      const outcome = await handler.handleEnvelope(envelope);
      expect(outcome).toMatchObject({ status: 200, body: "OK" });
      expect(calls).toEqual([]);
      const counts = await queue.counts();
      expect(counts.waiting + counts.active).toBe(1);
      // A redelivery, even to another instance with its own memory store: stored once only.
      const other = webhook(queue, () => undefined, false);
      expect((await other.handleEnvelope(envelope)).status).toBe(200);
      const again = await queue.counts();
      expect(again.waiting + again.active).toBe(1);
    } finally {
      release();
    }
    await until(async () => (await queue.counts()).completed === 1);
    expect(calls).toEqual(["a@example.com", "b@example.com"]);
    expect(await queue.counts()).toMatchObject({
      waiting: 0,
      active: 0,
      delayed: 0,
      completed: 1,
      failed: 0,
    });
  });

  it("retries a failing onEvent with backoff, and does not run again the events already handled", async () => {
    const queue = newQueue(5);
    const calls: string[] = [];
    let failures = 0;
    webhook(queue, (event) => {
      calls.push(event.recipient);
      if (event.recipient === "b@example.com" && failures < 2) {
        failures += 1;
        throw new Error("database busy");
      }
    });
    const handler = webhook(queue, () => undefined, false);
    await handler.handleEnvelope(
      signer.notification({ message: delivery(["a@example.com", "b@example.com", "c@example.com"]) }),
    );
    await until(async () => (await queue.counts()).completed === 1);
    expect(calls).toEqual([
      "a@example.com",
      "b@example.com",
      "b@example.com",
      "b@example.com",
      "c@example.com",
    ]);
  });

  it("ends a notification that keeps failing in the failed set, lists it, and retries it on demand", async () => {
    const queue = newQueue(3);
    let broken = true;
    const handled: string[] = [];
    const handler = webhook(queue, (event) => {
      if (broken) {
        throw new Error(`no table for ${event.recipient}`);
      }
      handled.push(event.recipient);
    });
    const envelope = signer.notification({ message: delivery(["x@example.com"]) });
    await handler.handleEnvelope(envelope);
    await until(async () => (await queue.counts()).failed === 1);
    const [failed, ...rest] = await queue.listFailed();
    expect(rest).toEqual([]);
    expect(failed).toMatchObject({
      messageId: envelope.MessageId,
      attempts: 3,
      error: "no table for x@example.com",
    });
    expect(failed?.notification.message).toBe(envelope.Message);
    expect(failed?.failedAt).toBeInstanceOf(Date);

    broken = false;
    expect(await queue.retryFailed([envelope.MessageId, "not-a-known-id"])).toEqual([envelope.MessageId]);
    await until(async () => (await queue.counts()).completed === 1);
    expect(handled).toEqual(["x@example.com"]);
    expect(await queue.listFailed()).toEqual([]);
    expect(await queue.retryFailed()).toEqual([]);
  });

  it(
    "a worker killed (SIGKILL) mid-callback: another worker handles the notification exactly once",
    { timeout: 30_000 },
    async () => {
      const name = `events-${randomUUID()}`;
      const queue = createEventQueue({ redis: redisUrl(), name, attempts: 3, backoffMs: 20 });
      queues.push(queue);
      const child: ChildProcess = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          fileURLToPath(new URL("../helpers/event-queue-worker-child.ts", import.meta.url)),
        ],
        {
          env: { ...process.env, REDIS_URL: redisUrl(), QUEUE_NAME: name },
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      try {
        let output = "";
        const seen = (text: string) =>
          new Promise<void>((resolve, reject) => {
            const check = () => output.includes(text) && resolve();
            child.stdout?.on("data", (chunk: Buffer) => {
              output += chunk.toString();
              check();
            });
            child.once("exit", (code) => reject(new Error(`child exited early (${code})`)));
            check();
          });
        await seen("ready");
        const handler = webhook(queue, () => undefined, false);
        expect(
          (await handler.handleEnvelope(signer.notification({ message: delivery(["k@example.com"]) })))
            .status,
        ).toBe(200);
        await seen("started k@example.com");
        child.kill("SIGKILL");
        await once(child, "exit");

        const calls: string[] = [];
        const survivor = startTrackingWorker({
          queue,
          lockDurationMs: 1_000,
          stalledIntervalMs: 300,
          onEvent: (event) => void calls.push(event.recipient),
        });
        await survivor.ready();
        // The dead worker's lock lapses, the notification is found stalled and handed over.
        await until(async () => (await queue.counts()).completed === 1, 15_000);
        expect(calls).toEqual(["k@example.com"]);
        expect(await queue.counts()).toMatchObject({ failed: 0, waiting: 0, active: 0 });
      } finally {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill("SIGKILL");
          await once(child, "exit");
        }
      }
    },
  );

  it("refuses a malformed event with 400 without storing it", async () => {
    const queue = newQueue();
    const handler = webhook(queue, () => undefined, false);
    const envelope = signer.notification({ message: JSON.stringify({ eventType: "Bounce", mail: {} }) });
    expect((await handler.handleEnvelope(envelope)).status).toBe(400);
    expect(await queue.counts()).toMatchObject({ waiting: 0, completed: 0, failed: 0 });
  });

  it("works with the webhook and the worker in different processes' roles (queueWorker: false + startTrackingWorker)", async () => {
    const queue = newQueue();
    const handler = webhook(
      queue,
      () => {
        throw new Error("the web process must not run onEvent");
      },
      false,
    );
    const calls: string[] = [];
    const worker = startTrackingWorker({
      queue,
      ...fastWorker,
      onEvent: (event) => void calls.push(event.recipient),
    });
    await worker.ready();
    await handler.handleEnvelope(signer.notification({ message: delivery(["w@example.com"]) }));
    await until(() => calls.length === 1);
    expect(calls).toEqual(["w@example.com"]);
  });

  it("answers 5xx (SNS retries) when the queue cannot store the notification", async () => {
    const down = createEventQueue({
      redis: {
        host: "127.0.0.1",
        port: 1,
        connectTimeout: 200,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      },
      name: "down",
    });
    queues.push(down);
    const handler = webhook(down, () => undefined, false);
    const outcome = await handler.handleEnvelope(
      signer.notification({ message: delivery(["d@example.com"]) }),
    );
    expect(outcome.status).toBeGreaterThanOrEqual(500);
    // Not remembered as handled: the retry must store it.
    expect(
      (await handler.handleEnvelope(signer.notification({ message: delivery(["d@example.com"]) }))).status,
    ).toBeGreaterThanOrEqual(500);
  });
});
