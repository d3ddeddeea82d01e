/**
 * The Redis reputation store: rate counters and the pause flag shared by every process.
 * Layout under the prefix: `b:<bucketStart>` a hash {sent, bounces, complaints} with an expiry,
 * `e:<key>` once-markers, `pause` the pause state as JSON.
 *
 * @module
 */
import type { Redis as IORedis } from "ioredis";

import { ConfigurationError } from "../errors";
import { openRedis } from "./redis-connection";
import type { RedisHandle, RedisInput } from "./redis-connection";
import type { PauseState, ReputationCounts, ReputationStore } from "./reputation-store";

/**
 * Options of {@link createRedisReputationStore}.
 *
 * @example
 * ```ts
 * import type { RedisReputationStoreOptions } from "mailroom-ses";
 * const options: RedisReputationStoreOptions = { redis: "redis://127.0.0.1:6379", prefix: "shop:reputation:" };
 * ```
 */
export interface RedisReputationStoreOptions {
  /** A `redis://` URL, connection options, or an ioredis client (never closed by Mailroom). */
  redis: RedisInput;
  /** Key prefix (default `mailroom:reputation:`). */
  prefix?: string | undefined;
  /** Connection errors, which otherwise only surface as failed commands. */
  onError?: ((err: Error) => void) | undefined;
}

/** Most buckets one read may ask for: a window is bounded, never a scan of the keyspace. */
const MAX_BUCKETS = 10_000;

/**
 * Create a Redis-backed {@link ReputationStore}. The connection opens on first use.
 *
 * @example
 * ```ts
 * import { createRedisReputationStore, createReputationMonitor } from "mailroom-ses";
 * const monitor = createReputationMonitor({ store: createRedisReputationStore({ redis: "redis://127.0.0.1:6379" }) });
 * ```
 */
export function createRedisReputationStore(options: RedisReputationStoreOptions): ReputationStore {
  if (options === undefined || options === null || options.redis === undefined || options.redis === null) {
    throw new ConfigurationError(
      "createRedisReputationStore needs `redis` (a URL, options or an ioredis client)",
    );
  }
  const prefix = options.prefix ?? "mailroom:reputation:";
  let handle: Promise<RedisHandle> | undefined;
  const client = async (): Promise<IORedis> => {
    handle ??= openRedis(options.redis, options.onError);
    return (await handle).client;
  };
  const pauseKey = `${prefix}pause`;

  return {
    async add(bucketStart, counts, ttlMs) {
      const redis = await client();
      const key = `${prefix}b:${bucketStart}`;
      const multi = redis.multi();
      for (const field of ["sent", "bounces", "complaints"] as const) {
        const value = counts[field];
        if (value !== undefined && value !== 0) {
          multi.hincrby(key, field, value);
        }
      }
      await multi.pexpire(key, Math.max(1, Math.ceil(ttlMs))).exec();
    },
    async buckets(from, to, bucketMs) {
      const starts: number[] = [];
      const first = Math.ceil(from / bucketMs) * bucketMs;
      for (let start = first; start <= to && starts.length < MAX_BUCKETS; start += bucketMs) {
        starts.push(start);
      }
      const result = new Map<number, ReputationCounts>();
      if (starts.length === 0) {
        return result;
      }
      const redis = await client();
      const pipeline = redis.pipeline();
      for (const start of starts) {
        pipeline.hmget(`${prefix}b:${start}`, "sent", "bounces", "complaints");
      }
      const replies = (await pipeline.exec()) ?? [];
      replies.forEach(([err, values], i) => {
        if (err) {
          throw err;
        }
        const [sent, bounces, complaints] = values as (string | null)[];
        if (sent !== null || bounces !== null || complaints !== null) {
          result.set(starts[i] as number, {
            sent: Number(sent ?? 0),
            bounces: Number(bounces ?? 0),
            complaints: Number(complaints ?? 0),
          });
        }
      });
      return result;
    },
    async once(key, ttlMs) {
      const redis = await client();
      const set = await redis.set(`${prefix}e:${key}`, "1", "PX", Math.max(1, Math.ceil(ttlMs)), "NX");
      return set === "OK";
    },
    async getPause() {
      const redis = await client();
      const json = await redis.get(pauseKey);
      if (json === null) {
        return undefined;
      }
      try {
        const parsed = JSON.parse(json) as { reason?: unknown; since?: unknown; automatic?: unknown };
        const since = new Date(typeof parsed.since === "string" ? parsed.since : 0);
        return {
          reason: typeof parsed.reason === "string" ? parsed.reason : "paused",
          since: Number.isNaN(since.getTime()) ? new Date(0) : since,
          automatic: parsed.automatic === true,
        };
      } catch {
        // Fail closed: an unreadable flag still pauses (and only a manual resume clears it).
        return { reason: "paused (unreadable pause state)", since: new Date(0), automatic: false };
      }
    },
    async setPause(state: PauseState | undefined) {
      const redis = await client();
      if (state === undefined) {
        await redis.del(pauseKey);
      } else {
        await redis.set(
          pauseKey,
          JSON.stringify({
            reason: state.reason,
            since: state.since.toISOString(),
            automatic: state.automatic,
          }),
        );
      }
    },
    async close() {
      if (handle !== undefined) {
        const opened = handle;
        handle = undefined;
        await (await opened).close();
      }
    },
  };
}
