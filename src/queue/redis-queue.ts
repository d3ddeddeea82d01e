/**
 * The durable mail queue on BullMQ and Redis. bullmq is an optional peer dependency, loaded on
 * first use, so code that only uses the in-process queue never needs it installed.
 *
 * @module
 */
import type * as BullMQ from "bullmq";

import type { Redis as IORedis } from "ioredis";

import { ConfigurationError, QueueUnavailableError } from "../errors";
import { REDIS_COMMAND_TIMEOUT_MS, openRedis } from "../store/redis-connection";
import { finishedResult, pollForResult } from "./job-result";
import { asProgressRecord, attemptMailJob } from "./process-job";
import type { JobStep, StoredOutcome } from "./process-job";
import { QUEUE_RETRY_DEFAULTS, retriesUnknownOutcome } from "./queue-defaults";
import { messageWeight } from "./recipient-weight";
import { chargeExtraRecipients, globalRateWindow } from "./redis-rate";
import { createRetryPolicy } from "./retry-policy";
import { deserializeMessage, serializeMessage } from "./serialize";
import type {
  MailJobResult,
  MailQueue,
  MailQueueBaseOptions,
  MailWorker,
  MailWorkerOptions,
  RedisConnectionOptions,
} from "./types";

/** What a job holds in Redis. */
interface MailJobData {
  /** The message, serialized with attachment bytes as base64. */
  message: string;
  /** Recipients, for the recipient-weighted part of the rate limit. */
  weight: number;
  /** Epoch ms, when the message was scheduled. */
  sendAt?: number | undefined;
}

type MailBullQueue = BullMQ.Queue<MailJobData, StoredOutcome>;

const JOB_NAME = "mail";
// Our own backoff type: BullMQ asks the worker's backoffStrategy, which returns the delay the
// retry policy already drew (and reported to onRetry).
const BACKOFF_TYPE = "mailroom-retry-policy";

/** Thrown to BullMQ for a job-level retry; carries the delay the policy chose. */
class RetryLater extends Error {
  constructor(
    readonly delayMs: number,
    message: string,
  ) {
    super(message);
    this.name = "RetryLater";
  }
}

async function loadBullMQ(): Promise<typeof BullMQ> {
  try {
    return await import("bullmq");
  } catch (err) {
    throw new ConfigurationError(
      "The Redis mail queue needs the optional peer dependency bullmq (npm install bullmq)",
      { cause: err },
    );
  }
}

// What ioredis and BullMQ say when Redis cannot be reached (as opposed to a command it refused).
const CONNECTION_FAILURE =
  /timed out|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|EAI_AGAIN|Connection is closed|max retries per request|Stream isn't writeable|enableOfflineQueue/i;

/** Reject after `ms`: the one clock every queue operation answers to. */
function deadline(ms: number, onExpire: () => Error): { promise: Promise<never>; clear: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(onExpire()), ms);
  });
  promise.catch(() => undefined);
  return { promise, clear: () => clearTimeout(timer) };
}

/** Close an ioredis client without waiting on a Redis that is not there. */
async function closeClient(client: IORedis): Promise<void> {
  if (client.status === "ready") {
    await client.quit().catch(() => client.disconnect());
  } else {
    client.disconnect();
  }
}

function failedResult(job: BullMQ.Job<MailJobData, StoredOutcome>, jobId: string): MailJobResult {
  const record = asProgressRecord(job.progress);
  if (record?.outcome !== undefined) {
    return finishedResult(jobId, job.attemptsMade, record.outcome);
  }
  // BullMQ failed it on its own (stalled too often, attempts mismatch): judge by the record.
  const uncertain = record !== undefined && (record.uncertain || record.phase === "sending");
  return {
    jobId,
    state: uncertain ? "unknown" : "failed",
    attempts: job.attemptsMade,
    error: {
      name: "Error",
      message: job.failedReason ?? "failed",
      code: undefined,
      awsCode: undefined,
      httpStatus: undefined,
      kind: uncertain ? "network" : "permanent",
    },
  };
}

