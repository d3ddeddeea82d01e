import type { EmailMessage, MessageField } from "./types";

/**
 * How a message field combines with the mailer's send default for it.
 * - `last`: the message's value wins; the default applies when the message has none.
 * - `concat`: lists are joined, defaults first (addresses, tags, attachments...).
 * - `shallow`: maps are merged one level deep; the message's keys win.
 * - `headers`: like `shallow`, but header names match case-insensitively.
 * - `perRecipient`: maps of maps (merge data per recipient): each recipient's map merged shallowly.
 * - `deep`: nested objects merged recursively (espExtra); arrays and scalars replace.
 *
 * On every field, `null` on the message suppresses the default; `undefined` means "not set".
 *
 * @example
 * ```ts
 * const rule: MergeRule = SEND_DEFAULT_RULES.metadata; // "shallow"
 * ```
 */
export type MergeRule = "last" | "concat" | "shallow" | "headers" | "perRecipient" | "deep";

/**
 * The merge rule of every message field: one declared table, so defaults behave the same for
 * every field (unlike Anymail's SES backend, which refuses defaults for from/to/subject...).
 *
 * @example
 * ```ts
 * SEND_DEFAULT_RULES.tags; // "concat"
 * ```
 */
export const SEND_DEFAULT_RULES = {
  from: "last",
  to: "concat",
  cc: "concat",
  bcc: "concat",
  replyTo: "concat",
  subject: "last",
  text: "last",
  html: "last",
  alternatives: "concat",
  attachments: "concat",
  headers: "headers",
  envelopeSender: "last",
  metadata: "shallow",
  tags: "concat",
  trackOpens: "last",
  trackClicks: "last",
  sendAt: "last",
  templateId: "last",
  mergeData: "perRecipient",
  mergeGlobalData: "shallow",
  mergeHeaders: "perRecipient",
  mergeMetadata: "perRecipient",
  espExtra: "deep",
  suppression: "shallow",
  unsubscribe: "last",
  listManagement: "last",
} as const satisfies Record<MessageField, MergeRule>;

type PlainObject = Record<string, unknown>;

function isPlainObject(value: unknown): value is PlainObject {
  return (
    typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
  );
}

function toList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function mergeHeaders(base: PlainObject, over: PlainObject): PlainObject {
  const result: PlainObject = {};
  const overNames = new Set(Object.keys(over).map((name) => name.toLowerCase()));
  for (const [name, value] of Object.entries(base)) {
    if (!overNames.has(name.toLowerCase())) {
      result[name] = value;
    }
  }
  return Object.assign(result, over);
}

function mergeDeep(base: PlainObject, over: PlainObject): PlainObject {
  const result: PlainObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const existing = result[key];
    result[key] = isPlainObject(existing) && isPlainObject(value) ? mergeDeep(existing, value) : value;
  }
  return result;
}

function mergePerRecipient(base: PlainObject, over: PlainObject): PlainObject {
  const result: PlainObject = { ...base };
  for (const [recipient, value] of Object.entries(over)) {
    const existing = result[recipient];
    result[recipient] = isPlainObject(existing) && isPlainObject(value) ? { ...existing, ...value } : value;
  }
  return result;
}

function combine(rule: MergeRule, base: unknown, over: unknown): unknown {
  if (rule === "last") {
    return over;
  }
  if (rule === "concat") {
    return [...toList(base), ...toList(over)];
  }
  if (!isPlainObject(base) || !isPlainObject(over)) {
    return over;
  }
  switch (rule) {
    case "shallow":
      return { ...base, ...over };
    case "headers":
      return mergeHeaders(base, over);
    case "perRecipient":
      return mergePerRecipient(base, over);
    case "deep":
      return mergeDeep(base, over);
  }
}

/**
 * Apply send defaults to a message, field by field, following {@link SEND_DEFAULT_RULES}.
 * Fields that end up `null` are dropped (null suppresses a default and means "not set").
 *
 * @example
 * ```ts
 * applySendDefaults({ tags: ["a"], bcc: "audit@example.com" }, { tags: ["b"], bcc: null });
 * // { tags: ["a", "b"] }
 * ```
 */
export function applySendDefaults(defaults: EmailMessage | undefined, message: EmailMessage): EmailMessage {
  const result: Record<string, unknown> = {};
  const fields = new Set([...Object.keys(defaults ?? {}), ...Object.keys(message)]) as Set<MessageField>;
  for (const field of fields) {
    const own: unknown = message[field];
    const fallback: unknown = defaults?.[field];
    let value: unknown;
    if (own === null) {
      value = undefined;
    } else if (own === undefined) {
      value = fallback ?? undefined;
    } else if (fallback === undefined || fallback === null) {
      value = own;
    } else {
      const rule: MergeRule | undefined = SEND_DEFAULT_RULES[field];
      value = rule === undefined ? own : combine(rule, fallback, own);
    }
    if (value !== undefined) {
      result[field] = value;
    }
  }
  return result as EmailMessage;
}
