/**
 * The in-memory suppression list: the embedded default for one process.
 *
 * @module
 */
import { ConfigurationError } from "../errors";
import { suppressionKey } from "../message/suppression-key";
import { ACCOUNT_SCOPE } from "./suppression-store";
import type { SuppressionEntry, SuppressionPage, SuppressionStore } from "./suppression-store";

const DEFAULT_PAGE = 100;
/** Addresses with transient bounces kept before a sweep of those outside the window. */
const MAX_TRACKED_ADDRESSES = 100_000;
const MAX_PAGE = 1_000;

/** The page size a list call asked for, bounded (shared by both stores). */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) {
    return DEFAULT_PAGE;
  }
  if (!Number.isInteger(limit) || limit < 1) {
    throw new ConfigurationError("`limit` must be a positive integer");
  }
  return Math.min(limit, MAX_PAGE);
}

/** True when an entry has expired at `now` (ms). */
export function isExpired(entry: SuppressionEntry, now: number): boolean {
  return entry.expiresAt !== undefined && entry.expiresAt.getTime() <= now;
}

/**
 * Options of {@link createMemorySuppressionStore}.
 *
 * @example
 * ```ts
 * import { createMemorySuppressionStore } from "mailroom-ses";
 * const store = createMemorySuppressionStore({ now: () => Date.now() });
 * ```
 */
export interface MemorySuppressionStoreOptions {
  /** The clock deciding expiry (ms since the epoch); default `Date.now`. */
  now?: (() => number) | undefined;
}

/**
 * Create an in-memory {@link SuppressionStore}. It lives as long as the process: use the Redis
 * store (`createRedisSuppressionStore`) to share the list between processes and keep it across
 * restarts.
 *
 * @example
 * ```ts
 * import { createMailer, amazonSes, createMemorySuppressionStore } from "mailroom-ses";
 * const suppression = createMemorySuppressionStore();
 * const mailer = createMailer({ backend: amazonSes(), suppression });
 * ```
 */
export function createMemorySuppressionStore(options: MemorySuppressionStoreOptions = {}): SuppressionStore {
  const now = options.now ?? Date.now;
  // scope -> canonical address -> entry
  const scopes = new Map<string, Map<string, SuppressionEntry>>();
  // canonical address -> event key -> time (ms)
  const transient = new Map<string, Map<string, number>>();

  function live(scope: string, key: string, at: number): SuppressionEntry | undefined {
    const map = scopes.get(scope);
    const entry = map?.get(key);
    if (entry !== undefined && isExpired(entry, at)) {
      map?.delete(key);
      return undefined;
    }
    return entry;
  }

  return {
    async put(entry) {
      const key = suppressionKey(entry.address);
      let map = scopes.get(entry.scope);
      if (map === undefined) {
        map = new Map();
        scopes.set(entry.scope, map);
      }
      // A copy: the caller may reuse its object.
      map.set(key, { ...entry, address: key });
    },
    async remove(address, scope = ACCOUNT_SCOPE, removeOptions = {}) {
      const key = suppressionKey(address);
      const map = scopes.get(scope);
      const entry = map?.get(key);
      if (
        entry === undefined ||
        (removeOptions.onlyReason !== undefined && entry.reason !== removeOptions.onlyReason)
      ) {
        return false;
      }
      map?.delete(key);
      return true;
    },
    async get(address) {
      const key = suppressionKey(address);
      const at = now();
      const found: SuppressionEntry[] = [];
      for (const scope of scopes.keys()) {
        const entry = live(scope, key, at);
        if (entry !== undefined) {
          found.push({ ...entry });
        }
      }
      return found;
    },
    async check(keys, checkScopes) {
      const at = now();
      const order = [ACCOUNT_SCOPE, ...checkScopes.filter((scope) => scope !== ACCOUNT_SCOPE)];
      const maps = order.map((scope) => scopes.get(scope)).filter((map) => map !== undefined && map.size > 0);
      // Sized once: a hit is the exception, so most slots stay undefined.
      const result = new Array<SuppressionEntry | undefined>(keys.length);
      if (maps.length === 0) {
        return result;
      }
      for (let i = 0; i < keys.length; i += 1) {
        const key = keys[i] as string;
        let hit: SuppressionEntry | undefined;
        for (let m = 0; m < maps.length && hit === undefined; m += 1) {
          const entry = (maps[m] as Map<string, SuppressionEntry>).get(key);
          if (entry !== undefined && !isExpired(entry, at)) {
            hit = entry;
          }
        }
        if (hit !== undefined) {
          // A copy only for the few hits: the caller may keep it.
          result[i] = { ...hit };
        }
      }
      return result;
    },
    async list(listOptions = {}) {
      const limit = pageLimit(listOptions.limit);
      const start = listOptions.cursor === undefined ? 0 : Number(listOptions.cursor);
      if (!Number.isSafeInteger(start) || start < 0) {
        throw new ConfigurationError("Invalid list cursor");
      }
      const at = now();
      const all: SuppressionEntry[] = [];
      for (const [scope, map] of scopes) {
        if (listOptions.scope !== undefined && scope !== listOptions.scope) {
          continue;
        }
        for (const entry of map.values()) {
          if (!isExpired(entry, at)) {
            all.push({ ...entry });
          }
        }
      }
      const entries = all.slice(start, start + limit);
      const page: SuppressionPage = {
        entries,
        cursor: start + limit < all.length ? String(start + limit) : undefined,
      };
      return page;
    },
    async recordTransientBounce(address, eventKey, at, windowStart) {
      const key = suppressionKey(address);
      let seen = transient.get(key);
      if (seen === undefined) {
        seen = new Map();
        transient.set(key, seen);
      }
      seen.set(eventKey, at.getTime());
      const from = windowStart.getTime();
      for (const [id, time] of seen) {
        if (time < from) {
          seen.delete(id);
        }
      }
      const count = seen.size;
      // Bounded memory: addresses that bounced once and never again are swept now and then.
      if (transient.size > MAX_TRACKED_ADDRESSES) {
        for (const [address, events] of transient) {
          if ([...events.values()].every((time) => time < from)) {
            transient.delete(address);
          }
        }
      }
      return count;
    },
    async close() {},
  };
}
