/**
 * Small checks for reading untrusted SES JSON. A field the mapping needs and cannot do without
 * (a bounce's `bouncedRecipients`, a reject's `reason`) fails with a {@link WebhookValidationError}
 * naming the SES type and the JSON path, so a malformed event is answered with 400 (SNS does not
 * retry it) instead of crashing the handler with a TypeError.
 *
 * @module
 */
import { WebhookValidationError } from "../../errors";

/**
 * A parsed JSON object.
 *
 * @example
 * ```ts
 * const event: JsonRecord = JSON.parse(message) as JsonRecord;
 * ```
 */
export type JsonRecord = Record<string, unknown>;

/**
 * True for a JSON object (not an array, not null).
 *
 * @example
 * ```ts
 * isRecord({}); // true
 * isRecord([]); // false
 * ```
 */
export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function malformed(sesType: string, path: string, expected: string): never {
  throw new WebhookValidationError(
    `Malformed SES '${sesType}' event: "${path}" is missing or not ${expected}`,
  );
}

/**
 * The value as an object, or a {@link WebhookValidationError}.
 *
 * @param sesType - the SES event type, for the message
 * @param path - where the value sits in the SES JSON, for the message
 * @example
 * ```ts
 * const bounce = requireRecord(event.bounce, "Bounce", "bounce");
 * ```
 */
export function requireRecord(value: unknown, sesType: string, path: string): JsonRecord {
  return isRecord(value) ? value : malformed(sesType, path, "an object");
}

/**
 * The value as an array, or a {@link WebhookValidationError}.
 *
 * @example
 * ```ts
 * const recipients = requireArray(bounce.bouncedRecipients, "Bounce", "bounce.bouncedRecipients");
 * ```
 */
export function requireArray(value: unknown, sesType: string, path: string): unknown[] {
  return Array.isArray(value) ? value : malformed(sesType, path, "an array");
}

/**
 * The value as a string, or a {@link WebhookValidationError}.
 *
 * @example
 * ```ts
 * const reason = requireString(reject.reason, "Reject", "reject.reason");
 * ```
 */
export function requireString(value: unknown, sesType: string, path: string): string {
  return typeof value === "string" ? value : malformed(sesType, path, "a string");
}

/**
 * The value as a string; `undefined` when absent or `null` (AWS writes both for "no value"),
 * a {@link WebhookValidationError} for anything else.
 *
 * @example
 * ```ts
 * optionalString(complaint.complaintFeedbackType, "Complaint", "complaint.complaintFeedbackType"); // "abuse" | undefined
 * ```
 */
export function optionalString(value: unknown, sesType: string, path: string): string | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  return typeof value === "string" ? value : malformed(sesType, path, "a string");
}

/**
 * The value as an object; `{}` when absent or `null`, a {@link WebhookValidationError} for
 * anything else (for optional objects such as `open`, `click` or `mail`).
 *
 * @example
 * ```ts
 * const open = optionalRecord(event.open, "Open", "open");
 * ```
 */
export function optionalRecord(value: unknown, sesType: string, path: string): JsonRecord {
  if (value === undefined || value === null) {
    return {};
  }
  return requireRecord(value, sesType, path);
}

/**
 * The `emailAddress` of each entry of a recipient list (`bouncedRecipients`,
 * `complainedRecipients`, `delayedRecipients`), with each entry kept for its other fields.
 *
 * @example
 * ```ts
 * for (const { address, entry } of addressEntries(list, "Bounce", "bounce.bouncedRecipients")) { … }
 * ```
 */
export function addressEntries(
  list: readonly unknown[],
  sesType: string,
  path: string,
): { address: string; entry: JsonRecord }[] {
  return list.map((item, i) => {
    const entry = requireRecord(item, sesType, `${path}[${i}]`);
    return { address: requireString(entry.emailAddress, sesType, `${path}[${i}].emailAddress`), entry };
  });
}

/**
 * A list of strings (`mail.destination`, `delivery.recipients`), or a {@link WebhookValidationError}.
 *
 * @example
 * ```ts
 * requireStrings(delivery.recipients, "Delivery", "delivery.recipients"); // ["jane@example.com"]
 * ```
 */
export function requireStrings(value: unknown, sesType: string, path: string): string[] {
  return requireArray(value, sesType, path).map((item, i) => requireString(item, sesType, `${path}[${i}]`));
}
