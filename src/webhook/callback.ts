/**
 * Calling the application's callback (`onEvent`, `onMessage`) so that its failures are told apart
 * from Mailroom's own: whatever it throws, even a Mailroom error, means "the application could
 * not take this event now", which the webhook answers with 500 so SNS retries.
 *
 * @module
 */

/**
 * The application's callback threw; the original error is the `cause`.
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof CallbackError) logger.error("onEvent failed", { error: err.cause }); }
 * ```
 */
export class CallbackError extends Error {
  constructor(cause: unknown) {
    super("The application's webhook callback threw", { cause });
    this.name = "CallbackError";
  }
}

/**
 * Run (and await) one application callback, wrapping anything it throws in {@link CallbackError}.
 *
 * @example
 * ```ts
 * for (const event of events) await invokeCallback(() => options.onEvent(event));
 * ```
 */
export async function invokeCallback(run: () => unknown): Promise<void> {
  try {
    await run();
  } catch (error) {
    throw new CallbackError(error);
  }
}
