/**
 * The Redis {@link DedupeStore}: one deduplication record per event id, shared by every process
 * that points at the same Redis (the engine the durable queue already uses).
 *
 * A claim is `SET key <token> NX PX lease`-like (atomic in one script that also tells a completed
 * id from an in-flight one); completing overwrites it with `done` for the keep time; releasing
 * deletes it only while it still holds this process's token, so a process whose lease lapsed
 * cannot drop the claim another process has taken since.
 *
 * @module
 */
import { randomUUID } from "node:crypto";

import type { Redis as IORedis } from "ioredis";

import { checkDedupeDuration, type ClaimResult, type DedupeStore } from "./dedupe-store";
import { openRedis, type RedisInput } from "./redis-connection";

/**
 * Options of {@link createRedisDedupeStore}.
 *
 * @example
 * ```ts
 * const options: RedisDedupeStoreOptions = { redis: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" };
 * ```
 */
export interface RedisDedupeStoreOptions {
  /** A `redis://` URL, connection options, or an ioredis client (then never closed by Mailroom). */
  redis: RedisInput;
  /** Key prefix (default `"mailroom:dedupe:"`); give each application sharing a Redis its own. */
  prefix?: string | undefined;
  /** Told about connection errors (the store keeps reconnecting); default: ignored. */
  onError?: ((error: Error) => void) | undefined;
}

/**
 * A {@link DedupeStore} in Redis, with `close()` for the connection it opened.
 *
 * @example
 * ```ts
 * import { createRedisDedupeStore, type RedisDedupeStore } from "mailroom-ses";
 * const store: RedisDedupeStore = createRedisDedupeStore({ redis: "redis://127.0.0.1:6379" });
 * await store.close();
 * ```
 */
export interface RedisDedupeStore extends DedupeStore {
  /** Close the Redis connection if the store opened it (a client passed in is left open). */
  close(): Promise<void>;
}

const DONE = "done";
const MAX_TOKENS = 100_000;

// Returns 1 when claimed, 2 when the id is done, 3 when another claim holds it.
const CLAIM_SCRIPT = `
local value = redis.call('GET', KEYS[1])
if not value then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if value == '${DONE}' then return 2 end
return 3`;

// Deletes the claim only if it is still ours.
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

type ScriptClient = IORedis & {
  mailroomDedupeClaim(key: string, token: string, leaseMs: number): Promise<number>;
  mailroomDedupeRelease(key: string, token: string): Promise<number>;
};

const CLAIMS: Readonly<Record<number, ClaimResult>> = { 1: "claimed", 2: "duplicate", 3: "in-flight" };

/**
 * Create a Redis-backed deduplication store, shared by every webhook instance (and every other
 * intake route) that uses the same Redis and prefix. ioredis is loaded on first use.
 *
 * @throws ConfigurationError (from the first operation) when ioredis is not installed.
 * @example
 * ```ts
 * import { amazonSesTrackingWebhook, createRedisDedupeStore } from "mailroom-ses";
 *
 * const dedupe = createRedisDedupeStore({ redis: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" });
 * const tracking = amazonSesTrackingWebhook({
 *   secret: process.env.MAILROOM_WEBHOOK_SECRET,
 *   dedupe,
 *   onEvent: (event) => console.log(event.eventType, event.recipient),
 * });
 * ```
 */
export function createRedisDedupeStore(options: RedisDedupeStoreOptions): RedisDedupeStore {
  if (options?.redis === undefined || options.redis === null) {
    throw new TypeError(
      "createRedisDedupeStore: redis must be a URL, connection options or an ioredis client",
    );
  }
  const prefix = options.prefix ?? "mailroom:dedupe:";
  if (typeof prefix !== "string") {
    throw new TypeError("createRedisDedupeStore: prefix must be a string");
  }
  // The token of each claim this process holds, so release() deletes only its own claim.
  const tokens = new Map<string, string>();
  let opened: ReturnType<typeof open> | undefined;
  function open() {
    return openRedis(options.redis, options.onError).then((handle) => {
      const client = handle.client as ScriptClient;
      if (typeof client.mailroomDedupeClaim !== "function") {
        client.defineCommand("mailroomDedupeClaim", { numberOfKeys: 1, lua: CLAIM_SCRIPT });
        client.defineCommand("mailroomDedupeRelease", { numberOfKeys: 1, lua: RELEASE_SCRIPT });
      }
      return { client, close: handle.close };
    });
  }
  const connection = () => {
    opened ??= open().catch((error: unknown) => {
      opened = undefined;
      throw error;
    });
    return opened;
  };

  return {
    async claim(id: string, leaseMs: number): Promise<ClaimResult> {
      checkDedupeDuration(leaseMs, "leaseMs");
      const { client } = await connection();
      const token = `claim:${randomUUID()}`;
      const result = CLAIMS[await client.mailroomDedupeClaim(prefix + id, token, leaseMs)];
      if (result === undefined) {
        throw new Error("Unexpected reply from the Redis dedupe claim script");
      }
      if (result === "claimed") {
        tokens.set(id, token);
        // Bounded: a caller that never completes nor releases must not grow this for ever (the
        // oldest token dropped only means its claim lapses at its lease instead of on release).
        if (tokens.size > MAX_TOKENS) {
          const oldest = tokens.keys().next();
          if (oldest.done !== true) {
            tokens.delete(oldest.value);
          }
        }
      }
      return result;
    },
    async complete(id: string, keepMs: number): Promise<void> {
      checkDedupeDuration(keepMs, "keepMs");
      const { client } = await connection();
      // Unconditional: the work is done, whoever holds the claim now.
      await client.set(prefix + id, DONE, "PX", keepMs);
      tokens.delete(id);
    },
    async release(id: string): Promise<void> {
      const token = tokens.get(id);
      if (token === undefined) {
        return;
      }
      tokens.delete(id);
      const { client } = await connection();
      await client.mailroomDedupeRelease(prefix + id, token);
    },
    async close(): Promise<void> {
      const current = opened;
      opened = undefined;
      if (current !== undefined) {
        await (await current).close();
      }
    },
  };
}
