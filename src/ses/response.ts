import type { SendEmailCommandOutput } from "@aws-sdk/client-sesv2";

import { awsApiError } from "../aws-api-error";
import { ApiError } from "../errors";
import type { NormalizedMessage } from "../message/types";
import { statusForEveryRecipient } from "../send-status";
import type { RecipientStatus } from "../send-status";

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
  return awsApiError(err, `Amazon SES ${operation} failed`);
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
  return statusForEveryRecipient(message, "queued", messageId);
}
