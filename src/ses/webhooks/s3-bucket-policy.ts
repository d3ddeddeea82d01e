/**
 * Which S3 buckets the inbound webhook may read: only those the operator named (DESIGN §6, fail
 * closed), never one a notification chose on its own.
 *
 * @module
 */
import { WebhookValidationError } from "../../errors";

/**
 * The refusal of a bucket the operator did not name: 403, and no S3 call. The name is quoted as
 * JSON so that whatever the notification put in it stays on one line.
 *
 * @example
 * ```ts
 * throw bucketNotAllowed("corp-private-bucket", "it is not in s3.allowedBuckets");
 * ```
 */
export function bucketNotAllowed(bucket: string, why: string): WebhookValidationError {
  return new WebhookValidationError(
    `Refused to read S3 bucket ${JSON.stringify(bucket)} named by the notification: ${why}`,
    { httpStatus: 403 },
  );
}
