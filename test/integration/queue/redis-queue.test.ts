import { randomUUID } from "node:crypto";

import { Queue } from "bullmq";
import { afterEach, expect, inject, it } from "vitest";

import { ApiError } from "../../../src/errors";
import type { Mailer } from "../../../src/mailer";
import { createMailer } from "../../../src/mailer";
import type { EmailMessage } from "../../../src/message/types";
import { createMailQueue } from "../../../src/queue/create-queue";
import type { FinishedMailJob, MailQueue, MailQueueBaseOptions } from "../../../src/queue/types";
import { amazonSes } from "../../../src/ses/backend";
import { createMemoryBackend } from "../../../src/testing/memory-backend";
import { emulatorClient, storedEmail } from "../../helpers/ses-local";
import { describeWithRedis } from "../../helpers/redis";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) {
    await close();
  }
});

/** A Redis queue with a name of its own (test files share the Redis server). */
function redisQueue(options: MailQueueBaseOptions = {}): { queue: MailQueue; name: string } {
  const name = `test-${randomUUID()}`;
  const queue = createMailQueue({ redis: inject("redisUrl"), name, ...options });
  closers.push(() => queue.close());
  return { queue, name };
}

function emulatorMailer(): Mailer {
  return createMailer({ backend: amazonSes({ client: emulatorClient().client }) });
}

const message = (subject: string): EmailMessage => ({
  from: "sender@example.com",
  to: "alice@example.com",
  subject,
  text: "Hello",
});

