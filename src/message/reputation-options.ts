/**
 * Validation of the message fields that meet the reputation layer: `suppression`,
 * `unsubscribe` and `listManagement`. Pure.
 *
 * @module
 */
import { InvalidMessageError } from "../errors";
import { parseSingleAddress } from "./address";
import { assertSingleLine } from "./headers";
import type { ListManagement, MessageUnsubscribe, NormalizedMessage } from "./types";

const IGNORABLE = new Set(["unsubscribe", "manual"]);
/** Scope names: printable, no spaces, bounded (they become Redis key parts and token fields). */
const SCOPE = /^[\x21-\x7e]{1,64}$/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function onlyKeys(value: Record<string, unknown>, keys: readonly string[], field: string): void {
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) {
      throw new InvalidMessageError(`Unknown field \`${field}.${key}\``, field);
    }
  }
}

/**
 * Check a scope name: 1 to 64 printable ASCII characters, no spaces.
 *
 * @example
 * ```ts
 * checkScope("marketing", "suppression.scope"); // "marketing"
 * ```
 */
export function checkScope(value: unknown, field: string): string {
  if (typeof value !== "string" || !SCOPE.test(value)) {
    throw new InvalidMessageError(
      `\`${field}\` must be 1 to 64 printable ASCII characters without spaces`,
      field,
    );
  }
  return value;
}

/**
 * Validate `message.suppression`.
 *
 * @example
 * ```ts
 * normalizeSuppression({ scope: "marketing" }); // { scope: "marketing", ignoreReasons: [] }
 * ```
 */
export function normalizeSuppression(value: unknown): NormalizedMessage["suppression"] {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (!isPlainObject(value)) {
    throw new InvalidMessageError("`suppression` must be an object", "suppression");
  }
  onlyKeys(value, ["scope", "ignoreReasons"], "suppression");
  const scope = value.scope === undefined ? undefined : checkScope(value.scope, "suppression.scope");
  const reasons = value.ignoreReasons ?? [];
  if (!Array.isArray(reasons) || !reasons.every((reason) => IGNORABLE.has(reason as string))) {
    // Fail closed: a bounce or complaint entry protects the account and is never skipped.
    throw new InvalidMessageError(
      '`suppression.ignoreReasons` may only list "unsubscribe" and "manual" (bounces and complaints always apply)',
      "suppression.ignoreReasons",
    );
  }
  return { scope, ignoreReasons: [...(reasons as ("unsubscribe" | "manual")[])] };
}

/**
 * Validate `message.unsubscribe` (`true` becomes `{}`).
 *
 * @example
 * ```ts
 * normalizeUnsubscribe(true); // {}
 * ```
 */
export function normalizeUnsubscribe(value: unknown): MessageUnsubscribe | undefined {
  if (value === undefined || value === null || value === false) {
    return undefined;
  }
  if (value === true) {
    return {};
  }
  if (!isPlainObject(value)) {
    throw new InvalidMessageError("`unsubscribe` must be true or an object", "unsubscribe");
  }
  onlyKeys(value, ["scope", "mailto"], "unsubscribe");
  const result: MessageUnsubscribe = {};
  if (value.scope !== undefined) {
    result.scope = checkScope(value.scope, "unsubscribe.scope");
  }
  if (value.mailto !== undefined) {
    if (typeof value.mailto !== "string") {
      throw new InvalidMessageError("`unsubscribe.mailto` must be an address", "unsubscribe.mailto");
    }
    result.mailto = parseSingleAddress(value.mailto, "unsubscribe.mailto").asciiAddrSpec;
  }
  return result;
}

/**
 * Validate `message.listManagement`.
 *
 * @example
 * ```ts
 * normalizeListManagement({ contactListName: "Customers", topicName: "news" });
 * ```
 */
export function normalizeListManagement(value: unknown): ListManagement | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (!isPlainObject(value) || typeof value.contactListName !== "string" || value.contactListName === "") {
    throw new InvalidMessageError(
      "`listManagement` must be { contactListName: string, topicName?: string }",
      "listManagement",
    );
  }
  onlyKeys(value, ["contactListName", "topicName"], "listManagement");
  assertSingleLine(value.contactListName, "listManagement.contactListName");
  const result: ListManagement = { contactListName: value.contactListName };
  if (value.topicName !== undefined) {
    if (typeof value.topicName !== "string" || value.topicName === "") {
      throw new InvalidMessageError(
        "`listManagement.topicName` must be a string",
        "listManagement.topicName",
      );
    }
    assertSingleLine(value.topicName, "listManagement.topicName");
    result.topicName = value.topicName;
  }
  return result;
}
