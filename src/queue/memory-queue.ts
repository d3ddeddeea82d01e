/**
 * The in-process mail queue: the default when no Redis is configured. Same interface and
 * semantics as the Redis queue, but jobs live in this process's memory and die with it.
 *
 * @module
 */
import { randomUUID } from "node:crypto";

import { attemptMailJob } from "./process-job";
import type { JobProgressRecord, JobStep, StoredOutcome } from "./process-job";
import { createRateLimiter } from "./rate-limiter";
import type { RateLimiter } from "./rate-limiter";
import { messageWeight } from "./recipient-weight";
import { createRetryPolicy } from "./retry-policy";
import { describeError, deserializeMessage, serializeMessage } from "./serialize";
import { finishedResult, pollForResult } from "./job-result";
import type { MailJobResult, MailQueue, MailQueueBaseOptions, MailWorker, MailWorkerOptions } from "./types";
import { QUEUE_RETRY_DEFAULTS, retriesUnknownOutcome } from "./queue-defaults";

interface MemoryJob {
  id: string;
  /** Serialized like the Redis queue does, so both keep exactly the same data. */
  json: string;
  weight: number;
  state: "waiting" | "active" | "done";
  runAt: number;
  sendAt: Date | undefined;
  attempts: number;
  progress: JobProgressRecord | undefined;
  outcome: StoredOutcome | undefined;
}

/**
 * Create an in-process mail queue (what `createMailQueue({ memory: true })` returns).
 *
 * @example
 * ```ts
 * const queue = createMemoryMailQueue({ rateLimit: { maxPerSecond: 14 } });
 * queue.work({ mailer });
 * const mailerWithQueue = createMailer({ backend, queue });
 * ```
 */
export function createMemoryMailQueue(options: MailQueueBaseOptions = {}): MailQueue {
  const jobs = new Map<string, MemoryJob>();
  const pumps = new Set<() => void>();
  const workers = new Set<MailWorker>();
  const policy =
    options.retry === false ? undefined : createRetryPolicy({ ...QUEUE_RETRY_DEFAULTS, ...options.retry });
  const limiter: RateLimiter | undefined =
    options.rateLimit === undefined
      ? undefined
      : createRateLimiter({ maxPerSecond: options.rateLimit.maxPerSecond });
  const dailyQuotaDelayMs = options.dailyQuotaDelayMs ?? 600_000;
  let pausedUntil = 0;
  let closed = false;

  function wakeAll(): void {
    for (const pump of pumps) {
      pump();
    }
  }

  function nextReady(now: number): MemoryJob | undefined {
    let best: MemoryJob | undefined;
    for (const job of jobs.values()) {
      if (job.state === "waiting" && job.runAt <= now && (best === undefined || job.runAt < best.runAt)) {
        best = job;
      }
    }
    return best;
  }

  function nextWake(): number | undefined {
    let at: number | undefined;
    for (const job of jobs.values()) {
      if (job.state === "waiting") {
        at = Math.min(at ?? job.runAt, job.runAt);
      }
    }
    return at === undefined ? undefined : Math.max(at, pausedUntil);
  }

  function apply(job: MemoryJob, step: JobStep): void {
    if (step.action === "defer") {
      // The daily quota: every worker of this queue waits; the job keeps its attempts.
      pausedUntil = Date.now() + step.delayMs;
      job.state = "waiting";
      return;
    }
    job.attempts += 1;
    if (step.action === "retry") {
      job.state = "waiting";
      job.runAt = Date.now() + step.delayMs;
      return;
    }
    job.state = "done";
    job.outcome = step.outcome;
  }

  async function run(job: MemoryJob, worker: MailWorkerOptions): Promise<void> {
    let step: JobStep;
    try {
      await limiter?.acquire(job.weight);
      step = await attemptMailJob({
        jobId: job.id,
        message: deserializeMessage(job.json),
        attempt: job.attempts + 1,
        previous: job.progress,
        saveProgress: async (record) => {
          job.progress = record;
        },
        mailer: worker.mailer,
        policy,
        retryUnknownOutcome: retriesUnknownOutcome(options),
        dailyQuotaDelayMs,
      });
    } catch (error) {
      step = { action: "fail", outcome: { state: "failed", error: describeError(error) } };
    }
    apply(job, step);
    if (job.state === "done" && job.outcome !== undefined) {
      try {
        worker.onResult?.(finishedResult(job.id, job.attempts, job.outcome));
      } catch {
        // Observers must not break the queue.
      }
    }
  }

  function result(jobId: string): Promise<MailJobResult | undefined> {
    const job = jobs.get(jobId);
    if (job === undefined) {
      return Promise.resolve(undefined);
    }
    if (job.state === "done" && job.outcome !== undefined) {
      return Promise.resolve(finishedResult(job.id, job.attempts, job.outcome));
    }
    const state = job.state === "active" ? "active" : job.runAt > Date.now() ? "delayed" : "waiting";
    return Promise.resolve({ jobId, state, attempts: job.attempts, sendAt: job.sendAt });
  }

  const queue: MailQueue = {
    kind: "memory",
    async enqueue(message, enqueueOptions = {}) {
      const id = enqueueOptions.jobId ?? randomUUID();
      if (!jobs.has(id)) {
        const sendAt = enqueueOptions.sendAt ?? message.sendAt ?? undefined;
        jobs.set(id, {
          id,
          json: serializeMessage(message),
          weight: messageWeight(message),
          state: "waiting",
          runAt: sendAt?.getTime() ?? Date.now(),
          sendAt,
          attempts: 0,
          progress: undefined,
          outcome: undefined,
        });
        wakeAll();
      }
      return id;
    },
    result,
    waitForResult: (jobId, waitOptions) => pollForResult(result, jobId, waitOptions),
    work(worker) {
      const concurrency = Math.max(1, Math.floor(worker.concurrency ?? 4));
      const running = new Set<Promise<void>>();
      let timer: NodeJS.Timeout | undefined;
      let stopped = false;
      const pump = (): void => {
        clearTimeout(timer);
        timer = undefined;
        while (!stopped && !closed && running.size < concurrency) {
          const now = Date.now();
          const job = now >= pausedUntil ? nextReady(now) : undefined;
          if (job === undefined) {
            const at = nextWake();
            if (at !== undefined) {
              timer = setTimeout(pump, Math.max(1, at - now));
            }
            return;
          }
          job.state = "active";
          const task = run(job, worker).finally(() => {
            running.delete(task);
            wakeAll();
          });
          running.add(task);
        }
      };
      pumps.add(pump);
      queueMicrotask(pump);
      const handle: MailWorker = {
        async close() {
          stopped = true;
          clearTimeout(timer);
          pumps.delete(pump);
          workers.delete(handle);
          await Promise.all(running);
        },
      };
      workers.add(handle);
      return handle;
    },
    async close() {
      closed = true;
      await Promise.all([...workers].map((worker) => worker.close()));
    },
  };
  return queue;
}
