/**
 * One Redis connection option for everything Mailroom keeps in Redis: the queue, event
 * deduplication, suppression, rate counters and the pause flag.
 *
 * @module
 */
import type * as IORedisModule from "ioredis";
import type { Redis as IORedis, RedisOptions } from "ioredis";

import { ConfigurationError } from "../errors";

/**
 * Redis connection options (ioredis options, or `{ url }`).
 *
 * @example
 * ```ts
 * const redis: RedisConnectionOptions = { host: "10.0.0.5", port: 6379, password: process.env.REDIS_PASSWORD };
 * ```
 */
export interface RedisConnectionOptions {
  /** A `redis://` or `rediss://` URL. */
  url?: string | undefined;
  /** Host name (default 127.0.0.1). */
  host?: string | undefined;
  /** Port (default 6379). */
  port?: number | undefined;
  /** ACL user name. */
  username?: string | undefined;
  /** Password. */
  password?: string | undefined;
  /** Database number. */
  db?: number | undefined;
  /** Any other ioredis option, passed through. */
  [option: string]: unknown;
}

/**
 * Where a store keeps its state: a `redis://` URL, connection options, or an ioredis client you
 * already have (Mailroom then never closes it).
 *
 * @example
 * ```ts
 * const input: RedisInput = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
 * ```
 */
export type RedisInput = string | RedisConnectionOptions | IORedis;

/** An open client and whether Mailroom opened it (and so must close it). */
export interface RedisHandle {
  /** The ioredis client. */
  readonly client: IORedis;
  /** Close the client if Mailroom opened it; a no-op for a client the caller passed in. */
  close(): Promise<void>;
}

/**
 * How long a command may wait for Redis before it fails with a typed error. Why bounded: with
 * ioredis's defaults a command queued while Redis is down waits for ever (and the client prints
 * "Unhandled error event" stacks), which would hang a webhook until SNS gives up.
 */
export const REDIS_COMMAND_TIMEOUT_MS = 5_000;

function isClient(input: RedisInput): input is IORedis {
  return (
    typeof input === "object" &&
    input !== null &&
    typeof (input as { sendCommand?: unknown }).sendCommand === "function"
  );
}

/**
 * Open (or adopt) an ioredis client with bounded failure: commands time out after
 * {@link REDIS_COMMAND_TIMEOUT_MS}, connection errors are handed to `onError` instead of being
 * printed as unhandled, and reconnection keeps going in the background.
 *
 * ioredis is loaded on first use (it comes with the optional `bullmq` peer, or install `ioredis`).
 *
 * @example
 * ```ts
 * const { client, close } = await openRedis("redis://127.0.0.1:6379");
 * await client.set("k", "v");
 * await close();
 * ```
 */
export async function openRedis(input: RedisInput, onError?: (err: Error) => void): Promise<RedisHandle> {
  if (isClient(input)) {
    return { client: input, close: async () => {} };
  }
  let mod: typeof IORedisModule;
  try {
    mod = await import("ioredis");
  } catch {
    throw new ConfigurationError(
      "A Redis store needs the ioredis package: npm install ioredis (or bullmq, which brings it)",
    );
  }
  const Redis = (mod.default ?? (mod as unknown as { Redis: typeof mod.default }).Redis) as unknown as new (
    ...args: unknown[]
  ) => IORedis;
  const { url, ...rest } = typeof input === "string" ? { url: input } : input;
  const options: RedisOptions = {
    connectTimeout: REDIS_COMMAND_TIMEOUT_MS,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    ...(rest as RedisOptions),
  };
  const client = url === undefined ? new Redis(options) : new Redis(url, options);
  // Without a listener ioredis prints every connection error as "Unhandled error event".
  client.on("error", (err: Error) => onError?.(err));
  return {
    client,
    close: async () => {
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    },
  };
}
