/**
 * The Redis suppression list: shared by every process that sends or takes events, kept across
 * restarts. One Redis (the queue's, the deduplication store's) serves it too.
 *
 * Layout under the prefix: `e:<scope>` a hash address -> entry JSON (what a send checks, with
 * one HMGET per scope), `s:<scope>` the set of its addresses, `scopes` the set of scopes in use,
 * `t:<address>` a sorted set of transient bounces.
 *
 * @module
 */
import type { Redis as IORedis } from "ioredis";

import { ConfigurationError } from "../errors";
import { isExpired, pageLimit } from "./memory-suppression-store";
import { openRedis } from "./redis-connection";
import type { RedisHandle, RedisInput } from "./redis-connection";
import { suppressionKey } from "../message/suppression-key";
import { ACCOUNT_SCOPE, SUPPRESSION_REASONS } from "./suppression-store";
import type { SuppressionEntry, SuppressionReason, SuppressionStore } from "./suppression-store";

/**
 * Options of {@link createRedisSuppressionStore}.
 *
 * @example
 * ```ts
 * import type { RedisSuppressionStoreOptions } from "mailroom-ses";
 * const options: RedisSuppressionStoreOptions = { redis: "redis://127.0.0.1:6379", prefix: "shop:suppression:" };
 * ```
 */
export interface RedisSuppressionStoreOptions {
  /** A `redis://` URL, connection options, or an ioredis client (never closed by Mailroom). */
  redis: RedisInput;
  /** Key prefix (default `mailroom:suppression:`): give each application its own. */
  prefix?: string | undefined;
  /** The clock deciding expiry (ms since the epoch); default `Date.now`. */
  now?: (() => number) | undefined;
  /** Connection errors (Redis down…), which otherwise only surface as failed commands. */
  onError?: ((err: Error) => void) | undefined;
}

interface StoredEntry {
  reason: SuppressionReason;
  detail?: string;
  since: string;
  eventId?: string;
  expiresAt?: string;
}

function encode(entry: SuppressionEntry): string {
  const stored: StoredEntry = { reason: entry.reason, since: entry.since.toISOString() };
  if (entry.detail !== undefined) {
    stored.detail = entry.detail;
  }
  if (entry.eventId !== undefined) {
    stored.eventId = entry.eventId;
  }
  if (entry.expiresAt !== undefined) {
    stored.expiresAt = entry.expiresAt.toISOString();
  }
  return JSON.stringify(stored);
}

function decode(address: string, scope: string, json: string | null): SuppressionEntry {
  let stored: Partial<StoredEntry> = {};
  try {
    stored = json === null ? {} : (JSON.parse(json) as Partial<StoredEntry>);
  } catch {
    // Fail closed: an unreadable entry still suppresses (as `manual`).
  }
  const since = new Date(stored.since ?? 0);
  const entry: SuppressionEntry = {
    address,
    scope,
    reason: SUPPRESSION_REASONS.includes(stored.reason as SuppressionReason)
      ? (stored.reason as SuppressionReason)
      : "manual",
    since: Number.isNaN(since.getTime()) ? new Date(0) : since,
  };
  if (typeof stored.detail === "string") {
    entry.detail = stored.detail;
  }
  if (typeof stored.eventId === "string") {
    entry.eventId = stored.eventId;
  }
  if (typeof stored.expiresAt === "string") {
    entry.expiresAt = new Date(stored.expiresAt);
  }
  return entry;
}

// Remove an entry, only when its reason matches ARGV[2] (if given): atomic, so a bounce written
// between the read and the delete is never removed by a not-spam complaint.
const REMOVE_SCRIPT = `
local v = redis.call('HGET', KEYS[2], ARGV[1])
if not v then return 0 end
if ARGV[2] ~= '' then
  local ok, e = pcall(cjson.decode, v)
  if (not ok) or type(e) ~= 'table' or e.reason ~= ARGV[2] then return 0 end
end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('SREM', KEYS[1], ARGV[1])
return 1`;

/**
 * Create a Redis-backed {@link SuppressionStore}. The connection opens on first use.
 *
 * @example
 * ```ts
 * import { createMailer, amazonSes, createRedisSuppressionStore } from "mailroom-ses";
 * const suppression = createRedisSuppressionStore({ redis: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" });
 * const mailer = createMailer({ backend: amazonSes(), suppression });
 * ```
 */