describeWithRedis("Redis mail queue (BullMQ, real redis-server)", () => {
  it("persists messages, works them and reports each result (callback and result())", async () => {
    const { queue } = redisQueue();
    expect(queue.kind).toBe("redis");
    const run = randomUUID();
    const ids = await Promise.all([0, 1, 2, 3, 4].map((i) => queue.enqueue(message(`${run} #${i}`))));
    expect(new Set(ids).size).toBe(5);
    expect(await queue.result(ids[0] as string)).toMatchObject({ state: "waiting", attempts: 0 });
    const reported: FinishedMailJob[] = [];
    queue.work({ mailer: emulatorMailer(), concurrency: 2, onResult: (r) => reported.push(r) });
    const results = await Promise.all(ids.map((id) => queue.waitForResult(id, { timeoutMs: 15_000 })));
    for (const [i, result] of results.entries()) {
      expect(result).toMatchObject({ jobId: ids[i], state: "sent", attempts: 1, possibleDuplicate: false });
      const messageId = result.state === "sent" ? result.status.messageId : undefined;
      expect((await storedEmail(messageId as string)).subject).toBe(`${run} #${i}`);
    }
    await expect.poll(() => reported.length).toBe(5);
    expect(new Set(reported.map((r) => r.jobId))).toEqual(new Set(ids));
  });

  it("keeps attachment bytes through Redis", async () => {
    const { queue } = redisQueue();
    const content = Uint8Array.from({ length: 256 }, (_, i) => 255 - i);
    const id = await queue.enqueue({ ...message("bytes"), attachments: [{ filename: "all.bin", content }] });
    queue.work({ mailer: emulatorMailer() });
    const result = await queue.waitForResult(id, { timeoutMs: 15_000 });
    const stored = await storedEmail((result.state === "sent" && result.status.messageId) || "");
    const attachment = stored.attachments.find((a) => a.filename === "all.bin");
    expect(new Uint8Array(Buffer.from(attachment?.content ?? "", "base64"))).toEqual(content);
  });

  it("turns sendAt into a delayed job that runs no earlier than sendAt", async () => {
    const { queue } = redisQueue();
    const inner = emulatorMailer();
    const sentAt: number[] = [];
    const mailer = createMailer({ backend: amazonSes({ client: emulatorClient().client }), queue });
    const sendAt = new Date(Date.now() + 1_500);
    const status = await mailer.send({ ...message("later"), sendAt });
    expect(status.statuses).toEqual(new Set(["scheduled"]));
    expect(await queue.result(status.jobId as string)).toMatchObject({ state: "delayed", sendAt });
    queue.work({ mailer: { send: (m) => (sentAt.push(Date.now()), inner.send(m)) } });
    const result = await queue.waitForResult(status.jobId as string, { timeoutMs: 15_000 });
    expect(result.state).toBe("sent");
    expect(sentAt).toHaveLength(1);
    expect(sentAt[0]).toBeGreaterThanOrEqual(sendAt.getTime());
  });

  it("shares the rate across workers through BullMQ's global limiter, recipient-weighted", async () => {
    const { queue, name } = redisQueue({ rateLimit: { maxPerSecond: 20 } });
    const noop: Pick<Mailer, "send"> = {
      send: async () => createMailer({ backend: createMemoryBackend() }).send(message("x")),
    };
    const ids = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        queue.enqueue({ ...message(`r${i}`), to: i < 5 ? fiveRecipients : "a@example.com" }),
      ),
    );
    const started = Date.now();
    queue.work({ mailer: noop, concurrency: 4 });
    queue.work({ mailer: noop, concurrency: 4 });
    await Promise.all(ids.map((id) => queue.waitForResult(id, { timeoutMs: 30_000 })));
    const seconds = (Date.now() - started) / 1000;
    // 30 jobs at 20/s would take 1.4 s (less the first window) if only jobs counted; the four
    // extra recipients of each of the 5 big messages add about 1 s more. The charge is
    // approximate under concurrency (see redis-rate.ts), so the bound leaves room below 2.4 s.
    expect(seconds).toBeGreaterThan(1.7);
    const raw = new Queue(name, { connection: { url: inject("redisUrl") } });
    closers.push(() => raw.close());
    expect(await raw.getGlobalRateLimit()).toEqual({ max: 2, duration: 100 });
  });

  it("fails a permanent error at once and retries transient ones at job level", async () => {
    const { queue } = redisQueue({ retry: { baseDelayMs: 10, maxAttempts: 3 } });
    const failures = new Map<string, Error[]>([
      [
        "permanent",
        [new ApiError("Email address is not verified.", { awsCode: "MessageRejected", httpStatus: 400 })],
      ],
      ["transient", [new ApiError("InternalFailure", { awsCode: "InternalFailure", httpStatus: 500 })]],
    ]);
    const real = createMailer({ backend: createMemoryBackend() });
    const mailer: Pick<Mailer, "send"> = {
      send: async (m) => {
        const failure = failures.get(m.subject ?? "")?.shift();
        if (failure !== undefined) {
          throw failure;
        }
        return real.send(m);
      },
    };
    const permanent = await queue.enqueue(message("permanent"));
    const transient = await queue.enqueue(message("transient"));
    queue.work({ mailer });
    expect(await queue.waitForResult(permanent, { timeoutMs: 15_000 })).toMatchObject({
      state: "failed",
      attempts: 1,
      error: { awsCode: "MessageRejected", kind: "permanent" },
    });
    expect(await queue.waitForResult(transient, { timeoutMs: 15_000 })).toMatchObject({
      state: "sent",
      attempts: 2,
    });
  });

  it("holds every worker after the daily quota and keeps the job, without spending an attempt", async () => {
    const { queue } = redisQueue({ dailyQuotaDelayMs: 1_500, retry: { maxAttempts: 1 } });
    const calls: number[] = [];
    const real = createMailer({ backend: createMemoryBackend() });
    const mailer: Pick<Mailer, "send"> = {
      send: async (m) => {
        calls.push(Date.now());
        if (calls.length === 1) {
          throw new ApiError("Daily message quota exceeded.", {
            awsCode: "TooManyRequestsException",
            httpStatus: 429,
          });
        }
        return real.send(m);
      },
    };
    const id = await queue.enqueue(message("quota"));
    queue.work({ mailer });
    expect(await queue.waitForResult(id, { timeoutMs: 15_000 })).toMatchObject({
      state: "sent",
      attempts: 1,
    });
    expect(calls).toHaveLength(2);
    // The second try waited out the hold (like sendAt: no earlier than, never a speed bound).
    expect((calls[1] as number) - (calls[0] as number)).toBeGreaterThanOrEqual(1_500);
  });
});

const fiveRecipients = ["a@example.com", "b@example.com", "c@example.com", "d@example.com", "e@example.com"];
