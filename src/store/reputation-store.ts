/**
 * The small state interface behind the bounce/complaint rate monitor: counters in time buckets,
 * a once-per-event marker (so a redelivered event counts once), and the shared pause flag.
 *
 * @module
 */

/**
 * Counts of one time bucket.
 *
 * @example
 * ```ts
 * import type { ReputationCounts } from "mailroom-ses";
 * const counts: ReputationCounts = { sent: 1000, bounces: 12, complaints: 0 };
 * ```
 */
export interface ReputationCounts {
  /** Recipients SES accepted. */
  sent: number;
  /** Hard bounces (Permanent, not from SES's own suppression list). */
  bounces: number;
  /** Complaints (not `not-spam`). */
  complaints: number;
}

/**
 * Why and since when sending is paused.
 *
 * @example
 * ```ts
 * import type { PauseState } from "mailroom-ses";
 * const state: PauseState = { reason: "bounce rate 10.4 % >= 10 %", since: new Date(), automatic: true };
 * ```
 */
export interface PauseState {
  /** A human-readable reason. */
  reason: string;
  /** When the pause started. */
  since: Date;
  /** True when the monitor paused by itself (it may then resume by itself); false for a manual pause. */
  automatic: boolean;
}

/**
 * Storage of the rate monitor and the pause flag. Memory and Redis implementations ship; a user
 * may implement it: `add` must be atomic per bucket, `once` a set-if-absent with expiry.
 *
 * @example
 * ```ts
 * import { createMemoryReputationStore } from "mailroom-ses";
 * const store = createMemoryReputationStore();
 * await store.add(0, { sent: 10 }, 86_400_000);
 * ```
 */
export interface ReputationStore {
  /** Add to the counters of the bucket starting at `bucketStart` (ms); the bucket lives `ttlMs`. */
  add(bucketStart: number, counts: Partial<ReputationCounts>, ttlMs: number): Promise<void>;
  /** The buckets whose start is in [from, to] (ms), as start -> counts; missing buckets are absent. */
  buckets(from: number, to: number, bucketMs: number): Promise<Map<number, ReputationCounts>>;
  /** True the first time a key is seen within `ttlMs` (an event redelivered later counts once). */
  once(key: string, ttlMs: number): Promise<boolean>;
  /** The pause flag, or undefined when sending. */
  getPause(): Promise<PauseState | undefined>;
  /** Set (a state) or clear (undefined) the pause flag. */
  setPause(state: PauseState | undefined): Promise<void>;
  /** Release what the store opened; idempotent. */
  close(): Promise<void>;
}
