/**
 * The durable event queue behind "acknowledge fast, process later": a webhook stores each
 * verified SNS notification here (and answers 200 once it is stored), and workers hand it to
 * the application with retries and backoff. Notifications that keep failing stay in a visible
 * failed set, to be listed and retried (`mailroom events failed`). BullMQ on Redis; bullmq is an
 * optional peer dependency, loaded on first use.
 *
 * This module knows nothing of SES: what a notification means is the worker's business.
 *
 * @module
 */
import { createHash } from "node:crypto";

import type * as BullMQ from "bullmq";

import { ConfigurationError } from "../errors";
import type { RedisInput } from "../store/redis-connection";

/**
 * One verified SNS notification, as stored in the queue.
 *
 * @example
 * ```ts
 * const notification: QueuedNotification = {
 *   messageId: envelope.MessageId, timestamp: envelope.Timestamp, topicArn: envelope.TopicArn, message: envelope.Message,
 * };
 * ```
 */
export interface QueuedNotification {
  /** The SNS `MessageId` (also the job id, so a redelivery cannot be queued twice). */
  messageId: string;
  /** The SNS `Timestamp`. */
  timestamp: string;
  /** The SNS `TopicArn`. */
  topicArn: string;
  /** The SNS `Message`: the SES event JSON, exactly as received. */
  message: string;
}

/**
 * Options of {@link createEventQueue}.
 *
 * @example
 * ```ts
 * const options: EventQueueOptions = { redis: "redis://127.0.0.1:6379", attempts: 10, backoffMs: 2_000 };
 * ```
 */
export interface EventQueueOptions {
  /** A `redis://` URL, connection options, or an ioredis client (created with `maxRetriesPerRequest: null`). */
  redis: RedisInput;
  /** The queue's name (default `"mailroom-events"`); one per kind of event (tracking, inbound). */
  name?: string | undefined;
  /** BullMQ key prefix (default BullMQ's, `"bull"`). */
  prefix?: string | undefined;
  /** Attempts per notification before it lands in the failed set (default 10). */
  attempts?: number | undefined;
  /** The first retry's delay; each next one doubles (default 2,000 ms: 2 s … 17 min in all). */
  backoffMs?: number | undefined;
  /**
   * How long a handled notification is kept (default 7,200 s). While kept, a redelivery of the
   * same `MessageId` is not queued again.
   */
  keepCompletedSeconds?: number | undefined;
  /** How many failed notifications are kept (default 100,000; the oldest go first). */
  keepFailed?: number | undefined;
  /** Told about Redis connection errors of the queue (it keeps reconnecting); default: ignored. */
  onError?: ((error: Error) => void) | undefined;
}

/**
 * What a worker's handler gets besides the notification: which attempt this is, and how far a
 * previous attempt got (so a retry can skip the events already handled).
 *
 * @example
 * ```ts
 * const handler: NotificationHandler = async (notification, attempt) => {
 *   for (const [i, event] of events(notification).entries()) {
 *     if (i < attempt.done) continue;
 *     await onEvent(event);
 *     await attempt.markDone(i + 1);
 *   }
 * };
 * ```
 */
export interface NotificationAttempt {
  /** 1 for the first attempt. */
  readonly number: number;
  /** How many of the notification's events earlier attempts handled. */
  readonly done: number;
  /** Record that the first `count` events are handled (stored in Redis before returning). */
  markDone(count: number): Promise<void>;
}

/**
 * Handles one queued notification; throwing schedules a retry (or, after the last attempt,
 * moves it to the failed set).
 *
 * @example
 * ```ts
 * const handler: NotificationHandler = async ({ message }) => { await db.insert(JSON.parse(message)); };
 * ```
 */
export type NotificationHandler = (
  notification: QueuedNotification,
  attempt: NotificationAttempt,
) => Promise<void>;

/**
 * Options of {@link EventQueue.work}.
 *
 * @example
 * ```ts
 * const options: EventWorkerOptions = { concurrency: 8, onError: (err) => logger.error(err.message) };
 * ```
 */
export interface EventWorkerOptions {
  /** Notifications handled at once by this worker (default 4). */
  concurrency?: number | undefined;
  /** How long a worker holds a notification before another may take it over (default 30,000 ms). */
  lockDurationMs?: number | undefined;
  /** How often stalled notifications (their worker died) are looked for (default 30,000 ms). */
  stalledIntervalMs?: number | undefined;
  /** Told about each failed attempt and about Redis errors. */
  onError?: ((error: Error, notification?: QueuedNotification) => void) | undefined;
}

/**
 * A running worker.
 *
 * @example
 * ```ts
 * const worker: EventWorker = queue.work(handler);
 * process.on("SIGTERM", () => void worker.close());
 * ```
 */
export interface EventWorker {
  /** Resolves once the worker is connected and taking notifications. */
  ready(): Promise<void>;
  /** Stop taking notifications and wait for the ones in hand to finish. */
  close(): Promise<void>;
}

