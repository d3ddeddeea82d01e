/**
 * How `mailroom send` reports a SendStatus: a table for people, JSON for scripts (`--json`).
 *
 * @module
 */
import type { SendStatus } from "../../send-status";

/**
 * The JSON form of a SendStatus (Sets become arrays; the raw SDK response is left out).
 *
 * @example
 * ```ts
 * io.out(JSON.stringify(statusJson(status)));
 * ```
 */
export function statusJson(status: SendStatus): Record<string, unknown> {
  return {
    messageId: status.messageId ?? null,
    messageIds: status.messageIds,
    statuses: [...status.statuses],
    recipients: status.recipients,
  };
}

/**
 * The readable form: one line per recipient with its status and message id.
 *
 * @example
 * ```ts
 * io.out(statusText(status, "SendEmail"));
 * ```
 */
export function statusText(status: SendStatus, operation: string): string {
  const entries = Object.entries(status.recipients);
  const width = Math.max(...entries.map(([address]) => address.length), 9);
  const lines = entries.map(([address, recipient]) => {
    const error = recipient.error === undefined ? "" : `  ${recipient.error}`;
    return `  ${address.padEnd(width)}  ${recipient.status.padEnd(8)}  ${recipient.messageId ?? "-"}${error}`;
  });
  return [
    `Sent with Amazon SES ${operation}:`,
    `  ${"recipient".padEnd(width)}  status    message id`,
    ...lines,
  ].join("\n");
}
