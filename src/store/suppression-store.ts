/**
 * The suppression list's small state interface: who must not be mailed, why, since when, and
 * for which scope. Two implementations ship (memory and Redis); a user may plug another one.
 *
 * @module
 */

/**
 * Why an address is suppressed.
 * - `bounce`: a Permanent (hard) bounce, or SES's own account-level suppression list
 *   (`detail` says `OnAccountSuppressionList`), or the transient-bounce policy (`detail` says so).
 * - `complaint`: the recipient marked a message as spam (a `not-spam` feedback removes it).
 * - `unsubscribe`: the recipient unsubscribed (one-click, or your own flow).
 * - `manual`: added by you or the CLI.
 *
 * @example
 * ```ts
 * import type { SuppressionReason } from "mailroom-ses";
 * const reason: SuppressionReason = "complaint";
 * ```
 */
export type SuppressionReason = "bounce" | "complaint" | "unsubscribe" | "manual";

/**
 * Every {@link SuppressionReason}, for validation.
 *
 * @example
 * ```ts
 * const valid = SUPPRESSION_REASONS.includes(input as SuppressionReason);
 * ```
 */
export const SUPPRESSION_REASONS: readonly SuppressionReason[] = [
  "bounce",
  "complaint",
  "unsubscribe",
  "manual",
];

/**
 * The scope of an account-wide entry: it blocks every message, whatever its scope. Other scopes
 * are names you choose (a topic or list: `"marketing"`, `"digest"`), and block only messages
 * sent with that scope.
 *
 * @example
 * ```ts
 * import { ACCOUNT_SCOPE } from "mailroom-ses";
 * await store.put({ address: "a@example.com", reason: "manual", scope: ACCOUNT_SCOPE, since: new Date() });
 * ```
 */
export const ACCOUNT_SCOPE = "*";

/**
 * One suppression entry.
 *
 * @example
 * ```ts
 * import type { SuppressionEntry } from "mailroom-ses";
 * const entry: SuppressionEntry = {
 *   address: "bob@example.com",
 *   scope: "*",
 *   reason: "bounce",
 *   detail: "Permanent: General",
 *   since: new Date("2026-01-01T00:00:00Z"),
 *   eventId: "0000-sns-message-id",
 * };
 * ```
 */
export interface SuppressionEntry {
  /** The address, with its domain lower-cased (the local part is kept exactly: see docs/reputation.md). */
  address: string;
  /** {@link ACCOUNT_SCOPE} (`"*"`) for every message, or the name of a topic/list. */
  scope: string;
  /** Why it is suppressed. */
  reason: SuppressionReason;
  /** A short explanation: `"Permanent: General"`, `"OnAccountSuppressionList"`, the complaint feedback type… */
  detail?: string | undefined;
  /** When the suppression started. */
  since: Date;
  /** The id of the event that caused it (an SNS MessageId, an unsubscribe token's id…). */
  eventId?: string | undefined;
  /** When it stops applying (undefined: never). An expired entry no longer blocks and is not listed. */
  expiresAt?: Date | undefined;
}

/**
 * A page of entries from {@link SuppressionStore.list}.
 *
 * @example
 * ```ts
 * let cursor: string | undefined;
 * do {
 *   const page = await store.list({ cursor });
 *   for (const entry of page.entries) console.log(entry.address);
 *   cursor = page.cursor;
 * } while (cursor !== undefined);
 * ```
 */
export interface SuppressionPage {
  /** The entries of this page. */
  entries: SuppressionEntry[];
  /** Pass back to get the next page; undefined on the last one. */
  cursor: string | undefined;
}

/**
 * The suppression list's storage. Addresses are compared with the domain case-insensitive and
 * the local part exact: `put`, `remove`, `get` and `recordTransientBounce` take addresses as the
 * caller has them and canonicalize them with `suppressionKey()` themselves; `check`, the hot path
 * of every send, takes keys already canonical (the mailer passes `EmailAddress.suppressionKey`,
 * made once when the address was parsed), so a 10,000-recipient send is not scanned twice.
 *
 * Implement it to keep the list in your own database: every method must be safe to call
 * concurrently from several processes, `put` must be idempotent, and `check` should answer a
 * whole batch in one round trip (the mailer calls it once per message, for every recipient).
 *
 * @example
 * ```ts
 * import { createMemorySuppressionStore, suppressionKey } from "mailroom-ses";
 * const store = createMemorySuppressionStore();
 * await store.put({ address: "bob@example.com", scope: "*", reason: "manual", since: new Date() });
 * const [hit] = await store.check([suppressionKey("bob@Example.com")], ["marketing"]);
 * hit?.reason; // "manual"
 * ```
 */
export interface SuppressionStore {
  /** Add an entry, or replace the one for the same address and scope. */
  put(entry: SuppressionEntry): Promise<void>;
  /**
   * Remove the entry for an address and scope (default: account-wide). With `onlyReason`, remove it
   * only when it has that reason (a `not-spam` feedback removes a complaint, never a bounce).
   * Resolves true when an entry was removed.
   */
  remove(
    address: string,
    scope?: string,
    options?: { onlyReason?: SuppressionReason | undefined },
  ): Promise<boolean>;
  /** Every live entry of one address, all scopes. */
  get(address: string): Promise<SuppressionEntry[]>;
  /**
   * For each key (an address as `suppressionKey()` canonicalizes it), the entry that blocks it for
   * a message in these scopes (the account-wide entry first, then the scopes in order), or
   * undefined. One answer per key, in order. Keys are not canonicalized again: pass
   * `suppressionKey(address)`, not the address as typed.
   */
  check(keys: readonly string[], scopes: readonly string[]): Promise<(SuppressionEntry | undefined)[]>;
  /** One page of live entries (all scopes, or one), in no particular order; about `limit` (default 100, at most 1,000) per page. */
  list(options?: {
    cursor?: string | undefined;
    limit?: number | undefined;
    scope?: string | undefined;
  }): Promise<SuppressionPage>;
  /**
   * Record one transient (soft) bounce and answer how many distinct ones this address had since
   * `windowStart` (the transient-bounce policy). `eventKey` makes a redelivered event count once.
   */
  recordTransientBounce(address: string, eventKey: string, at: Date, windowStart: Date): Promise<number>;
  /** Release what the store opened (a Redis connection it created); idempotent. */
  close(): Promise<void>;
}
