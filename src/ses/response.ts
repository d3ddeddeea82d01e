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

// What SES MessageIds and region names are made of; anything else never goes into an id.
const SES_ID = /^[A-Za-z0-9._-]+$/;
const REGION = /^[a-z0-9-]+$/;

/**
 * The RFC 5322 Message-ID SES puts on a message it sent: SES replaces any Message-ID you set
 * with `<MessageId@REGION.amazonses.com>`, where us-east-1 is `email` instead of its region
 * name. Replies quote it in `In-Reply-To`/`References`, so keep it to thread them. The format
 * is what SES has always done and what nodemailer reports as `info.messageId`; AWS documents
 * that the header is replaced, not its format.
 *
 * @returns the Message-ID with angle brackets, or undefined when the id or region is unknown
 * @example
 * ```ts
 * sesRfcMessageId("0100018c-abc-000000", "us-east-1"); // "<0100018c-abc-000000@email.amazonses.com>"
 * sesRfcMessageId("0100018c-abc-000000", "eu-west-1"); // "<0100018c-abc-000000@eu-west-1.amazonses.com>"
 * ```
 */
export function sesRfcMessageId(
  messageId: string | undefined,
  region: string | undefined,
): string | undefined {
  if (messageId === undefined || region === undefined || !SES_ID.test(messageId) || !REGION.test(region)) {
    return undefined;
  }
  return `<${messageId}@${region === "us-east-1" ? "email" : region}.amazonses.com>`;
}

/**
 * Add each recipient's {@link sesRfcMessageId} to the statuses SES answered with.
 *
 * @example
 * ```ts
 * withRfcMessageIds({ "a@example.com": { status: "queued", messageId: "0100-abc" } }, "us-east-1");
 * // { "a@example.com": { status: "queued", messageId: "0100-abc", rfcMessageId: "<0100-abc@email.amazonses.com>" } }
 * ```
 */
export function withRfcMessageIds(
  recipients: Record<string, RecipientStatus>,
  region: string | undefined,
): Record<string, RecipientStatus> {
  const result: Record<string, RecipientStatus> = {};
  for (const [address, status] of Object.entries(recipients)) {
    const rfcMessageId = sesRfcMessageId(status.messageId, region);
    result[address] = rfcMessageId === undefined ? status : { ...status, rfcMessageId };
  }
  return result;
}
