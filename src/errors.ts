/**
 * Every error Mailroom throws is a {@link MailroomError} with a stable `code`, so callers can
 * branch on `err.code` without string matching, and the original error (an AWS SDK error, a
 * JSON error...) is kept as `cause`.
 *
 * @module
 */
import type { SendStatus } from "./send-status";

/**
 * The stable codes of Mailroom's errors.
 *
 * @example
 * ```ts
 * import { ErrorCode, isMailroomError } from "mailroom-ses";
 *
 * declare const err: unknown;
 * if (isMailroomError(err) && err.code === ErrorCode.api) console.log("AWS said no");
 * ```
 */
export const ErrorCode = {
  unsupportedFeature: "unsupported_feature",
  invalidAddress: "invalid_address",
  invalidMessage: "invalid_message",
  api: "api_error",
  serialization: "serialization_error",
  configuration: "configuration_error",
  recipientsRefused: "recipients_refused",
  webhookValidation: "webhook_validation",
  sendingPaused: "sending_paused",
  queueUnavailable: "queue_unavailable",
} as const;

/**
 * One of the {@link ErrorCode} values.
 *
 * @example
 * ```ts
 * import type { ErrorCode } from "mailroom-ses";
 *
 * const retryable: ErrorCode[] = ["api_error"];
 * ```
 */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

// The ESM and CommonJS builds of this package each have their own classes, and an application can
// load both (an ESM app with a CommonJS dependency that also uses Mailroom). `instanceof` then
// compares brands instead of prototypes: every error carries, under a registry-wide symbol, the
// stable kinds of its class chain, and every class knows its own kind.
const KINDS = Symbol.for("mailroom-ses.error-kinds");
const KIND = Symbol.for("mailroom-ses.error-kind");

/** Give an error class its stable kind (its name, fixed here so bundlers cannot rename it). */
function brand(errorClass: object, kind: string): void {
  Object.defineProperty(errorClass, KIND, { value: kind });
}

/** A class's own kind, or its name when a subclass did not brand itself. */
function kindOf(errorClass: unknown): string | undefined {
  if (typeof errorClass !== "function") {
    return undefined;
  }
  return Object.hasOwn(errorClass, KIND) ? String(Reflect.get(errorClass, KIND)) : errorClass.name;
}

/** The kinds an error was branded with when it was made, by any copy of this package. */
function kindsOf(value: unknown): readonly unknown[] | undefined {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) {
    return undefined;
  }
  const kinds: unknown = (value as { [KINDS]?: unknown })[KINDS];
  return Array.isArray(kinds) ? kinds : undefined;
}

/**
 * Base class of every error Mailroom throws. `instanceof` works across the package's ESM and
 * CommonJS builds (an error thrown by one copy is an instance of the other copy's classes), and so
 * does {@link isMailroomError}.
 *
 * @typeParam Code - the error's code; each subclass fixes its own (`ApiError`: `"api_error"`)
 * @example
 * ```ts
 * import { createMailer, amazonSes, MailroomError } from "mailroom-ses";
 *
 * const mailer = createMailer({ backend: amazonSes() });
 * try {
 *   await mailer.send({ from: "shop@example.com", to: "alice@example.com", subject: "Hi", text: "Hello" });
 * } catch (err) {
 *   if (err instanceof MailroomError && err.code === "api_error") console.log("retry later");
 * }
 * ```
 */
export class MailroomError<Code extends ErrorCode = ErrorCode> extends Error {
  static {
    brand(this, "MailroomError");
  }

  /** A stable, machine-readable code. */
  readonly code: Code;

  /**
   * @param code - the stable code
   * @param message - what went wrong and, where it helps, what to change
   * @param options - `cause`: the underlying error
   */
  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
    const kinds: string[] = [];
    for (let c: unknown = new.target; typeof c === "function" && c !== Error; c = Object.getPrototypeOf(c)) {
      const kind = kindOf(c);
      if (kind !== undefined) {
        kinds.push(kind);
      }
    }
    Object.defineProperty(this, KINDS, { value: Object.freeze(kinds) });
  }

  /**
   * `value instanceof SomeMailroomErrorClass`: true for instances of the class, including those
   * made by another build (ESM or CommonJS) or copy of this package.
   *
   * @param value - anything
   */
  static override [Symbol.hasInstance]<T>(
    this: abstract new (...args: never[]) => T,
    value: unknown,
  ): value is T {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) {
      return true;
    }
    const kind = kindOf(this);
    return kind !== undefined && (kindsOf(value)?.includes(kind) ?? false);
  }
}

