/**
 * The queue's public vocabulary, shared by the in-process queue and the BullMQ one.
 *
 * @module
 */
import type { MailScheduler, Mailer } from "../mailer";
import type { EmailMessage } from "../message/types";
import type { SendStatus } from "../send-status";
import type { RetryOptions } from "./retry-policy";
import type { JobErrorInfo } from "./serialize";

/**
 * Where a queued message is:
 * - `waiting`, `delayed` (until `sendAt`, or a retry's backoff), `active` (a worker has it);
 * - `sent`: the send returned a status (per-recipient results inside);
 * - `failed`: nothing was sent (a permanent error, or retries exhausted on failures that
 *   never reached SES);
 * - `unknown`: it may or may not have gone out (a request left without an answer, or a worker
 *   died while sending and `retryUnknownOutcome` is off). Never guessed either way.
 *
 * @example
 * ```ts
 * if ((await queue.result(jobId))?.state === "unknown") reconcile(jobId);
 * ```
 */
export type MailJobState = "waiting" | "delayed" | "active" | "sent" | "failed" | "unknown";

/**
 * A queued message's state and, once finished, its outcome.
 *
 * @example
 * ```ts
 * const result = await queue.result(jobId);
 * if (result?.state === "sent") console.log(result.status.messageId, result.possibleDuplicate);
 * ```
 */
export type MailJobResult =
  | {
      /** The job's id. */
      jobId: string;
      /** Not finished yet: waiting for a worker, delayed until `sendAt` or a retry, or being sent. */
      state: "waiting" | "delayed" | "active";
      /** Attempts made so far. */
      attempts: number;
      /** When it is due, for a delayed send. */
      sendAt: Date | undefined;
    }
  | FinishedMailJob;

/**
 * A finished job: what `onResult` receives and `waitForResult()` resolves with.
 *
 * @example
 * ```ts
 * queue.work({ mailer, onResult: (r) => r.state !== "sent" && alert(r.jobId, r.error.message) });
 * ```
 */
export type FinishedMailJob =
  | {
      /** The job's id. */
      jobId: string;
      /** Sent: SES accepted it. */
      state: "sent";
      /** Attempts made, the successful one included. */
      attempts: number;
      /** The send status of the attempt that succeeded. */
      status: SendStatus;
      /**
       * An earlier attempt may also have sent it (a worker died mid-send, or a request went
       * unanswered before the retry that succeeded): the recipient may get it twice.
       */
      possibleDuplicate: boolean;
    }
  | {
      /** The job's id. */
      jobId: string;
      /** `failed`: not sent, and not retried further; `unknown`: it may have been sent. */
      state: "failed" | "unknown";
      /** Attempts made. */
      attempts: number;
      /** The last attempt's error. */
      error: JobErrorInfo;
    };

/**
 * Options of `queue.enqueue()`.
 *
 * @example
 * ```ts
 * await queue.enqueue(message, { sendAt: new Date(Date.now() + 3_600_000), jobId: `welcome-${userId}` });
 * ```
 */
export interface EnqueueOptions {
  /** Send no earlier than this (default: the message's own `sendAt`, else now). */
  sendAt?: Date | undefined;
  /** Your own job id: enqueueing the same id twice keeps the first job (idempotent enqueue). */
  jobId?: string | undefined;
}

/**
 * Options of `queue.work()`.
 *
 * @example
 * ```ts
 * const worker = queue.work({ mailer, concurrency: 8, onResult: (r) => log(r) });
 * ```
 */
export interface MailWorkerOptions {
  /** Sends each message: usually a mailer over `amazonSes()`, with its own retry policy on. */
  mailer: Pick<Mailer, "send">;
  /** Jobs this worker runs at once (default 4). */
  concurrency?: number | undefined;
  /** Called in this process when a job this worker ran finishes. Errors it throws are ignored. */
  onResult?: ((result: FinishedMailJob) => void) | undefined;
  /** Redis queue only: connection and worker errors (BullMQ reconnects and carries on). */
  onError?: ((error: Error) => void) | undefined;
  /**
   * Redis queue only: how long a job stays locked to a worker without a heartbeat (default
   * 30,000 ms). A worker that dies holds its jobs this long before another worker takes them.
   */
  lockDurationMs?: number | undefined;
  /** Redis queue only: how often workers look for jobs of dead workers (default 30,000 ms). */
  stalledIntervalMs?: number | undefined;
  /** Redis queue only: times a job may be recovered from a dead worker before it fails (default 2). */
  maxStalledCount?: number | undefined;
}

