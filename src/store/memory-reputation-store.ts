/**
 * The in-memory reputation store: counters and pause flag for one process.
 *
 * @module
 */
import type { PauseState, ReputationCounts, ReputationStore } from "./reputation-store";

/**
 * Create an in-memory {@link ReputationStore}. Use the Redis one to share rates and the pause flag
 * between processes (every sender must see a pause).
 *
 * @example
 * ```ts
 * import { createMemoryReputationStore, createReputationMonitor } from "mailroom-ses";
 * const monitor = createReputationMonitor({ store: createMemoryReputationStore() });
 * ```
 */
export function createMemoryReputationStore(
  options: { now?: (() => number) | undefined } = {},
): ReputationStore {
  const now = options.now ?? Date.now;
  const buckets = new Map<number, { counts: ReputationCounts; expires: number }>();
  const seen = new Map<string, number>();
  let pause: PauseState | undefined;

  function prune(at: number): void {
    for (const [start, bucket] of buckets) {
      if (bucket.expires <= at) {
        buckets.delete(start);
      }
    }
    for (const [key, expires] of seen) {
      if (expires <= at) {
        seen.delete(key);
      }
    }
  }

  return {
    async add(bucketStart, counts, ttlMs) {
      const at = now();
      let bucket = buckets.get(bucketStart);
      if (bucket === undefined) {
        bucket = { counts: { sent: 0, bounces: 0, complaints: 0 }, expires: 0 };
        buckets.set(bucketStart, bucket);
      }
      bucket.counts.sent += counts.sent ?? 0;
      bucket.counts.bounces += counts.bounces ?? 0;
      bucket.counts.complaints += counts.complaints ?? 0;
      bucket.expires = Math.max(bucket.expires, at + ttlMs);
    },
    async buckets(from, to) {
      prune(now());
      const result = new Map<number, ReputationCounts>();
      for (const [start, bucket] of buckets) {
        if (start >= from && start <= to) {
          result.set(start, { ...bucket.counts });
        }
      }
      return result;
    },
    async once(key, ttlMs) {
      const at = now();
      const expires = seen.get(key);
      if (expires !== undefined && expires > at) {
        return false;
      }
      seen.set(key, at + ttlMs);
      return true;
    },
    async getPause() {
      return pause === undefined ? undefined : { ...pause };
    },
    async setPause(state) {
      pause = state === undefined ? undefined : { ...state };
    },
    async close() {},
  };
}
