/**
 * Sending many messages at once: bounded concurrency, results in order, one failure never
 * aborting the rest, and a prompt stop when the daily quota runs out.
 *
 * @module
 */
import { ApiError } from "../errors";
import type { EmailMessage } from "../message/types";
import { mapLimited } from "../ses/map-limited";
import type { SendStatus } from "../send-status";
import { classifySesError } from "./classify-error";

/**
 * Options of `mailer.sendMany()`.
 *
 * @example
 * ```ts
 * await mailer.sendMany(messages, { concurrency: 8, onResult: (r, i) => progress(i, r.outcome) });
 * ```
 */
export interface SendManyOptions {
  /**
   * Messages in flight at once (default 16). The pace comes from the backend's rate limiter
   * (`amazonSes({ rateLimit })`); this only bounds how many calls wait or run together.
   */
  concurrency?: number | undefined;
  /**
   * Once SES answers "Daily message quota exceeded", start no further sends: the messages not
   * yet started come back as `skipped` (default true). Every one of them would fail the same way.
   */
  stopOnDailyQuota?: boolean | undefined;
  /** Called as each message finishes, with its index in the input. */
  onResult?: ((result: SendManyResult, index: number) => void) | undefined;
}

/**
 * What happened to one message of `sendMany()`:
 * - `sent`: the send returned a status (per-recipient results inside; `cancelled` for a pre-send
 *   cancel, `scheduled` recipients when a queue took it for `sendAt`);
 * - `failed`: it threw, and nothing was sent;
 * - `unknown`: the request left and no answer came, after retries: it may have been sent. The
 *   status says `unknown` for every recipient;
 * - `skipped`: never attempted, because the run stopped (the error is what stopped it).
 *
 * @example
 * ```ts
 * for (const [i, r] of (await mailer.sendMany(messages)).entries()) {
 *   if (r.outcome !== "sent") console.warn(i, r.outcome, r.error);
 * }
 * ```
 */
export type SendManyResult<Response = unknown> =
  | {
      /** Sent (or scheduled): see `status`. */
      outcome: "sent";
      /** Its send status. */
      status: SendStatus<Response>;
      /** No error. */
      error?: undefined;
    }
  | {
      /** It may or may not have been sent. */
      outcome: "unknown";
      /** Every recipient `unknown`. */
      status: SendStatus<Response>;
      /** The error after which the outcome is unknown. */
      error: ApiError;
    }
  | {
      /** `failed`: it threw and nothing was sent; `skipped`: never attempted. */
      outcome: "failed" | "skipped";
      /** No status: nothing was sent. */
      status?: undefined;
      /** What it failed with, or what stopped the run. */
      error: unknown;
    };

const DEFAULT_CONCURRENCY = 16;

/**
 * Run `send` over `messages` (see {@link SendManyOptions}); the mailer's `sendMany()`.
 *
 * @param unknownStatus - the status reported for a message whose outcome is unknown
 * @example
 * ```ts
 * const results = await sendEach(messages, (m) => mailer.send(m), {}, (m) => statusWithEveryRecipient(m, "unknown"));
 * ```
 */
export async function sendEach<Response>(
  messages: readonly EmailMessage[],
  send: (message: EmailMessage) => Promise<SendStatus<Response>>,
  options: SendManyOptions,
  unknownStatus: (message: EmailMessage) => SendStatus<Response>,
): Promise<SendManyResult<Response>[]> {
  const stopOnDailyQuota = options.stopOnDailyQuota ?? true;
  let stoppedBy: { error: unknown } | undefined;

  async function one(message: EmailMessage): Promise<SendManyResult<Response>> {
    if (stoppedBy !== undefined) {
      return { outcome: "skipped", error: stoppedBy.error };
    }
    try {
      return { outcome: "sent", status: await send(message) };
    } catch (error) {
      if (stopOnDailyQuota && classifySesError(error).kind === "daily-quota") {
        stoppedBy ??= { error };
      }
      if (error instanceof ApiError && error.outcomeUnknown) {
        return { outcome: "unknown", status: unknownStatus(message), error };
      }
      return { outcome: "failed", error };
    }
  }

  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY));
  return mapLimited(messages, concurrency, async (message, index) => {
    const result = await one(message);
    try {
      options.onResult?.(result, index);
    } catch {
      // A failing progress callback must not lose the other messages' results.
    }
    return result;
  });
}
