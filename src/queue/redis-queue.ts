/**
 * The durable mail queue on BullMQ and Redis. bullmq is an optional peer dependency, loaded on
 * first use, so code that only uses the in-process queue never needs it installed.
 *
 * @module
 */
import type * as BullMQ from "bullmq";

import { ConfigurationError } from "../errors";
import { finishedResult, pollForResult } from "./job-result";
import { asProgressRecord, attemptMailJob } from "./process-job";
import type { JobStep, StoredOutcome } from "./process-job";
import { QUEUE_RETRY_DEFAULTS, retriesUnknownOutcome } from "./queue-defaults";
import { messageWeight } from "./recipient-weight";
import { chargeExtraRecipients, globalRateWindow } from "./redis-rate";
import { createRetryPolicy } from "./retry-policy";
import { deserializeMessage, serializeMessage } from "./serialize";
import type { MailJobResult, MailQueue, MailQueueOptions, MailWorker, MailWorkerOptions } from "./types";

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
  options: MailQueueOptions & { redis: NonNullable<MailQueueOptions["redis"]> },
): MailQueue {
  const name = options.name ?? "mailroom";
  const connection = (
    typeof options.redis === "string" ? { url: options.redis } : options.redis
  ) as BullMQ.ConnectionOptions;
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

  const load = () =>
    (loaded ??= loadBullMQ().then((bull) => ({
      bull,
      queue: new bull.Queue<MailJobData, StoredOutcome>(name, { connection, prefix: options.prefix }),
    })));

  async function result(jobId: string): Promise<MailJobResult | undefined> {
    const { queue } = await load();
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

  async function startWorker(
    worker: MailWorkerOptions,
    stopped: () => boolean,
  ): Promise<BullMQ.Worker | undefined> {
    const { bull, queue } = await load();
    const perSecond = options.rateLimit?.maxPerSecond;
    let window = perSecond === undefined ? null : globalRateWindow(perSecond);
    if (window !== null) {
      await queue.setGlobalRateLimit(window.max, window.duration);
    } else {
      window = await queue.getGlobalRateLimit();
    }
    if (stopped()) {
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
      connection,
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
      const { queue: bullQueue } = await load();
      const sendAt = enqueueOptions.sendAt ?? message.sendAt ?? undefined;
      const data: MailJobData = {
        message: serializeMessage(message),
        weight: messageWeight(message),
        sendAt: sendAt?.getTime(),
      };
      const job = await bullQueue.add(JOB_NAME, data, {
        jobId: enqueueOptions.jobId,
        delay: sendAt === undefined ? 0 : Math.max(0, sendAt.getTime() - Date.now()),
        attempts: policy?.maxAttempts ?? 1,
        backoff: { type: BACKOFF_TYPE },
        removeOnComplete: keep,
        removeOnFail: keep,
      });
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
          await bullWorker?.close();
        },
      };
      workers.add(handle);
      return handle;
    },
    async close() {
      await Promise.all([...workers].map((worker) => worker.close()));
      if (loaded !== undefined) {
        const { queue: bullQueue } = await loaded;
        await bullQueue.close();
      }
    },
  };
  return queue;
}
