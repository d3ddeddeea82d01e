/**
 * What a queue stores: messages (attachment bytes and dates included), statuses and errors,
 * as JSON strings that survive Redis and a restart.
 *
 * @module
 */
import { ApiError, MailroomError, SerializationError } from "../errors";
import type { EmailMessage } from "../message/types";
import type { RecipientStatus, RecipientStatusValue, SendStatus } from "../send-status";
import { classifySesError } from "./classify-error";
import type { ErrorKind } from "./classify-error";

// The two value types JSON cannot carry become objects with this key. Why the key escaping
// below: user data may hold the same key (metadata is the user's), and a lookalike must come
// back as it went in. Every user key that starts with "$" gains one more "$" on the way in and
// loses it on the way out, so an object whose key is exactly "$mailroom" is always ours.
const TAG = "$mailroom";

type Tagged = { [TAG]: "bytes"; base64: string } | { [TAG]: "date"; iso: string };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Rename `$key` to `$$key`; Object.fromEntries defines own properties (even "__proto__"). */
function escapeKeys(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [key.startsWith("$") ? `$${key}` : key, v]),
  );
}

function unescapeKeys(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [key.startsWith("$$") ? key.slice(1) : key, v]),
  );
}

function revive(value: Record<string, unknown>): unknown {
  if (!Object.hasOwn(value, TAG)) {
    return Object.keys(value).some((key) => key.startsWith("$$")) ? unescapeKeys(value) : value;
  }
  const tagged = value as Tagged;
  if (tagged[TAG] === "bytes" && typeof tagged.base64 === "string") {
    return new Uint8Array(Buffer.from(tagged.base64, "base64"));
  }
  if (tagged[TAG] === "date" && typeof (tagged as { iso?: unknown }).iso === "string") {
    return new Date((tagged as { iso: string }).iso);
  }
  throw new SerializationError(`Unknown tagged value in a queued message: ${JSON.stringify(value[TAG])}`);
}

/**
 * Serialize a message for a queue: Uint8Array/Buffer contents become base64, Dates ISO strings,
 * wherever they are (attachments, sendAt, espExtra); any other value, user objects that look
 * like these tags included, comes back exactly as JSON would carry it.
 *
 * @example
 * ```ts
 * const json = serializeMessage({ to: "a@example.com", attachments: [{ filename: "a.bin", content: bytes }] });
 * deserializeMessage(json).attachments?.[0]?.content; // Uint8Array with the same bytes
 * ```
 */
export function serializeMessage(message: EmailMessage): string {
  return JSON.stringify(message, function replacer(this: Record<string, unknown>, key, value: unknown) {
    // Read the holder: Date and Buffer have toJSON, which already ran on `value`.
    const original = key === "" ? value : this[key];
    if (original instanceof Uint8Array) {
      const bytes = Buffer.from(original.buffer, original.byteOffset, original.byteLength);
      return { [TAG]: "bytes", base64: bytes.toString("base64") };
    }
    if (original instanceof Date) {
      return { [TAG]: "date", iso: original.toISOString() };
    }
    if (isPlainObject(value) && Object.keys(value).some((name) => name.startsWith("$"))) {
      return escapeKeys(value);
    }
    return value;
  });
}

/**
 * Read back a message written by {@link serializeMessage}.
 *
 * @throws SerializationError for a tagged value this version does not know
 * @example
 * ```ts
 * const message = deserializeMessage(job.data.message);
 * ```
 */
export function deserializeMessage(json: string): EmailMessage {
  // Bottom-up is safe: after escaping, only Mailroom's own objects have the exact key "$mailroom".
  return JSON.parse(json, (_key, value: unknown) =>
    isPlainObject(value) ? revive(value) : value,
  ) as EmailMessage;
}

/**
 * A SendStatus as a queue stores it: the Set as an array, without the raw ESP response.
 *
 * @example
 * ```ts
 * const stored: StoredStatus = storeStatus(await mailer.send(message));
 * ```
 */
export interface StoredStatus {
  messageId: string | undefined;
  messageIds: string[];
  statuses: RecipientStatusValue[];
  recipients: Record<string, RecipientStatus>;
  cancelled: boolean;
}

/**
 * @example
 * ```ts
 * const stored = storeStatus(await mailer.send(message)); // JSON-safe
 * ```
 */
export function storeStatus(status: SendStatus): StoredStatus {
  return {
    messageId: status.messageId,
    messageIds: [...status.messageIds],
    statuses: [...status.statuses],
    recipients: status.recipients,
    cancelled: status.cancelled,
  };
}

/**
 * @example
 * ```ts
 * restoreStatus(stored).statuses.has("queued");
 * ```
 */
export function restoreStatus(stored: StoredStatus, jobId?: string): SendStatus {
  return {
    messageId: stored.messageId ?? undefined,
    messageIds: stored.messageIds,
    statuses: new Set(stored.statuses),
    recipients: stored.recipients,
    cancelled: stored.cancelled,
    response: undefined,
    ...(jobId === undefined ? {} : { jobId }),
  };
}

/**
 * Why a queued message was not sent (or may not have been), in a form that survives JSON.
 *
 * @example
 * ```ts
 * if (result.state === "failed" && result.error.awsCode === "MessageRejected") markAddressBad();
 * ```
 */
export interface JobErrorInfo {
  /** The error class name (`ApiError`, `InvalidAddressError`...). */
  name: string;
  /** The error's message. */
  message: string;
  /** Mailroom's stable error code (`api_error`, `invalid_address`...), for Mailroom errors. */
  code: string | undefined;
  /** The AWS error name or network code. */
  awsCode: string | undefined;
  /** The HTTP status of the AWS response, when there was one. */
  httpStatus: number | undefined;
  /** How the retry policy classified it. */
  kind: ErrorKind;
}

/**
 * @example
 * ```ts
 * describeError(new ApiError("boom", { awsCode: "MessageRejected" })).kind; // "permanent"
 * ```
 */
export function describeError(error: unknown): JobErrorInfo {
  const classification = classifySesError(error);
  return {
    name: error instanceof Error ? error.name : typeof error,
    message: error instanceof Error ? error.message : String(error),
    code: error instanceof MailroomError ? error.code : undefined,
    awsCode: error instanceof ApiError ? error.awsCode : classification.code,
    httpStatus: error instanceof ApiError ? error.httpStatus : undefined,
    kind: classification.kind,
  };
}