/**
 * Create a mail queue on BullMQ and Redis (what `createMailQueue({ redis })` returns). Every
 * process using the same Redis, prefix and name shares the jobs and the rate limit.
 *
 * @example
 * ```ts
 * const queue = createRedisMailQueue({ redis: "redis://127.0.0.1:6379", rateLimit: { maxPerSecond: 14 } });
 * const jobId = await queue.enqueue(message);
 * ```
 */
export function createRedisMailQueue(
  options: MailQueueBaseOptions & { redis: string | RedisConnectionOptions },
): MailQueue {
  const name = options.name ?? "mailroom";
  const timeoutMs = options.operationTimeoutMs ?? REDIS_COMMAND_TIMEOUT_MS;
  const connectionInput: RedisConnectionOptions =
    typeof options.redis === "string" ? { url: options.redis } : options.redis;
  // Workers get their own connections (BullMQ needs a blocking one without per-request retry
  // limits); bound how long each connection attempt may take.
  const workerConnection = {
    connectTimeout: timeoutMs,
    ...connectionInput,
  } as BullMQ.ConnectionOptions;
  const reportError = (err: Error): void => {
    try {
      options.onError?.(err);
    } catch {
      // A throwing error callback must not become an unhandled error of the Redis client.
    }
  };
  const policy =
    options.retry === false ? undefined : createRetryPolicy({ ...QUEUE_RETRY_DEFAULTS, ...options.retry });
  const retryUnknownOutcome = retriesUnknownOutcome(options);
  const dailyQuotaDelayMs = options.dailyQuotaDelayMs ?? 600_000;
  const keep = {
    age: options.keepFinished?.ageSeconds ?? 86_400,
    count: options.keepFinished?.count ?? 100_000,
  };
  const workers = new Set<MailWorker>();
  let loaded: Promise<{ bull: typeof BullMQ; queue: MailBullQueue }> | undefined;

  let client: IORedis | undefined;

  const load = () =>
    (loaded ??= loadBullMQ().then(async (bull) => {
      // The queue's own client: commands time out, errors go to onError instead of being
      // printed as "Unhandled error event", and it reconnects in the background.
      const handle = await openRedis(
        { connectTimeout: timeoutMs, commandTimeout: timeoutMs, ...connectionInput },
        reportError,
      );
      client = handle.client;
      const queue = new bull.Queue<MailJobData, StoredOutcome>(name, {
        connection: handle.client,
        prefix: options.prefix,
      });
      queue.on("error", reportError);
      return { bull, queue };
    }));

  /**
   * Run one queue operation against Redis within `timeoutMs`. The operation only starts once
   * the connection is ready and the time is not up, so a timed-out call never goes out later,
   * when Redis comes back (BullMQ would otherwise wait for the connection for ever).
   */
  async function bounded<T>(operation: string, run: (queue: MailBullQueue) => Promise<T>): Promise<T> {
    let expired = false;
    const timer = deadline(timeoutMs, () => {
      expired = true;
      return new QueueUnavailableError(
        operation,
        `Mail queue ${operation} failed: Redis did not answer within ${timeoutMs} ms`,
      );
    });
    const attempt = async (): Promise<T> => {
      const { queue } = await load();
      await queue.waitUntilReady();
      if (expired) {
        throw new Error("expired"); // lost the race: the deadline already answered the caller
      }
      return run(queue);
    };
    try {
      return await Promise.race([attempt(), timer.promise]);
    } catch (err) {
      if (err instanceof QueueUnavailableError || err instanceof ConfigurationError) {
        throw err;
      }
      const text = err instanceof Error ? `${err.message} ${(err as { code?: string }).code ?? ""}` : "";
      if (CONNECTION_FAILURE.test(text) || client?.status !== "ready") {
        throw new QueueUnavailableError(operation, `Mail queue ${operation} failed: Redis is unavailable`, {
          cause: err,
        });
      }
      throw err;
    } finally {
      timer.clear();
    }
  }

  async function result(jobId: string): Promise<MailJobResult | undefined> {
    return bounded("result", (queue) => readResult(queue, jobId));
  }

  async function readResult(queue: MailBullQueue, jobId: string): Promise<MailJobResult | undefined> {
    // State first, job second: a job read before it finished would carry no return value yet.
    const state = await queue.getJobState(jobId);
    const job = state === "unknown" ? undefined : await queue.getJob(jobId);
    if (job === undefined || job === null) {
      return undefined;
    }
    if (state === "completed" && typeof job.returnvalue?.state === "string") {
      return finishedResult(jobId, job.attemptsMade, job.returnvalue);
    }
    if (state === "completed" || state === "failed") {
      // Completed by something other than a Mailroom worker: judged like a failure, by the record.
      return failedResult(job, jobId);
    }
    const sendAt = job.data.sendAt === undefined ? undefined : new Date(job.data.sendAt);
    const pending = state === "active" || state === "delayed" ? state : "waiting";
    return { jobId, state: pending, attempts: job.attemptsMade, sendAt };
  }

  /**
   * Set (or read) the queue's global rate window. A worker started while Redis is down waits
   * for it, reporting each failed try to onError, instead of dying.
   */
  async function rateWindow(
    worker: MailWorkerOptions,
    stopped: () => boolean,
  ): Promise<{ max: number; duration: number } | null | "stopped"> {
    const perSecond = options.rateLimit?.maxPerSecond;
    for (;;) {
      try {
        return await bounded("work", async (queue) => {
          const wanted = perSecond === undefined ? null : globalRateWindow(perSecond);
          if (wanted !== null) {
            await queue.setGlobalRateLimit(wanted.max, wanted.duration);
            return wanted;
          }
          return queue.getGlobalRateLimit();
        });
      } catch (err) {
        if (!(err instanceof QueueUnavailableError) || stopped()) {
          throw err;
        }
        worker.onError?.(err);
        await new Promise((resolve) => setTimeout(resolve, Math.min(timeoutMs, 5_000)));
        if (stopped()) {
          return "stopped";
        }
      }
    }
  }

  async function startWorker(
    worker: MailWorkerOptions,
    stopped: () => boolean,
  ): Promise<BullMQ.Worker | undefined> {
    const { bull, queue } = await load();
    const perSecond = options.rateLimit?.maxPerSecond;
    const window = await rateWindow(worker, stopped);
    if (window === "stopped" || stopped()) {
      return undefined;
    }
    const processJob = async (job: BullMQ.Job<MailJobData, StoredOutcome>): Promise<StoredOutcome> => {
      const jobId = job.id ?? "";
      const step: JobStep = await attemptMailJob({
        jobId,
        message: deserializeMessage(job.data.message),
        attempt: job.attemptsMade + 1,
        previous: asProgressRecord(job.progress),
        // The record must be in Redis before the send starts: a crash then leaves "sending".
        saveProgress: (record) => job.updateProgress(record),
        mailer: worker.mailer,
        policy,
        retryUnknownOutcome,
        dailyQuotaDelayMs,
      });
      if (perSecond !== undefined && step.action !== "defer") {
        // Best effort: the message is already out, and a failed charge must not fail the job
        // (a failed job could be retried, and sent twice).
        await chargeExtraRecipients(queue, job.data.weight, perSecond).catch(() => undefined);
      }
      if (step.action === "complete") {
        return step.outcome;
      }
      if (step.action === "retry") {
        throw new RetryLater(step.delayMs, `retrying in ${step.delayMs} ms`);
      }
      if (step.action === "defer") {
        // Daily quota: hold every worker, and put the job back without spending an attempt.
        await queue.rateLimit(step.delayMs);
        throw new bull.RateLimitError();
      }
      throw new bull.UnrecoverableError(step.outcome.error.message);
    };
    const bullWorker = new bull.Worker<MailJobData, StoredOutcome>(name, processJob, {
      connection: workerConnection,
      prefix: options.prefix,
      autorun: false,
      concurrency: Math.max(1, Math.floor(worker.concurrency ?? 4)),
      lockDuration: worker.lockDurationMs ?? 30_000,
      stalledInterval: worker.stalledIntervalMs ?? 30_000,
      maxStalledCount: worker.maxStalledCount ?? 2,
      // BullMQ takes the limit from the queue but the window length from the worker first, and
      // ignores manual holds (queue.rateLimit: daily quota, extra recipients) when no limit is
      // set at all: mirror the queue's window, or set a limit that never binds.
      limiter: window ?? { max: Number.MAX_SAFE_INTEGER, duration: 1_000 },
      settings: { backoffStrategy: (_made, _type, err) => (err instanceof RetryLater ? err.delayMs : 0) },
    });
    const report = (job: BullMQ.Job<MailJobData, StoredOutcome> | undefined): void => {
      if (job?.id === undefined || worker.onResult === undefined) {
        return;
      }
      void result(job.id)
        .then((finished) => {
          if (
            finished !== undefined &&
            (finished.state === "sent" || finished.state === "failed" || finished.state === "unknown")
          ) {
            worker.onResult?.(finished);
          }
        })
        .catch(() => undefined);
    };
    bullWorker.on("completed", (job) => report(job));
    bullWorker.on("failed", (job) => report(job));
    bullWorker.on("error", (err) => worker.onError?.(err));
    void bullWorker.run().catch((err: Error) => worker.onError?.(err));
    return bullWorker;
  }

  const queue: MailQueue = {
    kind: "redis",
    async enqueue(message, enqueueOptions = {}) {
      const sendAt = enqueueOptions.sendAt ?? message.sendAt ?? undefined;
      const data: MailJobData = {
        message: serializeMessage(message),
        weight: messageWeight(message),
        sendAt: sendAt?.getTime(),
      };
      const job = await bounded("enqueue", (bullQueue) =>
        bullQueue.add(JOB_NAME, data, {
          jobId: enqueueOptions.jobId,
          delay: sendAt === undefined ? 0 : Math.max(0, sendAt.getTime() - Date.now()),
          attempts: policy?.maxAttempts ?? 1,
          backoff: { type: BACKOFF_TYPE },
          removeOnComplete: keep,
          removeOnFail: keep,
        }),
      );
      return job.id ?? "";
    },
    result,
    waitForResult: (jobId, waitOptions) => pollForResult(result, jobId, { pollMs: 100, ...waitOptions }),
    work(worker) {
      let closed = false;
      const started = startWorker(worker, () => closed);
      started.catch((err: Error) => worker.onError?.(err));
      const handle: MailWorker = {
        async close() {
          closed = true;
          workers.delete(handle);
          const bullWorker = await started.catch(() => undefined);
          if (bullWorker === undefined) {
            return;
          }
          // A graceful close waits for running jobs; with Redis gone it would wait for ever.
          const timer = deadline(Math.max(timeoutMs, 30_000), () => new Error("close timed out"));
          await Promise.race([bullWorker.close(), timer.promise]).catch(() => bullWorker.close(true));
          timer.clear();
        },
      };
      workers.add(handle);
      return handle;
    },
    async close() {
      await Promise.all([...workers].map((worker) => worker.close()));
      if (loaded === undefined) {
        return;
      }
      const opened = await loaded.catch(() => undefined);
      if (opened === undefined) {
        return;
      }
      // BullMQ's close waits for the connection to be ready first: only ask it when it is.
      if (client?.status === "ready") {
        const timer = deadline(timeoutMs, () => new Error("close timed out"));
        await Promise.race([opened.queue.close(), timer.promise]).catch(() => undefined);
        timer.clear();
      }
      if (client !== undefined) {
        await closeClient(client);
      }
    },
  };
  return queue;
}
