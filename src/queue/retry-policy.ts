/**
 * Exponential backoff with full jitter, bounded by attempts and by total time.
 *
 * @module
 */
import { ApiError } from "../errors";
import { classifySesError } from "./classify-error";
import type { ErrorClassification, ErrorKind } from "./classify-error";
import { systemClock } from "./clock";
import type { Clock } from "./clock";

/**
 * One retry about to happen, as the `onRetry` hook sees it.
 *
 * @example
 * ```ts
 * onRetry: (e) => log.warn(`SES ${e.code} on attempt ${e.attempt}, retrying in ${e.delayMs} ms`);
 * ```
 */
export interface RetryEvent {
  /** The attempt that just failed (1 = the first call). */
  attempt: number;
  /** How long the policy waits before the next attempt. */
  delayMs: number;
  /** The AWS error name or network code (`TooManyRequestsException`, `ECONNRESET`...). */
  code: string | undefined;
  /** How the failure was classified (`throttling`, `transient`, `network`...). */
  kind: ErrorKind;
  /** The failed attempt may have reached SES (the retry may then send a duplicate). */
  outcomeUnknown: boolean;
  /** Time since the first attempt started. */
  elapsedMs: number;
  /** What was being retried (`SendEmail`, `SendBulkEmail`, a queue job id...). */
  operation: string | undefined;
  /** The error the attempt failed with. */
  error: unknown;
}

/**
 * Options of {@link createRetryPolicy}; every field has a default.
 *
 * @example
 * ```ts
 * amazonSes({ retry: { maxAttempts: 6, maxElapsedMs: 60_000, onRetry: (e) => metrics.count(e.code) } });
 * ```
 */
export interface RetryOptions {
  /** Attempts in total, the first one included (default 5; 1 disables retrying). */
  maxAttempts?: number | undefined;
  /** The backoff before retry n is drawn from [0, min(maxDelayMs, baseDelayMs * 2^(n-1))) (default 100). */
  baseDelayMs?: number | undefined;
  /** Upper bound of one backoff (default 5,000). */
  maxDelayMs?: number | undefined;
  /** No retry is started whose backoff would end later than this after the first attempt (default 30,000). */
  maxElapsedMs?: number | undefined;
  /**
   * Retry a network failure after which the request may have reached SES (default true:
   * at-least-once, a duplicate is possible). With false such failures are reported as unknown.
   */
  retryUnknownOutcome?: boolean | undefined;
  /** Called before every retry. Errors it throws are ignored: observing must not change sending. */
  onRetry?: ((event: RetryEvent) => void) | undefined;
  /** Replaces {@link classifySesError}, e.g. to retry more or fewer kinds. */
  classify?: ((error: unknown) => ErrorClassification) | undefined;
  /** Source of randomness in [0, 1), for the jitter (default Math.random). */
  random?: (() => number) | undefined;
  /** The clock the backoff sleeps and the elapsed time are read from (tests pass a fake one). */
  clock?: Clock | undefined;
}

/**
 * A retry decision for one failure.
 *
 * @example
 * ```ts
 * const decision = policy.decide(err, attempt, elapsedMs);
 * if (decision.retry) await sleep(decision.delayMs);
 * ```
 */
export type RetryDecision =
  | {
      /** Retry. */
      retry: true;
      /** After this backoff. */
      delayMs: number;
      /** How the failure was classified. */
      classification: ErrorClassification;
    }
  | {
      /** Do not retry. */
      retry: false;
      /** Why: not a retryable kind, out of attempts, out of time, or a possibly-sent request not to repeat. */
      reason: "not-retryable" | "attempts" | "time" | "unknown-outcome";
      /** How the failure was classified. */
      classification: ErrorClassification;
    };

/**
 * A configured retry policy; see {@link createRetryPolicy}.
 *
 * @example
 * ```ts
 * const status = await policy.run(() => client.send(command), { operation: "SendEmail" });
 * ```
 */
export interface RetryPolicy {
  /** Attempts in total, the first one included. */
  readonly maxAttempts: number;
  /** The jittered backoff before the retry that follows failed attempt `attempt` (1-based). */
  delayFor(attempt: number): number;
  /** Whether failed attempt `attempt` (1-based), `elapsedMs` after the first began, is retried. */
  decide(error: unknown, attempt: number, elapsedMs: number): RetryDecision;
  /** Report a retry to the `onRetry` hook (for callers that retry on their own, like the queue). */
  notify(event: RetryEvent): void;
  /**
   * Run `fn` until it succeeds or the policy gives up; then the last error is thrown. When an
   * earlier attempt's outcome was unknown and no attempt succeeded, a thrown {@link ApiError}
   * says `outcomeUnknown: true` whatever the last attempt ended with.
   */
  run<T>(fn: (attempt: number) => Promise<T>, context?: { operation?: string }): Promise<T>;
}