/**
 * True when `value` is an error Mailroom threw, from whichever build (ESM or CommonJS) or copy of
 * the package; with a `code`, only errors with that code. The same test as
 * `value instanceof MailroomError`, as a function.
 *
 * @param value - anything, typically what a `catch` caught
 * @param code - only errors with this code
 * @example
 * ```ts
 * import { createMailer, amazonSes, isMailroomError } from "mailroom-ses";
 *
 * const mailer = createMailer({ backend: amazonSes() });
 * try {
 *   await mailer.send({ from: "shop@example.com", to: "alice@example.com", subject: "Hi", text: "Hello" });
 * } catch (err) {
 *   if (isMailroomError(err, "api_error")) console.log(err.code); // "api_error"
 *   else if (isMailroomError(err)) console.log(err.code, err.message);
 *   else throw err;
 * }
 * ```
 */
export function isMailroomError(value: unknown): value is MailroomError;
export function isMailroomError<Code extends ErrorCode>(
  value: unknown,
  code: Code,
): value is MailroomError<Code>;
export function isMailroomError(value: unknown, code?: ErrorCode): boolean {
  return value instanceof MailroomError && (code === undefined || value.code === code);
}

/**
 * The message uses something Amazon SES cannot express (merge data without a template, several
 * From addresses...). Turn these into no-ops with `ignoreUnsupportedFeatures: true`.
 *
 * @example
 * ```ts
 * await mailer.send({ ...message, mergeData: { "a@example.com": {} } });
 * // UnsupportedFeatureError: Amazon SES does not support merge_data without templateId
 * ```
 */
export class UnsupportedFeatureError extends MailroomError<typeof ErrorCode.unsupportedFeature> {
  static {
    brand(this, "UnsupportedFeatureError");
  }

  /** The feature, as named in the message ("sendAt", "multiple from addresses"...). */
  readonly feature: string;

  constructor(feature: string, esp = "Amazon SES") {
    super(ErrorCode.unsupportedFeature, `${esp} does not support ${feature}`);
    this.feature = feature;
  }
}

/**
 * An email address could not be parsed, or cannot be sent through SES (a non-ASCII local part).
 *
 * @example
 * ```ts
 * await mailer.send({ from: "Widgets, Inc. <w@example.com>", to: "x@example.com" });
 * // InvalidAddressError: Invalid email address 'Widgets' in `from` parsed from ...
 * ```
 */
export class InvalidAddressError extends MailroomError<typeof ErrorCode.invalidAddress> {
  static {
    brand(this, "InvalidAddressError");
  }

  /** The message field the address came from (`to`, `from`, `replyTo`...). */
  readonly field: string;
  /** The input the address was parsed from. */
  readonly input: string;

  constructor(message: string, field: string, input: string) {
    super(ErrorCode.invalidAddress, message);
    this.field = field;
    this.input = input;
  }
}

/**
 * The message itself is malformed: a CR or LF in a header (header injection), an invalid
 * header name, no recipients, an attachment without content.
 *
 * @example
 * ```ts
 * await mailer.send({ ...message, subject: "Hi\r\nBcc: victim@example.com" });
 * // InvalidMessageError: `subject` contains a CR or LF character ...
 * ```
 */
export class InvalidMessageError extends MailroomError<typeof ErrorCode.invalidMessage> {
  static {
    brand(this, "InvalidMessageError");
  }

  /** The message field at fault. */
  readonly field: string;

  constructor(message: string, field: string) {
    super(ErrorCode.invalidMessage, message);
    this.field = field;
  }
}

/**
 * Details of a failed AWS call, as {@link ApiError} exposes them.
 *
 * @example
 * ```ts
 * throw new ApiError("SES refused the message", { awsCode: "MessageRejected", httpStatus: 400 });
 * ```
 */
export interface ApiErrorDetails {
  /** The AWS error name, e.g. `MessageRejected`, `TooManyRequestsException`. */
  awsCode?: string | undefined;
  /** The HTTP status of the AWS response, when there was one. */
  httpStatus?: number | undefined;
  /** The AWS request id, for support cases. */
  requestId?: string | undefined;
  /** The parsed response, when the call answered but could not be used. */
  response?: unknown;
  /**
   * True when the request may have reached AWS and no answer came (a timeout or a reset
   * after sending): the message may or may not have been sent.
   */
  outcomeUnknown?: boolean | undefined;
}

/**
 * An AWS API call failed, or answered something that could not be used.
 *
 * @example
 * ```ts
 * catch (err) {
 *   if (err instanceof ApiError && err.awsCode === "MessageRejected") markAddressBad();
 * }
 * ```
 */
export class ApiError extends MailroomError<typeof ErrorCode.api> {
  static {
    brand(this, "ApiError");
  }

