/**
 * Defaults shared by the in-process and the Redis queue.
 *
 * @module
 */
import type { RetryOptions } from "./retry-policy";

/**
 * Job-level retry defaults. They come on top of the backend's own retries (100 ms to 5 s
 * within one attempt), so they are slower: they carry a message over an outage of minutes.
 *
 * @example
 * ```ts
 * createRetryPolicy({ ...QUEUE_RETRY_DEFAULTS, ...options.retry });
 * ```
 */
export const QUEUE_RETRY_DEFAULTS: Readonly<RetryOptions> = {
  maxAttempts: 3,
  baseDelayMs: 5_000,
  maxDelayMs: 300_000,
  maxElapsedMs: 3_600_000,
};

/**
 * Whether a queue re-sends a message an earlier attempt may have sent (at-least-once, the
 * default) or reports it `unknown`.
 *
 * @example
 * ```ts
 * retriesUnknownOutcome({ retry: { retryUnknownOutcome: false } }); // false
 * ```
 */
export function retriesUnknownOutcome(options: { retry?: RetryOptions | false | undefined }): boolean {
  return options.retry === false || options.retry?.retryUnknownOutcome !== false;
}
