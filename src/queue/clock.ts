/**
 * Time, as the retry policy and the rate limiter see it. Injected so tests can drive backoff and
 * token refill deterministically instead of sleeping for real.
 *
 * @example
 * ```ts
 * const clock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };
 * ```
 */
export interface Clock {
  /** Milliseconds on a monotonic-enough scale (only differences are used). */
  now(): number;
  /** Resolve after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
}

/**
 * The real clock: `performance.now()` (monotonic, so a wall-clock jump cannot stall a limiter)
 * and `setTimeout`.
 *
 * @example
 * ```ts
 * const start = systemClock.now();
 * await systemClock.sleep(100);
 * ```
 */
export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};