export function createRedisSuppressionStore(options: RedisSuppressionStoreOptions): SuppressionStore {
  if (options === undefined || options === null || options.redis === undefined || options.redis === null) {
    throw new ConfigurationError(
      "createRedisSuppressionStore needs `redis` (a URL, options or an ioredis client)",
    );
  }
  const prefix = options.prefix ?? "mailroom:suppression:";
  const now = options.now ?? Date.now;
  let handle: Promise<RedisHandle> | undefined;
  const client = async (): Promise<IORedis> => {
    handle ??= openRedis(options.redis, options.onError);
    return (await handle).client;
  };
  const setKey = (scope: string): string => `${prefix}s:${scope}`;
  const hashKey = (scope: string): string => `${prefix}e:${scope}`;
  const scopesKey = `${prefix}scopes`;

  async function scopeList(redis: IORedis): Promise<string[]> {
    return (await redis.smembers(scopesKey)).sort();
  }

  return {
    async put(entry) {
      const redis = await client();
      const key = suppressionKey(entry.address);
      await redis
        .multi()
        .sadd(setKey(entry.scope), key)
        .hset(hashKey(entry.scope), key, encode(entry))
        .sadd(scopesKey, entry.scope)
        .exec();
    },
    async remove(address, scope = ACCOUNT_SCOPE, removeOptions = {}) {
      const redis = await client();
      const removed = await redis.eval(
        REMOVE_SCRIPT,
        2,
        setKey(scope),
        hashKey(scope),
        suppressionKey(address),
        removeOptions.onlyReason ?? "",
      );
      return removed === 1;
    },
    async get(address) {
      const redis = await client();
      const key = suppressionKey(address);
      const scopes = await scopeList(redis);
      const values = await Promise.all(scopes.map((scope) => redis.hget(hashKey(scope), key)));
      const at = now();
      const found: SuppressionEntry[] = [];
      values.forEach((json, i) => {
        if (json !== null) {
          const entry = decode(key, scopes[i] as string, json);
          if (!isExpired(entry, at)) {
            found.push(entry);
          }
        }
      });
      return found;
    },
    async check(keys, checkScopes) {
      const result = new Array<SuppressionEntry | undefined>(keys.length).fill(undefined);
      if (keys.length === 0) {
        return result;
      }
      const redis = await client();
      const order = [ACCOUNT_SCOPE, ...checkScopes.filter((scope) => scope !== ACCOUNT_SCOPE)];
      // One HMGET per scope, pipelined: one round trip answers membership and the entries at once
      // (a reply of mostly nils is no larger than SMISMEMBER's flags, and saves a second trip).
      const pipeline = redis.pipeline();
      for (const scope of order) {
        pipeline.hmget(hashKey(scope), ...keys);
      }
      const replies = (await pipeline.exec()) ?? [];
      const at = now();
      // Scopes in order (account first): the first live entry per address wins.
      replies.forEach(([err, values], s) => {
        if (err) {
          throw err;
        }
        const scope = order[s] as string;
        (values as (string | null)[]).forEach((json, index) => {
          if (json === null || result[index] !== undefined) {
            return;
          }
          const entry = decode(keys[index] as string, scope, json);
          if (!isExpired(entry, at)) {
            result[index] = entry;
          }
        });
      });
      return result;
    },
    async list(listOptions = {}) {
      const limit = pageLimit(listOptions.limit);
      const redis = await client();
      const scopes = listOptions.scope === undefined ? await scopeList(redis) : [listOptions.scope];
      let [scopeIndex, scanCursor] = [0, "0"];
      if (listOptions.cursor !== undefined) {
        const match = /^(\d{1,6}):(\d{1,20})$/.exec(listOptions.cursor);
        if (match === null) {
          throw new ConfigurationError("Invalid list cursor");
        }
        scopeIndex = Number(match[1]);
        scanCursor = match[2] as string;
      }
      const at = now();
      const entries: SuppressionEntry[] = [];
      while (scopeIndex < scopes.length && entries.length < limit) {
        const scope = scopes[scopeIndex] as string;
        const [next, flat] = await redis.hscan(hashKey(scope), scanCursor, "COUNT", limit - entries.length);
        for (let i = 0; i + 1 < flat.length; i += 2) {
          const entry = decode(flat[i] as string, scope, flat[i + 1] as string);
          if (!isExpired(entry, at)) {
            entries.push(entry);
          }
        }
        if (next === "0") {
          scopeIndex += 1;
          scanCursor = "0";
        } else {
          scanCursor = next;
        }
      }
      return { entries, cursor: scopeIndex < scopes.length ? `${scopeIndex}:${scanCursor}` : undefined };
    },
    async recordTransientBounce(address, eventKey, at, windowStart) {
      const redis = await client();
      const key = `${prefix}t:${suppressionKey(address)}`;
      const replies = await redis
        .multi()
        .zadd(key, "NX", at.getTime(), eventKey)
        .zremrangebyscore(key, "-inf", `(${windowStart.getTime()}`)
        .zcard(key)
        .pexpire(key, Math.max(1, at.getTime() - windowStart.getTime()))
        .exec();
      return Number(replies?.[2]?.[1] ?? 0);
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
