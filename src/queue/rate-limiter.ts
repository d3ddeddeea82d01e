/**
 * A recipient-weighted token bucket: SES counts recipients, not calls, against MaxSendRate.
 *
 * @module
 */
import { ConfigurationError } from "../errors";
import { systemClock } from "./clock";
import type { Clock } from "./clock";

/**
 * Options of {@link createRateLimiter}.
 *
 * @example
 * ```ts
 * createRateLimiter({ maxPerSecond: 14 });
 * createRateLimiter({ maxPerSecond: () => readMaxSendRate(client), refreshIntervalMs: 600_000 });
 * ```
 */
export interface RateLimiterOptions {
  /**
   * Recipients per second: a number, or a function that reads it (e.g. SES GetAccount
   * `SendQuota.MaxSendRate`), called on first use and again every `refreshIntervalMs`.
   */
  maxPerSecond: number | (() => Promise<number>);
  /**
   * Bucket size: how many recipients may go out at once after an idle spell (default half a
   * second's worth, at least 1). Smaller than SES's own allowance, so that a send paced
   * exactly at the limit still has headroom for network jitter.
   */
  burst?: number | undefined;
  /** How often a function `maxPerSecond` is read again (default 600,000 ms). */
  refreshIntervalMs?: number | undefined;
  /** The clock tokens refill by (tests pass a fake one). */
  clock?: Clock | undefined;
}

/**
 * A rate limiter shared by every SES call of a backend (or of a process).
 *
 * @example
 * ```ts
 * await limiter.acquire(recipientCount); // resolves when the recipients may be sent
 * ```
 */
export interface RateLimiter {
  /**
   * Wait until `weight` recipients may be sent, and take them. Waiters are served in order, so
   * a 50-recipient batch is not starved by single messages. A weight above the bucket size is
   * allowed: it waits for a full bucket and leaves a debt the next callers wait out.
   *
   * @throws whatever reading the rate threw (first read only; later refresh failures keep the
   *   last known rate)
   */
  acquire(weight: number): Promise<void>;
  /** Empty the bucket, e.g. after SES answered a throttling error: everyone backs off. */
  drain(): void;
  /** The rate in use (recipients per second), once known. */
  readonly maxPerSecond: number | undefined;
}

function checkRate(rate: number): number {
  if (!Number.isFinite(rate) || rate <= 0) {
    throw new ConfigurationError(
      `A rate limit needs a positive number of recipients per second, got ${rate}`,
    );
  }
  return rate;
}

/**
 * Create a recipient-weighted token bucket.
 *
 * @example
 * ```ts
 * import { createRateLimiter } from "mailroom-ses/queue";
 *
 * const limiter = createRateLimiter({ maxPerSecond: 14 });
 * await limiter.acquire(5); // a message to 5 recipients takes 5 tokens
 * ```
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const clock = options.clock ?? systemClock;
  const source = options.maxPerSecond;
  const refreshIntervalMs = options.refreshIntervalMs ?? 600_000;
  let rate = typeof source === "number" ? checkRate(source) : undefined;
  let tokens = 0;
  let capacity = 1;
  let last = clock.now();
  let readAt = Number.NEGATIVE_INFINITY;
  let reading: Promise<void> | undefined;
  let tail: Promise<void> = Promise.resolve();

  function resize(newRate: number): void {
    const full = tokens >= capacity;
    rate = newRate;
    capacity = Math.max(1, options.burst ?? newRate / 2);
    // Start full: the first messages after start-up need not wait.
    tokens = full || readAt === Number.NEGATIVE_INFINITY ? capacity : Math.min(tokens, capacity);
  }

  if (rate !== undefined) {
    resize(rate);
    readAt = clock.now();
  }

  async function refresh(): Promise<void> {
    if (typeof source === "number" || clock.now() - readAt < refreshIntervalMs) {
      return;
    }
    reading ??= (async () => {
      try {
        const value = checkRate(await source());
        refill();
        resize(value);
        readAt = clock.now();
      } catch (err) {
        if (rate === undefined) {
          throw err;
        }
        // A failed refresh keeps the last known rate, and tries again one interval later.
        readAt = clock.now();
      } finally {
        reading = undefined;
      }
    })();
    await reading;
  }

  function refill(): void {
    const now = clock.now();
    if (rate !== undefined) {
      tokens = Math.min(capacity, tokens + ((now - last) / 1000) * rate);
    }
    last = now;
  }

  async function take(weight: number): Promise<void> {
    await refresh();
    const need = Math.min(weight, capacity);
    for (;;) {
      refill();
      if (tokens >= need) {
        tokens -= weight;
        return;
      }
      await clock.sleep(((need - tokens) / (rate as number)) * 1000);
    }
  }

  return {
    acquire(weight) {
      const w = Number.isFinite(weight) && weight > 0 ? weight : 0;
      const turn = tail.then(() => take(w));
      // The next waiter queues behind this one even if this one failed.
      tail = turn.catch(() => undefined);
      return turn;
    },
    drain() {
      refill();
      tokens = Math.min(tokens, 0);
    },
    get maxPerSecond() {
      return rate;
    },
  };
}