  /** The AWS error name, e.g. `MessageRejected`, `TooManyRequestsException`. */
  readonly awsCode: string | undefined;
  /** The HTTP status of the AWS response, when there was one. */
  readonly httpStatus: number | undefined;
  /** The AWS request id, for support cases. */
  readonly requestId: string | undefined;
  /** The parsed response, when the call answered but could not be used. */
  readonly response: unknown;
  /** True when the request may have reached AWS and no answer came: it may or may not have been sent. */
  readonly outcomeUnknown: boolean;

  constructor(message: string, details: ApiErrorDetails = {}, options?: { cause?: unknown }) {
    super(ErrorCode.api, message, options);
    this.awsCode = details.awsCode;
    this.httpStatus = details.httpStatus;
    this.requestId = details.requestId;
    this.response = details.response;
    this.outcomeUnknown = details.outcomeUnknown ?? false;
  }
}

/**
 * Metadata or merge data could not be turned into JSON (a BigInt, a cycle, a value too long to
 * fit a header line).
 *
 * @example
 * ```ts
 * await mailer.send({ ...message, metadata: { total: 10n } });
 * // SerializationError: Don't know how to send this data to Amazon SES ...
 * ```
 */
export class SerializationError extends MailroomError<typeof ErrorCode.serialization> {
  static {
    brand(this, "SerializationError");
  }

  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.serialization, message, options);
  }
}

/**
 * Mailroom or AWS is wired up wrongly (a missing option, an inbound topic posting to the
 * tracking webhook...). The message says what to change.
 *
 * @example
 * ```ts
 * createMailer({ backend: undefined as never }); // ConfigurationError: createMailer needs a backend
 * ```
 */
export class ConfigurationError extends MailroomError<typeof ErrorCode.configuration> {
  static {
    brand(this, "ConfigurationError");
  }

  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.configuration, message, options);
  }
}

/**
 * Every recipient of the message was refused (rejected or invalid), so nothing was sent.
 * Disable with `ignoreRecipientStatus: true`.
 *
 * @example
 * ```ts
 * catch (err) {
 *   if (err instanceof RecipientsRefusedError) console.log(err.status.recipients);
 * }
 * ```
 */
export class RecipientsRefusedError extends MailroomError<typeof ErrorCode.recipientsRefused> {
  static {
    brand(this, "RecipientsRefusedError");
  }

  /** The send status, with every recipient's individual status. */
  readonly status: SendStatus;

  constructor(status: SendStatus, message = "All message recipients were rejected or invalid") {
    super(ErrorCode.recipientsRefused, message);
    this.status = status;
  }
}

/**
 * A webhook request or the event inside it failed validation: a malformed SES event (a bounce
 * without `bouncedRecipients`...), a body that is not what SNS sends. Retrying cannot fix it, so
 * the webhook core answers with `httpStatus` (400 unless said otherwise), which SNS does not retry.
 *
 * @example
 * ```ts
 * try {
 *   sesEventToTrackingEvents({ eventType: "Bounce", bounce: {} }, {});
 * } catch (err) {
 *   if (err instanceof WebhookValidationError) console.log(err.httpStatus); // 400
 * }
 * ```
 */
export class WebhookValidationError extends MailroomError<typeof ErrorCode.webhookValidation> {
  static {
    brand(this, "WebhookValidationError");
  }

  /** The HTTP status the webhook should answer with (4xx: SNS will not retry). */
  readonly httpStatus: number;

  constructor(message: string, options?: { httpStatus?: number; cause?: unknown }) {
    super(ErrorCode.webhookValidation, message, options);
    this.httpStatus = options?.httpStatus ?? 400;
  }
}

/**
 * The mail queue's Redis did not answer in time (down, unreachable, or too slow): the operation
 * (`enqueue`, `send({ sendAt })`, `result`...) failed after the queue's `operationTimeoutMs`
 * instead of waiting for Redis to come back. An `enqueue` that timed out after Redis had
 * answered once may still have been stored: pass your own `jobId` to retry it safely.
 *
 * @example
 * ```ts
 * try {
 *   await mailer.send({ ...message, sendAt });
 * } catch (err) {
 *   if (err instanceof QueueUnavailableError) respondWith503();
 * }
 * ```
 */
export class QueueUnavailableError extends MailroomError<typeof ErrorCode.queueUnavailable> {
  static {
    brand(this, "QueueUnavailableError");
  }

  /** What was being done (`enqueue`, `result`...). */
  readonly operation: string;

  constructor(operation: string, message: string, options?: { cause?: unknown }) {
    super(ErrorCode.queueUnavailable, message, options);
    this.operation = operation;
  }
}
