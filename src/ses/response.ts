import type { SendEmailCommandOutput } from "@aws-sdk/client-sesv2";

import { ApiError } from "../errors";
import type { NormalizedMessage } from "../message/types";
import type { RecipientStatus } from "../send-status";

interface SdkErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $response?: unknown;
}

// Transport failures after which the request may have reached SES: the message may have been
// sent, so the status must say "unknown" rather than guess (a retry could send it twice).
const OUTCOME_UNKNOWN_CODES = new Set([
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "UND_ERR_SOCKET",
]);
const OUTCOME_UNKNOWN_NAMES = new Set(["TimeoutError", "RequestTimeout", "AbortError"]);

/**
 * Turn whatever the AWS SDK threw into an {@link ApiError} that keeps the AWS error name
 * (`awsCode`, e.g. `TooManyRequestsException`), HTTP status, request id and the SDK error as
 * `cause`.
 *
 * @param operation - the API operation, named in the message
 * @example
 * ```ts
 * try { await client.send(command); } catch (err) { throw toApiError(err, "SendEmail"); }
 * ```
 */
export function toApiError(err: unknown, operation: string): ApiError {
  if (err instanceof ApiError) {
    return err;
  }
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
    `Amazon SES ${operation} failed: ${awsCode === undefined ? "" : `${awsCode}: `}${text}`,
    { awsCode, httpStatus, requestId: shape.$metadata?.requestId, outcomeUnknown },
    { cause: err },
  );
}

/**
 * SendEmail answered: every to/cc/bcc recipient is "queued" with SES's MessageId.
 *
 * @throws ApiError when the response has no MessageId
 * @example
 * ```ts
 * parseSendEmailOutput({ MessageId: "0100-abc", $metadata: {} }, message);
 * // { "alice@example.com": { status: "queued", messageId: "0100-abc" } }
 * ```
 */
export function parseSendEmailOutput(
  output: SendEmailCommandOutput,
  message: NormalizedMessage,
): Record<string, RecipientStatus> {
  const messageId = output?.MessageId;
  if (typeof messageId !== "string" || messageId === "") {
    throw new ApiError(`Error parsing Amazon SES send result: no MessageId in ${JSON.stringify(output)}`, {
      response: output,
    });
  }
  const recipients: Record<string, RecipientStatus> = {};
  for (const addr of [...message.to, ...message.cc, ...message.bcc]) {
    recipients[addr.addrSpec] = { status: "queued", messageId };
  }
  return recipients;
}
