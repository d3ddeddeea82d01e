/**
 * Mapping a recipients-per-second limit onto BullMQ's global rate limiter, which counts jobs.
 *
 * @module
 */

/**
 * BullMQ's limiter is a fixed window: at most `max` jobs start per `duration` ms, across every
 * worker. A one-second window would let a whole second's allowance start in a burst at its
 * beginning; short windows (about a tenth of a second) spread the sends out, as SES expects.
 *
 * @example
 * ```ts
 * globalRateWindow(50); // { max: 5, duration: 100 }
 * globalRateWindow(14); // { max: 1, duration: 72 } (13.9 per second: rounded down, never up)
 * ```
 */
export function globalRateWindow(maxPerSecond: number): { max: number; duration: number } {
  const max = Math.max(1, Math.floor(maxPerSecond / 10));
  // Rounding the window up keeps the effective rate at or under the limit.
  return { max, duration: Math.ceil((max * 1000) / maxPerSecond) };
}

/**
 * The part of a BullMQ Queue used to charge extra recipients.
 *
 * @example
 * ```ts
 * const limited: RateLimitedQueue = new Queue("mailroom", { connection });
 * ```
 */
export interface RateLimitedQueue {
  getRateLimitTtl(maxJobs?: number): Promise<number>;
  rateLimit(expireTimeMs: number): Promise<void>;
}

/**
 * Charge a message's recipients beyond the first, which BullMQ's limiter did not count: hold
 * every worker of the queue for the rest of the current window plus `(weight - 1) / rate`
 * seconds (BullMQ's manual rate limit). Approximate by design: the current window's unused
 * starts are forfeited, which errs on the slow side.
 *
 * @example
 * ```ts
 * await chargeExtraRecipients(queue, 5, 14); // a 5-recipient message holds the queue ~286 ms more
 * ```
 */
export async function chargeExtraRecipients(
  queue: RateLimitedQueue,
  weight: number,
  maxPerSecond: number,
): Promise<void> {
  if (weight <= 1) {
    return;
  }
  const extraMs = ((weight - 1) * 1000) / maxPerSecond;
  // -2: no window open (no key); -1: no expiry. Neither leaves time to add to.
  const remaining = Math.max(0, await queue.getRateLimitTtl());
  await queue.rateLimit(Math.ceil(remaining + extraMs));
}
