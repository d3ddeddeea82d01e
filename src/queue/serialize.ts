/**
 * What a queue stores: messages (attachment bytes and dates included), statuses and errors,
 * as JSON strings that survive Redis and a restart.
 *
 * @module
 */
import { ApiError, MailroomError } from "../errors";
import type { EmailMessage } from "../message/types";
import type { RecipientStatus, RecipientStatusValue, SendStatus } from "../send-status";
import { classifySesError } from "./classify-error";
import type { ErrorKind } from "./classify-error";

// Tagged objects for the two value types JSON cannot carry; the tag key is unlikely to collide
// with user metadata, and the reviver only converts objects of exactly this shape.
const TAG = "$mailroom";

type Tagged = { [TAG]: "bytes"; base64: string } | { [TAG]: "date"; iso: string };

function isTagged(value: unknown): value is Tagged {
  if (typeof value !== "object" || value === null) {
    return false;
  }
  const keys = Object.keys(value);
  return keys.length === 2 && keys.includes(TAG);
}

/**
 * Serialize a message for a queue: Uint8Array/Buffer contents become base64, Dates ISO strings,
 * wherever they are (attachments, sendAt, espExtra).
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
    return value;
  });
}

/**
 * Read back a message written by {@link serializeMessage}.
 *
 * @example
 * ```ts
 * const message = deserializeMessage(job.data.message);
 * ```
 */
export function deserializeMessage(json: string): EmailMessage {
  return JSON.parse(json, (_key, value: unknown) => {
    if (!isTagged(value)) {
      return value;
    }
    if (value[TAG] === "bytes") {
      return new Uint8Array(Buffer.from(value.base64, "base64"));
    }
    return new Date(value.iso);
  }) as EmailMessage;
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
  message: string;
  /** Mailroom's stable error code (`api_error`, `invalid_address`...), for Mailroom errors. */
  code: string | undefined;
  /** The AWS error name or network code. */
  awsCode: string | undefined;
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
