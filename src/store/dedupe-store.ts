/**
 * The deduplication store behind effectively-once event handling: every intake route claims an
 * event id before calling the application and completes it after, so a redelivered event (SNS and
 * SQS both deliver at least once) is acknowledged without running the callback again.
 *
 * Mailroom ships two implementations: memory (one process, the default) and Redis (shared by
 * every instance). Any other storage works if it keeps the three operations atomic per id.
 *
 * @module
 */

/**
 * What {@link DedupeStore.claim} found:
 * - `"claimed"`: nobody holds the id; the caller now does, for the lease, and must run the work;
 * - `"duplicate"`: the id was completed within its keep window; acknowledge without running;
 * - `"in-flight"`: another delivery holds an unexpired claim; answer "retry later".
 *
 * @example
 * ```ts
 * import type { ClaimResult } from "mailroom-ses";
 * const status = (claim: ClaimResult): number => (claim === "in-flight" ? 503 : 200);
 * ```
 */
export type ClaimResult = "claimed" | "duplicate" | "in-flight";

/**
 * Three atomic operations on an event id. An implementation must make `claim` atomic (two
 * concurrent claims of one id: exactly one gets `"claimed"`), let a claim lapse after its lease
 * (so a process that died mid-callback does not block the event for ever), and keep a completed id
 * for at least `keepMs`. Plug your own (a SQL table with a unique key, DynamoDB with a conditional
 * put) by implementing this interface.
 *
 * @example
 * ```ts
 * import type { ClaimResult, DedupeStore } from "mailroom-ses";
 *
 * declare const sql: (query: string, ...values: unknown[]) => Promise<{ rowCount: number }>;
 * const sqlDedupe: DedupeStore = {
 *   async claim(id, leaseMs): Promise<ClaimResult> {
 *     const took = await sql(
 *       "INSERT INTO dedupe (id, state, until) VALUES ($1, 'claimed', now() + $2 * interval '1 ms') " +
 *         "ON CONFLICT (id) DO UPDATE SET state = 'claimed', until = EXCLUDED.until WHERE dedupe.until < now()",
 *       id,
 *       leaseMs,
 *     );
 *     if (took.rowCount === 1) return "claimed";
 *     const done = await sql("SELECT 1 FROM dedupe WHERE id = $1 AND state = 'done'", id);
 *     return done.rowCount === 1 ? "duplicate" : "in-flight";
 *   },
 *   async complete(id, keepMs) {
 *     await sql("UPDATE dedupe SET state = 'done', until = now() + $2 * interval '1 ms' WHERE id = $1", id, keepMs);
 *   },
 *   async release(id) {
 *     await sql("DELETE FROM dedupe WHERE id = $1 AND state = 'claimed'", id);
 *   },
 * };
 * ```
 */
export interface DedupeStore {
  /** Claim `id` for `leaseMs` (an in-flight claim that expires if the process dies). */
  claim(id: string, leaseMs: number): Promise<ClaimResult>;
  /** Mark `id` handled; remember it for `keepMs`. */
  complete(id: string, keepMs: number): Promise<void>;
  /** Drop the claim so a redelivery runs the callback again. */
  release(id: string): Promise<void>;
}

/**
 * How long a completed id is remembered by default: two hours. Why: SNS retries an HTTPS
 * delivery for at most one hour (3,600 s), and the webhook accepts notifications signed up to an
 * hour ago, so anything older than two hours can no longer be redelivered and accepted.
 *
 * @example
 * ```ts
 * await runOnce(store, eventId, handle, { leaseMs: DEFAULT_DEDUPE_LEASE_MS, keepMs: DEFAULT_DEDUPE_KEEP_MS });
 * ```
 */
export const DEFAULT_DEDUPE_KEEP_MS = 2 * 60 * 60 * 1000;

/**
 * How long a claim lasts by default: 30 s. Why: SNS stops waiting for an HTTPS answer after a
 * few seconds (15 s is the figure usually cited) and its default policy retries 20 s apart, so a
 * claim left by a crashed process has lapsed by the second retry, while a callback running
 * normally (a few seconds at most) is never run twice.
 *
 * @example
 * ```ts
 * await runOnce(store, eventId, handle, { leaseMs: DEFAULT_DEDUPE_LEASE_MS, keepMs: DEFAULT_DEDUPE_KEEP_MS });
 * ```
 */
export const DEFAULT_DEDUPE_LEASE_MS = 30_000;

/**
 * Check a duration argument of a store operation: a positive, finite whole number of ms.
 *
 * @throws TypeError naming the argument otherwise.
 * @example
 * ```ts
 * checkDedupeDuration(30_000, "leaseMs");
 * ```
 */
export function checkDedupeDuration(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(`${name} must be a positive whole number of milliseconds`);
  }
}
