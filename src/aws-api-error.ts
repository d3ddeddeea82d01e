import { ApiError } from "./errors";

/** What Mailroom reads from an error the AWS SDK threw (a ServiceException or a network error). */
interface SdkErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

// Transport failures after which the request may have reached AWS: a send may have happened, so
// the status must say "unknown" rather than guess (a retry could send it twice).
const OUTCOME_UNKNOWN_CODES = new Set([
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "UND_ERR_SOCKET",
]);
const OUTCOME_UNKNOWN_NAMES = new Set(["TimeoutError", "RequestTimeout", "AbortError"]);

/**
 * Turn whatever an AWS SDK call threw into an {@link ApiError} that keeps the AWS error name
 * (`awsCode`, e.g. `TooManyRequestsException`, `NoSuchKey`; a Node code such as `ECONNREFUSED`
 * for network errors), the HTTP status, the request id, whether the outcome is unknown, and the
 * original error as `cause`. One reader for every AWS service Mailroom calls.
 *
 * @param context - what failed, the start of the message, e.g. "Amazon SES SendEmail failed"
 * @example
 * ```ts
 * try { await s3.send(command); } catch (err) { throw awsApiError(err, "Could not read S3 object 's3://b/k'"); }
 * // ApiError: Could not read S3 object 's3://b/k': NoSuchKey: The specified key does not exist.
 * ```
 */
export function awsApiError(err: unknown, context: string): ApiError {
  const shape: SdkErrorShape = typeof err === "object" && err !== null ? (err as SdkErrorShape) : {};
  const code = typeof shape.code === "string" ? shape.code : undefined;
  // Network errors arrive as a plain Error with a Node code (ECONNREFUSED...): report the code.
  const awsCode = typeof shape.name === "string" && shape.name !== "Error" ? shape.name : code;
  const text = typeof shape.message === "string" && shape.message !== "" ? shape.message : String(err);
  const httpStatus = shape.$metadata?.httpStatusCode;
  const outcomeUnknown =
    httpStatus === undefined &&
    ((code !== undefined && OUTCOME_UNKNOWN_CODES.has(code)) ||
      (awsCode !== undefined && OUTCOME_UNKNOWN_NAMES.has(awsCode)));
  return new ApiError(
    `${context}: ${awsCode === undefined ? "" : `${awsCode}: `}${text}`,
    { awsCode, httpStatus, requestId: shape.$metadata?.requestId, outcomeUnknown },
    { cause: err },
  );
}
