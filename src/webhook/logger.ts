/**
 * The default webhook logger: `console`, with a fixed prefix so webhook refusals are easy to grep.
 *
 * @module
 */
import type { WebhookLogger } from "./types";

/**
 * Logs to `console.warn` / `console.error` with a `[mailroom]` prefix. Used when no `logger`
 * option is given.
 *
 * @example
 * ```ts
 * consoleLogger.warn("SNS webhook refused a request", { status: 403, reason: "TopicArn not allowed" });
 * // [mailroom] SNS webhook refused a request { status: 403, reason: 'TopicArn not allowed' }
 * ```
 */
export const consoleLogger: WebhookLogger = {
  warn(message, details) {
    console.warn(`[mailroom] ${message}`, details);
  },
  error(message, details) {
    console.error(`[mailroom] ${message}`, details);
  },
};
