/**
 * Keeping the suppression list current from tracking events: what each bounce and complaint
 * does to the list. Used by the tracking webhook's `suppression` option (and any other intake
 * route: call the returned function for each event).
 *
 * @module
 */
import type { TrackingEvent } from "../events";
import { ConfigurationError } from "../errors";
import { ACCOUNT_SCOPE } from "../store/suppression-store";
import type { SuppressionStore } from "../store/suppression-store";

/**
 * The transient (soft) bounce policy: `count` transient bounces of one address within
 * `windowMs` suppress it, for `suppressForMs` when given (then it may be retried).
 *
 * @example
 * ```ts
 * const policy: TransientBouncePolicy = { count: 3, windowMs: 7 * 86_400_000, suppressForMs: 30 * 86_400_000 };
 * ```
 */
export interface TransientBouncePolicy {
  /** How many distinct transient bounces suppress the address (at least 1). */
  count: number;
  /** Within how long (ms). */
  windowMs: number;
  /** How long the resulting entry lasts (ms); default: until removed. */
  suppressForMs?: number | undefined;
}

/**
 * Options of {@link createSuppressionFeed} (and of the tracking webhook's `suppression` option).
 *
 * @example
 * ```ts
 * import { createRedisSuppressionStore } from "mailroom-ses";
 * const feed: SuppressionFeedOptions = {
 *   store: createRedisSuppressionStore({ redis: "redis://127.0.0.1:6379" }),
 *   transientBounces: { count: 3, windowMs: 7 * 86_400_000 },
 * };
 * ```
 */
export interface SuppressionFeedOptions {
  /** The list to keep current. */
  store: SuppressionStore;
  /** The transient-bounce policy; default off (transient bounces never suppress). */
  transientBounces?: TransientBouncePolicy | false | undefined;
  /** The clock used when an event carries no timestamp (ms since the epoch); default `Date.now`. */
  now?: (() => number) | undefined;
}

/**
 * What one event did to the list, for logs and tests.
 *
 * @example
 * ```ts
 * const outcome: SuppressionFeedOutcome = "added";
 * ```
 */
export type SuppressionFeedOutcome = "added" | "removed" | "counted" | "ignored";

/** Reads the complaint's sub-type, which the normalized event does not carry. */
function complaintSubType(event: TrackingEvent): string | undefined {
  const complaint = (event.raw as { complaint?: { complaintSubType?: unknown } } | undefined)?.complaint;
  return typeof complaint?.complaintSubType === "string" ? complaint.complaintSubType : undefined;
}

function checkPolicy(policy: TransientBouncePolicy): void {
  const positive = (value: unknown): boolean =>
    typeof value === "number" && Number.isFinite(value) && value > 0;
  if (!positive(policy.count) || !Number.isInteger(policy.count) || !positive(policy.windowMs)) {
    throw new ConfigurationError("transientBounces needs an integer `count` >= 1 and a `windowMs` > 0");
  }
  if (policy.suppressForMs !== undefined && !positive(policy.suppressForMs)) {
    throw new ConfigurationError("transientBounces.suppressForMs must be > 0");
  }
}

/**
 * Create the function that applies one tracking event to a suppression list:
 * - a Permanent bounce adds the recipient account-wide (`bounce`, detail `Permanent: <subtype>`;
 *   SES's own `OnAccountSuppressionList` is recorded with that detail);
 * - a complaint adds it (`complaint`, detail the feedback type), except feedback type
 *   `not-spam`, which removes a complaint entry (never a bounce);
 * - a Transient bounce counts towards the transient policy (off by default);
 * - every other event is ignored.
 *
 * Idempotent: a redelivered event changes nothing more.
 *
 * @example
 * ```ts
 * import { createMemorySuppressionStore } from "mailroom-ses";
 * const feed = createSuppressionFeed({ store: createMemorySuppressionStore() });
 * await feed(event); // "added" for a hard bounce
 * ```
 */
export function createSuppressionFeed(
  options: SuppressionFeedOptions,
): (event: TrackingEvent) => Promise<SuppressionFeedOutcome> {
  const { store } = options;
  if (store === undefined || store === null || typeof store.check !== "function") {
    throw new ConfigurationError("The suppression feed needs a `store` (a SuppressionStore)");
  }
  const policy = options.transientBounces === false ? undefined : options.transientBounces;
  if (policy !== undefined) {
    checkPolicy(policy);
  }
  const now = options.now ?? Date.now;

  return async (event) => {
    const recipient = event.recipient;
    if (recipient === undefined || recipient === "") {
      return "ignored";
    }
    const since = event.timestamp ?? new Date(now());
    const base = { address: recipient, scope: ACCOUNT_SCOPE, since, eventId: event.eventId };
    if (event.eventType === "bounced" && event.bounceType === "Permanent") {
      await store.put({ ...base, reason: "bounce", detail: event.description ?? "Permanent" });
      return "added";
    }
    if (event.eventType === "bounced" && event.bounceType === "Transient") {
      if (policy === undefined) {
        return "ignored";
      }
      const windowStart = new Date(since.getTime() - policy.windowMs);
      const key = `${event.eventId ?? since.toISOString()}:${event.messageId ?? ""}`;
      const count = await store.recordTransientBounce(recipient, key, since, windowStart);
      if (count < policy.count) {
        return "counted";
      }
      await store.put({
        ...base,
        reason: "bounce",
        detail: `Transient: ${count} within ${policy.windowMs} ms`,
        expiresAt:
          policy.suppressForMs === undefined ? undefined : new Date(since.getTime() + policy.suppressForMs),
      });
      return "added";
    }
    if (event.eventType === "complained") {
      const feedback = event.description;
      if (feedback?.toLowerCase() === "not-spam") {
        const removed = await store.remove(recipient, ACCOUNT_SCOPE, { onlyReason: "complaint" });
        return removed ? "removed" : "ignored";
      }
      await store.put({
        ...base,
        reason: "complaint",
        detail: feedback ?? complaintSubType(event) ?? "complaint",
      });
      return "added";
    }
    return "ignored";
  };
}
