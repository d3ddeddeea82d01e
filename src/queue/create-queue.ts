/**
 * One entry point for both queues.
 *
 * @module
 */
import { createMemoryMailQueue } from "./memory-queue";
import { createRedisMailQueue } from "./redis-queue";
import type { MailQueue, MailQueueOptions } from "./types";

/**
 * Create a mail queue: durable on Redis through BullMQ when `redis` is given (jobs survive
 * restarts and are shared by every worker process), otherwise in this process's memory with the
 * same interface (jobs are lost when the process exits).
 *
 * @example
 * ```ts
 * import { createMailer, amazonSes } from "mailroom-ses";
 * import { createMailQueue } from "mailroom-ses/queue";
 *
 * const queue = createMailQueue({ redis: process.env.REDIS_URL, rateLimit: { maxPerSecond: 14 } });
 * const mailer = createMailer({ backend: amazonSes({ region: "us-east-1" }), queue });
 * queue.work({ mailer }); // in worker processes
 * const status = await mailer.send({ ...message, sendAt: tomorrowMorning });
 * status.jobId; // the delayed job; status.recipients[...].status === "scheduled"
 * ```
 */
export function createMailQueue(options: MailQueueOptions = {}): MailQueue {
  const { redis } = options;
  return redis === undefined ? createMemoryMailQueue(options) : createRedisMailQueue({ ...options, redis });
}
