/**
 * One entry point for both queues.
 *
 * @module
 */
import { ConfigurationError } from "../errors";
import { createMemoryMailQueue } from "./memory-queue";
import { createRedisMailQueue } from "./redis-queue";
import type { MailQueue, MailQueueBaseOptions, MailQueueOptions, RedisConnectionOptions } from "./types";

function isRedisOption(value: unknown): boolean {
  return (typeof value === "string" && value.trim() !== "") || (typeof value === "object" && value !== null);
}

/**
 * Create a mail queue, of the kind asked for: durable on Redis through BullMQ with `redis` (jobs
 * survive restarts and are shared by every worker process), or in this process's memory with
 * `memory: true` (same interface; jobs are lost when the process exits).
 *
 * Why explicit: `redis: process.env.REDIS_URL` with the variable unset used to give a memory
 * queue without a word, and delayed mail was lost on the next restart.
 *
 * @throws ConfigurationError when neither (or both) of `redis` and `memory: true` is given, or
 *   `redis` is empty
 * @example
 * ```ts
 * import { createMailer, amazonSes } from "mailroom-ses";
 * import { createMailQueue } from "mailroom-ses/queue";
 *
 * const queue = createMailQueue({ redis: "redis://127.0.0.1:6379", rateLimit: { maxPerSecond: 14 } });
 * const mailer = createMailer({ backend: amazonSes({ region: "us-east-1" }), queue });
 * queue.work({ mailer }); // in worker processes
 *
 * const local = createMailQueue({ memory: true }); // tests, scripts: nothing survives a restart
 * ```
 */
export function createMailQueue(options: MailQueueOptions): MailQueue {
  const given = (options ?? {}) as { redis?: unknown; memory?: unknown };
  const wantsMemory = given.memory === true;
  const hasRedis = given.redis !== undefined && given.redis !== null;
  if (wantsMemory && hasRedis) {
    throw new ConfigurationError("createMailQueue: give either `redis` or `memory: true`, not both");
  }
  if (wantsMemory) {
    return createMemoryMailQueue(options);
  }
  if (!hasRedis) {
    throw new ConfigurationError(
      "createMailQueue needs `redis` (a redis:// URL or connection options) for a durable queue, or `memory: true` for an in-process one; `redis` was undefined (an unset environment variable?)",
    );
  }
  if (!isRedisOption(given.redis)) {
    throw new ConfigurationError(
      "createMailQueue: `redis` must be a non-empty redis:// URL or connection options",
    );
  }
  return createRedisMailQueue({
    ...(options as MailQueueBaseOptions),
    redis: given.redis as string | RedisConnectionOptions,
  });
}
