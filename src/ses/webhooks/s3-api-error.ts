/**
 * S3 failures as {@link ApiError}s that say which object could not be read.
 *
 * @module
 */
import { awsApiError } from "../../aws-api-error";
import type { ApiError } from "../../errors";

/**
 * The `s3://bucket/key` form of an object, as the AWS CLI and console write it.
 *
 * @example
 * ```ts
 * s3Url("mail", "inbound/abc"); // "s3://mail/inbound/abc"
 * ```
 */
export function s3Url(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/**
 * Turn what the S3 client (or the body stream) threw into an {@link ApiError} naming the bucket
 * and key, keeping the AWS error name (`awsCode`, e.g. `NoSuchKey`, `AccessDenied`), the HTTP
 * status, the request id and the original error as `cause`. The webhook answers 500, so SNS
 * retries (an IAM or bucket-policy fix then lets the retry through).
 *
 * @example
 * ```ts
 * try { await client.send(new GetObjectCommand({ Bucket, Key })); }
 * catch (err) { throw toS3ApiError(err, Bucket, Key); }
 * // ApiError: Could not read S3 object 's3://mail/inbound/abc': NoSuchKey: The specified key does not exist.
 * ```
 */
export function toS3ApiError(err: unknown, bucket: string, key: string): ApiError {
  return awsApiError(err, `Could not read S3 object '${s3Url(bucket, key)}'`);
}