/**
 * A notification that used up its attempts.
 *
 * @example
 * ```ts
 * const [first]: FailedNotification[] = await queue.listFailed();
 * console.log(first?.messageId, first?.error);
 * ```
 */
export interface FailedNotification {
  /** The SNS `MessageId`. */
  messageId: string;
  /** Attempts made. */
  attempts: number;
  /** The last error's message. */
  error: string;
  /** When it failed for the last time. */
  failedAt: Date | undefined;
  /** The notification itself. */
  notification: QueuedNotification;
}

/**
 * How many notifications are in each state.
 *
 * @example
 * ```ts
 * const { failed }: EventQueueCounts = await queue.counts();
 * ```
 */
export interface EventQueueCounts {
  /** Waiting to be handled. */
  waiting: number;
  /** Being handled now. */
  active: number;
  /** Waiting for a retry. */
  delayed: number;
  /** Handled (kept for `keepCompletedSeconds`). */
  completed: number;
  /** Out of attempts: see `listFailed`. */
  failed: number;
}

/**
 * A durable queue of verified SNS notifications.
 *
 * @example
 * ```ts
 * const queue: EventQueue = createEventQueue({ redis: "redis://127.0.0.1:6379" });
 * await queue.add(notification);
 * ```
 */
export interface EventQueue {
  /** The queue's name. */
  readonly name: string;
  /** Store a notification; resolves once Redis has it. A `MessageId` already queued is ignored. */
  add(notification: QueuedNotification): Promise<void>;
  /** Start a worker in this process that hands each notification to `handler`. */
  work(handler: NotificationHandler, options?: EventWorkerOptions): EventWorker;
  /** The failed set, newest first (`limit` default 100, at most 1,000). */
  listFailed(options?: {
    offset?: number | undefined;
    limit?: number | undefined;
  }): Promise<FailedNotification[]>;
  /** Put failed notifications back in line with fresh attempts: the given ids, or all of them. */
  retryFailed(messageIds?: readonly string[]): Promise<string[]>;
  /** How many notifications are in each state. */
  counts(): Promise<EventQueueCounts>;
  /** Close the queue's connections (workers started by `work` included). */
  close(): Promise<void>;
}

interface JobData {
  notification: QueuedNotification;
}

interface Progress {
  done: number;
}

type EventBullQueue = BullMQ.Queue<JobData, void>;

const JOB_NAME = "sns-notification";
const MAX_LIST = 1_000;

async function loadBullMQ(): Promise<typeof BullMQ> {
  try {
    return await import("bullmq");
  } catch (cause) {
    throw new ConfigurationError(
      "The durable event queue needs the optional peer dependency bullmq (npm install bullmq)",
      {
        cause,
      },
    );
  }
}

/**
 * The BullMQ job id of a notification: the MessageId itself when it is a plain token (SNS's are
 * UUIDs), otherwise its hash. BullMQ refuses ids with ':' and all-digit ids.
 */
function jobIdOf(messageId: string): string {
  return /^[A-Za-z0-9_-]{1,128}$/.test(messageId) && !/^\d+$/.test(messageId)
    ? messageId
    : `h-${createHash("sha256").update(messageId).digest("hex")}`;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  const result = value ?? fallback;
  if (!Number.isSafeInteger(result) || result <= 0) {
    throw new TypeError(`createEventQueue: ${name} must be a positive whole number`);
  }
  return result;
}

function doneOf(progress: unknown): number {
  const done = (progress as Progress | undefined)?.done;
  return typeof done === "number" && Number.isSafeInteger(done) && done > 0 ? done : 0;
}

/**
 * Create a durable event queue on BullMQ and Redis. Every process using the same Redis, prefix
 * and name shares it: webhooks on some, workers on others, or both in one.
 *
 * @throws TypeError when an option is invalid; ConfigurationError (on first use) without bullmq.
 * @example
 * ```ts
 * import { createEventQueue } from "mailroom-ses/queue";
 *
 * const queue = createEventQueue({ redis: process.env.REDIS_URL ?? "redis://127.0.0.1:6379", name: "ses-tracking" });
 * for (const failed of await queue.listFailed()) console.log(failed.messageId, failed.error);
 * await queue.retryFailed();
 * await queue.close();
 * ```
 */
