/**
 * Throttle-proof delivery: the retry policy, the recipient-weighted rate limiter, and mail
 * queues (in-process, or durable on BullMQ + Redis) with delayed sends.
 *
 * @example
 * ```ts
 * import { createMailQueue } from "mailroom-ses/queue";
 * const queue = createMailQueue({ redis: "redis://127.0.0.1:6379" }); // or { memory: true }
 * ```
 *
 * @module
 */
export { createMailQueue } from "./create-queue";
export { createMemoryMailQueue } from "./memory-queue";
export { createRedisMailQueue } from "./redis-queue";
export type {
  EnqueueOptions,
  FinishedMailJob,
  MailJobResult,
  MailJobState,
  MailQueue,
  MailQueueBaseOptions,
  MailQueueOptions,
  MailWorker,
  MailWorkerOptions,
  RedisConnectionOptions,
} from "./types";
export type { JobErrorInfo } from "./serialize";
export { QueueUnavailableError } from "../errors";
export { createRetryPolicy } from "./retry-policy";
export type { RetryDecision, RetryEvent, RetryOptions, RetryPolicy } from "./retry-policy";
export { classifySesError } from "./classify-error";
export type { ErrorClassification, ErrorKind } from "./classify-error";
export { createRateLimiter } from "./rate-limiter";
export type { RateLimiter, RateLimiterOptions } from "./rate-limiter";
export { messageWeight, sesRequestWeight } from "./recipient-weight";
export { readSesMaxSendRate } from "./ses-send-quota";
export { systemClock } from "./clock";
export type { Clock } from "./clock";
export type { SendManyOptions, SendManyResult } from "./send-many";
export { createEventQueue } from "./event-queue";
export type {
  EventQueue,
  EventQueueCounts,
  EventQueueOptions,
  EventWorker,
  EventWorkerOptions,
  FailedNotification,
  NotificationAttempt,
  NotificationHandler,
  QueuedNotification,
} from "./event-queue";
