import { afterEach, describe, expect, it } from "vitest";

import { ApiError, ConfigurationError } from "../../../src/errors";
import type { Mailer } from "../../../src/mailer";
import { createMailer } from "../../../src/mailer";
import type { EmailMessage } from "../../../src/message/types";
import { createMailQueue } from "../../../src/queue/create-queue";
import type { RetryEvent } from "../../../src/queue/retry-policy";
import type { FinishedMailJob, MailQueue, MailQueueBaseOptions } from "../../../src/queue/types";
import { createMemoryBackend } from "../../../src/testing/memory-backend";

const queues: MailQueue[] = [];
afterEach(async () => {
  await Promise.all(queues.splice(0).map((q) => q.close()));
});

function memoryQueue(options: MailQueueBaseOptions = {}): MailQueue {
  const queue = createMailQueue({ ...options, memory: true });
  queues.push(queue);
  return queue;
}

const message: EmailMessage = { from: "f@example.com", to: "a@example.com", subject: "Hi", text: "Hello" };

/** A mailer whose sends fail with the given errors first, then go to a memory backend's outbox. */
function flakyMailer(
  failures: Error[],
): Pick<Mailer, "send"> & { calls: number; outbox: ReturnType<typeof createMemoryBackend>["outbox"] } {
  const backend = createMemoryBackend();
  const mailer = createMailer({ backend });
  const flaky = {
    calls: 0,
    outbox: backend.outbox,
    send: async (m: EmailMessage) => {
      flaky.calls += 1;
      const failure = failures.shift();
      if (failure !== undefined) {
        throw failure;
      }
      return mailer.send(m);
    },
  };
  return flaky;
}

describe("in-process mail queue (the default without Redis)", () => {
  it("enqueues, works and reports the result, also to onResult", async () => {
    const queue = memoryQueue();
    expect(queue.kind).toBe("memory");
    const mailer = flakyMailer([]);
    const reported: FinishedMailJob[] = [];
    const jobId = await queue.enqueue(message);
    expect(await queue.result(jobId)).toMatchObject({ state: "waiting", attempts: 0 });
    queue.work({ mailer, onResult: (r) => reported.push(r) });
    const result = await queue.waitForResult(jobId);
    expect(result).toMatchObject({ jobId, state: "sent", attempts: 1, possibleDuplicate: false });
    expect(result.state === "sent" && result.status.recipients["a@example.com"]?.status).toBe("queued");
    expect(reported).toEqual([result]);
    expect(mailer.outbox).toHaveLength(1);
  });

  it("keeps attachment bytes", async () => {
    const queue = memoryQueue();
    const mailer = flakyMailer([]);
    const content = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) % 256);
    const jobId = await queue.enqueue({ ...message, attachments: [{ filename: "a.bin", content }] });
    queue.work({ mailer });
    await queue.waitForResult(jobId);
    expect(mailer.outbox[0]?.message.attachments[0]?.content).toEqual(content);
  });

  it("runs a delayed job no earlier than sendAt", async () => {
    const queue = memoryQueue();
    const sentAt: number[] = [];
    const inner = flakyMailer([]);
    const sendAt = new Date(Date.now() + 300);
    const jobId = await queue.enqueue({ ...message, sendAt });
    queue.work({ mailer: { send: (m) => (sentAt.push(Date.now()), inner.send(m)) } });
    expect(await queue.result(jobId)).toMatchObject({ state: "delayed", sendAt });
    await queue.waitForResult(jobId);
    expect(sentAt[0]).toBeGreaterThanOrEqual(sendAt.getTime());
  });

  it("retries at job level per the policy, and reports each retry", async () => {
    const events: RetryEvent[] = [];
    const queue = memoryQueue({ retry: { baseDelayMs: 5, maxAttempts: 3, onRetry: (e) => events.push(e) } });
    const internal = new ApiError("InternalFailure", { awsCode: "InternalFailure", httpStatus: 500 });
    const mailer = flakyMailer([internal, internal]);
    const jobId = await queue.enqueue(message);
    queue.work({ mailer });
    expect(await queue.waitForResult(jobId)).toMatchObject({ state: "sent", attempts: 3 });
    expect(events.map((e) => [e.attempt, e.code, e.operation])).toEqual([
      [1, "InternalFailure", jobId],
      [2, "InternalFailure", jobId],
    ]);
  });

  it("fails a permanent error without retrying, keeping the error's fields", async () => {
    const queue = memoryQueue({ retry: { baseDelayMs: 1 } });
    const mailer = flakyMailer([
      new ApiError("Email address is not verified.", { awsCode: "MessageRejected", httpStatus: 400 }),
    ]);
    const jobId = await queue.enqueue(message);
    queue.work({ mailer });
    const result = await queue.waitForResult(jobId);
    expect(result).toMatchObject({
      state: "failed",
      attempts: 1,
      error: { awsCode: "MessageRejected", code: "api_error" },
    });
    expect(mailer.calls).toBe(1);
  });

  it("says 'unknown' rather than guessing, or re-sends flagged as a possible duplicate", async () => {
    const reset = () => new ApiError("socket hang up", { awsCode: "ECONNRESET", outcomeUnknown: true });
    const strict = memoryQueue({ retry: { retryUnknownOutcome: false } });
    const id1 = await strict.enqueue(message);
    strict.work({ mailer: flakyMailer([reset()]) });
    expect(await strict.waitForResult(id1)).toMatchObject({
      state: "unknown",
      error: { awsCode: "ECONNRESET" },
    });

    const atLeastOnce = memoryQueue({ retry: { baseDelayMs: 1 } });
    const id2 = await atLeastOnce.enqueue(message);
    atLeastOnce.work({ mailer: flakyMailer([reset()]) });
    expect(await atLeastOnce.waitForResult(id2)).toMatchObject({
      state: "sent",
      attempts: 2,
      possibleDuplicate: true,
    });
  });

  it("holds the queue after the daily quota, without spending the job's attempts", async () => {
    const queue = memoryQueue({ dailyQuotaDelayMs: 150, retry: { maxAttempts: 1 } });
    const quota = new ApiError("Daily message quota exceeded.", {
      awsCode: "TooManyRequestsException",
      httpStatus: 429,
    });
    const mailer = flakyMailer([quota]);
    const calls: number[] = [];
    const jobId = await queue.enqueue(message);
    queue.work({ mailer: { send: (m) => (calls.push(Date.now()), mailer.send(m)) } });
    expect(await queue.waitForResult(jobId)).toMatchObject({ state: "sent", attempts: 1 });
    expect(calls).toHaveLength(2);
    // The second try waited out the hold (like sendAt: no earlier than, never a speed bound).
    expect((calls[1] as number) - (calls[0] as number)).toBeGreaterThanOrEqual(150);
  });

  it("keeps the first job for a repeated jobId, and refuses to wait for a job that does not exist", async () => {
    const queue = memoryQueue();
    expect(await queue.enqueue(message, { jobId: "welcome-1" })).toBe("welcome-1");
    expect(await queue.enqueue({ ...message, subject: "other" }, { jobId: "welcome-1" })).toBe("welcome-1");
    const mailer = flakyMailer([]);
    queue.work({ mailer });
    await queue.waitForResult("welcome-1");
    expect(mailer.outbox.map((e) => e.message.subject)).toEqual(["Hi"]);
    await expect(queue.waitForResult("nope")).rejects.toThrow(ConfigurationError);
    expect(await queue.result("nope")).toBeUndefined();
  });
});