export function createEventQueue(options: EventQueueOptions): EventQueue {
  if (options?.redis === undefined || options.redis === null) {
    throw new TypeError("createEventQueue: redis must be a URL, connection options or an ioredis client");
  }
  const name = options.name ?? "mailroom-events";
  const attempts = positive(options.attempts, 10, "attempts");
  const backoffMs = positive(options.backoffMs, 2_000, "backoffMs");
  const keepCompleted = positive(options.keepCompletedSeconds, 7_200, "keepCompletedSeconds");
  const keepFailed = positive(options.keepFailed, 100_000, "keepFailed");
  const connection = (
    typeof options.redis === "string" ? { url: options.redis } : options.redis
  ) as BullMQ.ConnectionOptions;
  const workers = new Set<EventWorker>();
  let loaded: Promise<{ bull: typeof BullMQ; queue: EventBullQueue }> | undefined;
  const load = () =>
    (loaded ??= loadBullMQ().then((bull) => {
      const queue = new bull.Queue<JobData, void>(name, { connection, prefix: options.prefix });
      // Without a listener every connection error is printed as an unhandled "error" event.
      queue.on("error", (error: Error) => options.onError?.(error));
      return { bull, queue };
    }));

  const toFailed = (job: BullMQ.Job<JobData, void>): FailedNotification => ({
    messageId: job.data.notification.messageId,
    attempts: job.attemptsMade,
    error: job.failedReason ?? "failed",
    failedAt: job.finishedOn === undefined ? undefined : new Date(job.finishedOn),
    notification: job.data.notification,
  });

  return {
    name,
    async add(notification) {
      const { queue } = await load();
      await queue.add(
        JOB_NAME,
        { notification },
        {
          jobId: jobIdOf(notification.messageId),
          attempts,
          backoff: { type: "exponential", delay: backoffMs },
          removeOnComplete: { age: keepCompleted },
          removeOnFail: { count: keepFailed },
        },
      );
    },

    work(handler, workerOptions = {}) {
      let bullWorker: BullMQ.Worker<JobData, void> | undefined;
      let closed = false;
      const started = load().then(async ({ bull }) => {
        if (closed) {
          return;
        }
        const processJob = async (job: BullMQ.Job<JobData, void>): Promise<void> => {
          const attempt: NotificationAttempt = {
            number: job.attemptsMade + 1,
            done: doneOf(job.progress),
            markDone: (count) => job.updateProgress({ done: count } satisfies Progress),
          };
          await handler(job.data.notification, attempt);
        };
        bullWorker = new bull.Worker<JobData, void>(name, processJob, {
          connection,
          prefix: options.prefix,
          concurrency: Math.max(1, Math.floor(workerOptions.concurrency ?? 4)),
          lockDuration: workerOptions.lockDurationMs ?? 30_000,
          stalledInterval: workerOptions.stalledIntervalMs ?? 30_000,
        });
        bullWorker.on("failed", (job, error) => workerOptions.onError?.(error, job?.data.notification));
        bullWorker.on("error", (error) => workerOptions.onError?.(error));
        await bullWorker.waitUntilReady();
      });
      const worker: EventWorker = {
        ready: () => started,
        async close() {
          closed = true;
          workers.delete(worker);
          await started.catch(() => undefined);
          await bullWorker?.close();
        },
      };
      workers.add(worker);
      return worker;
    },

    async listFailed(listOptions = {}) {
      const { queue } = await load();
      const offset = Math.max(0, Math.floor(listOptions.offset ?? 0));
      const limit = Math.min(MAX_LIST, Math.max(1, Math.floor(listOptions.limit ?? 100)));
      const jobs = (await queue.getFailed(offset, offset + limit - 1)) as BullMQ.Job<JobData, void>[];
      return jobs.filter((job) => job?.data?.notification !== undefined).map(toFailed);
    },

    async retryFailed(messageIds) {
      const { queue } = await load();
      const retried: string[] = [];
      const retry = async (job: BullMQ.Job<JobData, void> | undefined | null): Promise<void> => {
        if (job === undefined || job === null || !(await job.isFailed())) {
          return;
        }
        // Fresh attempts, and the progress kept: events already handled are not handled again.
        await job.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
        retried.push(job.data.notification.messageId);
      };
      if (messageIds !== undefined) {
        for (const id of messageIds) {
          await retry((await queue.getJob(jobIdOf(id))) as BullMQ.Job<JobData, void> | undefined);
        }
        return retried;
      }
      // Always the first page: every retry takes a job out of the set. Bounded by the count at
      // the start, so notifications that fail again at once are not retried in a loop.
      const total = await queue.getFailedCount();
      while (retried.length < total) {
        const batch = (await queue.getFailed(0, MAX_LIST - 1)) as BullMQ.Job<JobData, void>[];
        const before = retried.length;
        for (const job of batch.slice(0, total - retried.length)) {
          await retry(job);
        }
        if (retried.length === before) {
          break;
        }
      }
      return retried;
    },

    async counts() {
      const { queue } = await load();
      const counts = await queue.getJobCounts("waiting", "active", "delayed", "completed", "failed");
      return {
        waiting: counts.waiting ?? 0,
        active: counts.active ?? 0,
        delayed: counts.delayed ?? 0,
        completed: counts.completed ?? 0,
        failed: counts.failed ?? 0,
      };
    },

    async close() {
      await Promise.all([...workers].map((worker) => worker.close()));
      if (loaded !== undefined) {
        const { queue } = await loaded.catch(() => ({ queue: undefined }));
        loaded = undefined;
        await queue?.close();
      }
    },
  };
}
