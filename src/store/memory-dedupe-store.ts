/**
 * The in-memory {@link DedupeStore}: the default of every webhook, right for one process. Bounded
 * in size; entries lapse at their lease or keep time.
 *
 * @module
 */
import { checkDedupeDuration, type ClaimResult, type DedupeStore } from "./dedupe-store";

/**
 * Options of {@link createMemoryDedupeStore}.
 *
 * @example
 * ```ts
 * const options: MemoryDedupeStoreOptions = { maxEntries: 50_000 };
 * ```
 */
export interface MemoryDedupeStoreOptions {
  /**
   * The most ids kept (default 100,000, a few tens of MB at most). Past it the oldest entries are
   * forgotten first, so a flood of distinct ids costs memory only up to this bound.
   */
  maxEntries?: number | undefined;
  /** The clock, in ms since the epoch (default `Date.now`); tests pass a fake. */
  now?: (() => number) | undefined;
}

interface Entry {
  done: boolean;
  expiresAt: number;
}

const DEFAULT_MAX_ENTRIES = 100_000;

/**
 * Create an in-memory deduplication store. It protects one process only: behind a load balancer,
 * or to survive restarts, use `createRedisDedupeStore`.
 *
 * @throws TypeError when `maxEntries` is not a positive whole number.
 * @example
 * ```ts
 * import { amazonSesTrackingWebhook, createMemoryDedupeStore } from "mailroom-ses";
 *
 * const tracking = amazonSesTrackingWebhook({
 *   secret: process.env.MAILROOM_WEBHOOK_SECRET,
 *   dedupe: createMemoryDedupeStore({ maxEntries: 10_000 }),
 *   onEvent: (event) => console.log(event.eventType),
 * });
 * ```
 */
export function createMemoryDedupeStore(options: MemoryDedupeStoreOptions = {}): DedupeStore {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  if (!Number.isSafeInteger(maxEntries) || maxEntries <= 0) {
    throw new TypeError("maxEntries must be a positive whole number");
  }
  const now = options.now ?? Date.now;
  // A Map iterates in insertion order; every write re-inserts, so the front is the oldest write.
  const entries = new Map<string, Entry>();

  const live = (id: string, at: number): Entry | undefined => {
    const entry = entries.get(id);
    if (entry !== undefined && entry.expiresAt <= at) {
      entries.delete(id);
      return undefined;
    }
    return entry;
  };
  const put = (id: string, entry: Entry, at: number): void => {
    entries.delete(id);
    entries.set(id, entry);
    // Amortized O(1): drop lapsed entries at the front, then the oldest while over the bound.
    for (const [key, oldest] of entries) {
      if (oldest.expiresAt > at && entries.size <= maxEntries) {
        break;
      }
      entries.delete(key);
    }
  };

  return {
    async claim(id: string, leaseMs: number): Promise<ClaimResult> {
      checkDedupeDuration(leaseMs, "leaseMs");
      const at = now();
      const entry = live(id, at);
      if (entry !== undefined) {
        return entry.done ? "duplicate" : "in-flight";
      }
      put(id, { done: false, expiresAt: at + leaseMs }, at);
      return "claimed";
    },
    async complete(id: string, keepMs: number): Promise<void> {
      checkDedupeDuration(keepMs, "keepMs");
      const at = now();
      put(id, { done: true, expiresAt: at + keepMs }, at);
    },
    async release(id: string): Promise<void> {
      // A completed id stays completed: releasing is only for claims whose work failed.
      if (entries.get(id)?.done === false) {
        entries.delete(id);
      }
    },
  };
}
