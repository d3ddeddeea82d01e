/**
 * The ONE place where errors become HTTP statuses (DESIGN.md §3). SNS retries 5xx (and
 * timeouts) a few times and drops anything else, so the question for each error is: can a
 * retry of the very same message succeed?
 *
 * @module
 */
import { ApiError, ConfigurationError, WebhookValidationError } from "../errors";
import { CallbackError } from "./callback";
import { logSafe } from "./log-safe";
import type { WebhookLogger, WebhookOutcome } from "./types";

/**
 * What is known about the message when an error happened; logged with the error, never returned.
 *
 * @example
 * ```ts
 * const context: ErrorContext = { topicArn: envelope.TopicArn, messageId: envelope.MessageId, snsType: envelope.Type };
 * ```
 */
export interface ErrorContext {
  topicArn?: string | undefined;
  messageId?: string | undefined;
  snsType?: string | undefined;
}

/**
 * Map `error` to the outcome SNS sees, and log it:
 *
 * | error | status | why |
 * |---|---|---|
 * | `WebhookValidationError` | its `httpStatus` (400, 403, 413; 503 when a certificate download failed) | retrying the same bytes cannot pass validation |
 * | `ConfigurationError` | 500 | misrouted topic, unsupported receipt action…: SNS retries while the operator fixes the wiring |
 * | `ApiError` | 503 | AWS (S3, SNS) failed or is unreachable: worth retrying |
 * | {@link CallbackError} | 500 | the application could not take the event now |
 * | anything else | 500 | a bug: retried, and logged with its stack |
 *
 * Response bodies are fixed short texts for 5xx (details go to the log only) and the validation
 * message for 4xx; never a stack trace or a secret.
 *
 * @example
 * ```ts
 * catch (err) { return outcomeForError(err, { topicArn: envelope.TopicArn }, logger); }
 * ```
 */
export function outcomeForError(
  error: unknown,
  context: ErrorContext,
  logger: WebhookLogger,
): WebhookOutcome {
  // Request-derived values go into the log: kept on one line whatever they hold.
  const details: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(context)) {
    details[key] = typeof value === "string" ? logSafe(value) : value;
  }
  details.reason = logSafe(error instanceof Error ? error.message : String(error));
  if (error instanceof WebhookValidationError) {
    return validationOutcome(error, details, logger);
  }
  if (error instanceof ConfigurationError) {
    // Loud on purpose: nothing reaches the application until the wiring is fixed.
    logger.error(`Mailroom webhook misconfiguration: ${error.message}`, { status: 500, ...details, error });
    return { status: 500, body: "Webhook configuration error; see the application log" };
  }
  if (error instanceof ApiError) {
    logger.error("An AWS call failed while handling an SNS message; SNS will retry", {
      status: 503,
      ...details,
      awsCode: error.awsCode,
      error,
    });
    return { status: 503, body: "An AWS service call failed; retry later" };
  }
  if (error instanceof CallbackError) {
    const reason = error.cause instanceof Error ? error.cause.message : String(error.cause);
    logger.error("The application's webhook callback failed; SNS will retry", {
      status: 500,
      ...details,
      reason,
      error: error.cause,
    });
    return { status: 500, body: "The application failed to handle the event" };
  }
  logger.error("Unexpected error in the SNS webhook; SNS will retry", { status: 500, ...details, error });
  return { status: 500, body: "Internal error" };
}

function validationOutcome(
  error: WebhookValidationError,
  details: Record<string, unknown>,
  logger: WebhookLogger,
): WebhookOutcome {
  const status = error.httpStatus;
  if (status < 500) {
    logger.warn("SNS webhook refused a message", { status, ...details });
    return { status, body: error.message };
  }
  // A certificate download that failed: nothing is wrong with the message itself.
  logger.error("SNS webhook could not check a message; SNS will retry", { status, ...details, error });
  return { status, body: "Could not verify the message right now; retry later" };
}
