/**
 * The error a paused mailer throws instead of sending.
 *
 * @module
 */
import { ErrorCode, MailroomError } from "../errors";
import type { PauseState } from "../store/reputation-store";

/**
 * Sending is paused (the bounce or complaint rate crossed the pause threshold, or someone paused
 * it): nothing was sent. A queue keeps the message and tries again after `retryAfterMs`; a direct
 * caller should do the same, or resume (`monitor.resume()`, `mailroom status --resume`).
 *
 * @example
 * ```ts
 * import { SendingPausedError } from "mailroom-ses";
 * declare const err: unknown;
 * if (err instanceof SendingPausedError) console.warn(err.pause.reason, err.pause.since);
 * ```
 */
export class SendingPausedError extends MailroomError<typeof ErrorCode.sendingPaused> {
  /** Why and since when. */
  readonly pause: PauseState;
  /** When to look again (ms). */
  readonly retryAfterMs: number;

  constructor(pause: PauseState, retryAfterMs: number) {
    super(ErrorCode.sendingPaused, `Sending is paused since ${pause.since.toISOString()}: ${pause.reason}`);
    this.pause = pause;
    this.retryAfterMs = retryAfterMs;
  }
}