const DEFAULTS = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 5_000, maxElapsedMs: 30_000 };

/** An ApiError that says the message may have gone out, keeping the last error's details. */
function asOutcomeUnknown(error: unknown): unknown {
  if (!(error instanceof ApiError) || error.outcomeUnknown) {
    return error;
  }
  return new ApiError(
    `${error.message} (an earlier attempt's outcome is unknown: the message may have been sent)`,
    {
      awsCode: error.awsCode,
      httpStatus: error.httpStatus,
      requestId: error.requestId,
      response: error.response,
      outcomeUnknown: true,
    },
    { cause: error },
  );
}

/**
 * Create a retry policy: exponential backoff with full jitter (each wait drawn uniformly from
 * zero to the exponential bound, so clients throttled together do not retry together), bounded
 * by `maxAttempts` and `maxElapsedMs`. Throttling, 5xx and network failures are retried; the
 * daily quota and permanent errors never are.
 *
 * @example
 * ```ts
 * import { createRetryPolicy } from "mailroom-ses/queue";
 *
 * const policy = createRetryPolicy({ maxAttempts: 4, onRetry: (e) => console.warn(e.code, e.delayMs) });
 * const output = await policy.run(() => client.send(new SendEmailCommand(input)), { operation: "SendEmail" });
 * ```
 */
export function createRetryPolicy(options: RetryOptions = {}): RetryPolicy {
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? DEFAULTS.maxAttempts));
  const baseDelayMs = Math.max(0, options.baseDelayMs ?? DEFAULTS.baseDelayMs);
  const maxDelayMs = Math.max(0, options.maxDelayMs ?? DEFAULTS.maxDelayMs);
  const maxElapsedMs = Math.max(0, options.maxElapsedMs ?? DEFAULTS.maxElapsedMs);
  const retryUnknown = options.retryUnknownOutcome ?? true;
  const classify = options.classify ?? classifySesError;
  const random = options.random ?? Math.random;
  const clock = options.clock ?? systemClock;

  function delayFor(attempt: number): number {
    // 2^30 already exceeds any sane cap; clamping the exponent keeps the number finite.
    const bound = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(Math.max(0, attempt - 1), 30));
    return Math.floor(random() * bound);
  }

  function decide(error: unknown, attempt: number, elapsedMs: number): RetryDecision {
    const classification = classify(error);
    if (!classification.retryable) {
      return { retry: false, reason: "not-retryable", classification };
    }
    if (classification.outcomeUnknown && !retryUnknown) {
      return { retry: false, reason: "unknown-outcome", classification };
    }
    if (attempt >= maxAttempts) {
      return { retry: false, reason: "attempts", classification };
    }
    const delayMs = delayFor(attempt);
    if (elapsedMs + delayMs > maxElapsedMs) {
      return { retry: false, reason: "time", classification };
    }
    return { retry: true, delayMs, classification };
  }

  function notify(event: RetryEvent): void {
    try {
      options.onRetry?.(event);
    } catch {
      // A broken logger must not turn a retryable failure into a lost message.
    }
  }

  async function run<T>(
    fn: (attempt: number) => Promise<T>,
    context: { operation?: string } = {},
  ): Promise<T> {
    const start = clock.now();
    let uncertain = false;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await fn(attempt);
      } catch (error) {
        const elapsedMs = clock.now() - start;
        const decision = decide(error, attempt, elapsedMs);
        uncertain ||= decision.classification.outcomeUnknown;
        if (!decision.retry) {
          throw uncertain ? asOutcomeUnknown(error) : error;
        }
        notify({
          attempt,
          delayMs: decision.delayMs,
          code: decision.classification.code,
          kind: decision.classification.kind,
          outcomeUnknown: decision.classification.outcomeUnknown,
          elapsedMs,
          operation: context.operation,
          error,
        });
        await clock.sleep(decision.delayMs);
      }
    }
  }

  return { maxAttempts, delayFor, decide, notify, run };
}
