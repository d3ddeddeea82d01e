/**
 * What kind of failure an SES call ended with, and whether sending again can help.
 *
 * @module
 */

/**
 * The failure kinds the retry policy distinguishes:
 * - `throttling`: the account's sending rate was exceeded (or SES throttled the API) — retry
 *   after a short backoff;
 * - `daily-quota`: the 24-hour quota is used up — never retried in-process (AWS recommends
 *   waiting minutes, and every retry before the quota frees up fails again);
 * - `server`: SES answered 5xx — retry;
 * - `network`: no HTTP answer (reset, refused, timeout) — retry; see `outcomeUnknown`;
 * - `permanent`: anything a retry cannot fix (rejected message, unverified identity, invalid
 *   parameter, suspended or paused account, other 4xx, programming errors).
 *
 * @example
 * ```ts
 * if (classifySesError(err).kind === "daily-quota") pauseCampaign();
 * ```
 */
export type ErrorKind = "throttling" | "daily-quota" | "server" | "network" | "permanent";

/**
 * The result of {@link classifySesError}.
 *
 * @example
 * ```ts
 * const c: ErrorClassification = { kind: "throttling", retryable: true, code: "TooManyRequestsException", outcomeUnknown: false };
 * ```
 */
export interface ErrorClassification {
  /** The kind of failure: `throttling`, `daily-quota`, `server`, `network` or `permanent`. */
  kind: ErrorKind;
  /** True for throttling, server and network failures. */
  retryable: boolean;
  /** The AWS error name, or the Node error code for network failures (`ECONNRESET`...). */
  code: string | undefined;
  /** The request may have reached SES and no answer came: it may have been sent. */
  outcomeUnknown: boolean;
}

const DAILY_QUOTA_TEXT = /daily message quota exceeded|daily (sending )?quota/i;
const RATE_TEXT = /maximum sending rate exceeded|rate exceeded/i;

const THROTTLING_CODES = new Set([
  "TooManyRequestsException",
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
]);

// Declared by SESv2 SendEmail/SendBulkEmail (and v1 equivalents): none of them goes away by
// sending the same request again.
const PERMANENT_CODES = new Set([
  "MessageRejected",
  "MailFromDomainNotVerifiedException",
  "MailFromDomainNotVerified",
  "AccountSuspendedException",
  "SendingPausedException",
  "AccountSendingPausedException",
  "ConfigurationSetSendingPausedException",
  "ConfigurationSetDoesNotExistException",
  "BadRequestException",
  "NotFoundException",
  "LimitExceededException",
  "AccessDeniedException",
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "ValidationException",
]);

// Network failures that can happen after the request was written: SES may have sent it.
const AMBIGUOUS_CODES = new Set([
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "UND_ERR_SOCKET",
  "TimeoutError",
  "RequestTimeout",
]);

const SERVER_CODES = new Set(["InternalFailure", "InternalServerError", "ServiceUnavailable"]);

// Transport failures (Node and undici codes, SDK timeout names).
const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
]);

interface ErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  awsCode?: unknown;
  httpStatus?: unknown;
  outcomeUnknown?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

function shapeOf(err: unknown): ErrorShape {
  return typeof err === "object" && err !== null ? (err as ErrorShape) : {};
}

function codeOf(shape: ErrorShape): string | undefined {
  // ApiError keeps the AWS name in awsCode; raw SDK errors carry it as `name`; Node network
  // errors as `code` (their `name` is just "Error").
  for (const candidate of [shape.awsCode, shape.name, shape.code]) {
    if (typeof candidate === "string" && candidate !== "" && candidate !== "Error") {
      return candidate;
    }
  }
  return undefined;
}

function statusOf(shape: ErrorShape): number | undefined {
  const status = shape.httpStatus ?? shape.$metadata?.httpStatusCode;
  return typeof status === "number" ? status : undefined;
}

function make(kind: ErrorKind, code: string | undefined, outcomeUnknown = false): ErrorClassification {
  return { kind, retryable: kind !== "daily-quota" && kind !== "permanent", code, outcomeUnknown };
}

/**
 * Classify a failed SES call: an {@link ApiError} from Mailroom, a raw AWS SDK error, or a Node
 * network error. The message text is read first, because SES reports the exhausted daily quota
 * with the same shape as a rate throttle (and the SDK would otherwise retry it as throttling).
 *
 * @example
 * ```ts
 * classifySesError(err).kind; // "throttling" for HTTP 429 "Maximum sending rate exceeded."
 * classifySesError(new ApiError("Daily message quota exceeded.", { awsCode: "TooManyRequestsException", httpStatus: 429 })).retryable; // false
 * ```
 */
export function classifySesError(err: unknown): ErrorClassification {
  const shape = shapeOf(err);
  const code = codeOf(shape);
  const status = statusOf(shape);
  const text = typeof shape.message === "string" ? shape.message : "";
  if (DAILY_QUOTA_TEXT.test(text)) {
    return make("daily-quota", code);
  }
  if ((code !== undefined && THROTTLING_CODES.has(code)) || status === 429 || RATE_TEXT.test(text)) {
    return make("throttling", code);
  }
  if (code !== undefined && (PERMANENT_CODES.has(code) || code.startsWith("InvalidParameter"))) {
    return make("permanent", code);
  }
  if ((status !== undefined && status >= 500) || (code !== undefined && SERVER_CODES.has(code))) {
    return make("server", code);
  }
  if (status === undefined && code !== undefined && NETWORK_CODES.has(code)) {
    // ApiError already decided (it knows whether an HTTP status came back); a raw error is judged
    // by its code.
    const unknown =
      typeof shape.outcomeUnknown === "boolean" ? shape.outcomeUnknown : AMBIGUOUS_CODES.has(code);
    return make("network", code, unknown);
  }
  return make("permanent", code);
}