/**
 * A worker started by `queue.work()`.
 *
 * @example
 * ```ts
 * process.on("SIGTERM", () => worker.close());
 * ```
 */
export interface MailWorker {
  /** Stop taking jobs and wait for the running ones to finish. */
  close(): Promise<void>;
}

/**
 * What every mail queue takes, in memory or on Redis.
 *
 * @example
 * ```ts
 * const base: MailQueueBaseOptions = { rateLimit: { maxPerSecond: 14 }, retry: { maxAttempts: 5 } };
 * ```
 */
export interface MailQueueBaseOptions {
  /** Queue name (default "mailroom"). */
  name?: string | undefined;
  /** Redis key prefix (default BullMQ's "bull"). */
  prefix?: string | undefined;
  /**
   * Recipients per second across every worker of this queue (your SES MaxSendRate, or less when
   * other senders share the account). See docs/throttling.md for how this maps onto BullMQ.
   */
  rateLimit?: { maxPerSecond: number } | undefined;
  /**
   * Job-level retries, on top of the backend's own (defaults: 3 attempts, 5 s base delay,
   * 5 min cap, 1 h total). `false`: one attempt per job.
   */
  retry?: RetryOptions | false | undefined;
  /** How long every worker waits after SES said the daily quota is exhausted (default 10 min). */
  dailyQuotaDelayMs?: number | undefined;
  /** Redis queue only: finished jobs kept for `result()` (default: 24 h and at most 100,000). */
  keepFinished?: { ageSeconds?: number; count?: number } | undefined;
  /**
   * Redis queue only: how long `enqueue()`, `result()` (and so `mailer.send({ sendAt })` and
   * `waitForResult()`) wait for Redis before failing with `QueueUnavailableError` (default
   * 5,000 ms, `REDIS_COMMAND_TIMEOUT_MS`).
   */
  operationTimeoutMs?: number | undefined;
  /**
   * Redis queue only: connection errors of the queue's own Redis client (it keeps reconnecting;
   * operations meanwhile fail with `QueueUnavailableError`). Default: ignored, never printed.
   */
  onError?: ((error: Error) => void) | undefined;
}

/**
 * Options of `createMailQueue()`: say which queue you want. `redis` (a `redis://` URL or
 * connection options) gives a durable BullMQ queue shared by every process that uses the same
 * Redis and name; `memory: true` an in-process queue whose jobs are lost when the process
 * exits. Neither (e.g. `redis: process.env.REDIS_URL` with the variable unset) is a
 * `ConfigurationError`, never a silent fallback to memory.
 *
 * @example
 * ```ts
 * const durable: MailQueueOptions = { redis: "redis://127.0.0.1:6379", rateLimit: { maxPerSecond: 14 } };
 * const inProcess: MailQueueOptions = { memory: true };
 * ```
 */
export type MailQueueOptions = MailQueueBaseOptions &
  (
    | {
        /** Where jobs live: a `redis://` URL or connection options. */
        redis: string | RedisConnectionOptions;
        /** Not with `redis`. */
        memory?: false | undefined;
      }
    | {
        /** An in-process queue (jobs are lost when the process exits). */
        memory: true;
        /** Not with `memory`. */
        redis?: undefined;
      }
  );

import type { RedisConnectionOptions } from "../store/redis-connection";
export type { RedisConnectionOptions };

/**
 * A mail queue: in-process, or durable on Redis through BullMQ, with the same interface. Pass it
 * to `createMailer({ queue })` to make `sendAt` work.
 *
 * @example
 * ```ts
 * const jobId = await queue.enqueue(message);
 * const result = await queue.waitForResult(jobId);
 * ```
 */
export interface MailQueue extends MailScheduler {
  /** "memory" or "redis". */
  readonly kind: "memory" | "redis";
  /**
   * Persist the message (attachment bytes included) and return its job id. A `sendAt` in the
   * future makes a delayed job. The message is stored as given: send defaults and hooks run in
   * the worker's mailer.
   */
  enqueue(message: EmailMessage, options?: EnqueueOptions): Promise<string>;
  /** The job's state and outcome, or undefined when there is no such job (or it expired). */
  result(jobId: string): Promise<MailJobResult | undefined>;
  /** Resolve when the job is finished (polling `result()`); rejects after `timeoutMs` (default 60 s). */
  waitForResult(jobId: string, options?: { timeoutMs?: number; pollMs?: number }): Promise<FinishedMailJob>;
  /** Start a worker in this process. */
  work(options: MailWorkerOptions): MailWorker;
  /** Close workers and connections. */
  close(): Promise<void>;
}
