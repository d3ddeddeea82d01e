/**
 * Reading the message an SES S3 receipt action stored, for the inbound webhook.
 *
 * @module
 */
import type * as S3SdkModule from "@aws-sdk/client-s3";
import type { S3ClientConfig } from "@aws-sdk/client-s3";

import { ConfigurationError, MailroomError } from "../../errors";
import { collectBoundedBody } from "./bounded-body";
import type { InboundDeps } from "./inbound";
import { s3Url, toS3ApiError } from "./s3-api-error";
import { bucketNotAllowed } from "./s3-bucket-policy";

/**
 * The part of an S3 client the reader uses: anything with the SDK's `send(command)` works, so a
 * pre-configured `S3Client` (or a test double) can be injected.
 *
 * @example
 * ```ts
 * const client: S3ClientLike = new S3Client({ region: "eu-west-1" });
 * ```
 */
export interface S3ClientLike {
  /** Send one S3 command; resolves with its output, rejects with the SDK's error. */
  send(command: object, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

/**
 * Options of {@link createS3ObjectReader}.
 *
 * @example
 * ```ts
 * const options: S3ObjectReaderOptions = {
 *   region: "us-east-1",
 *   maxBytes: 20 * 1024 * 1024,
 *   allowedBuckets: ["example-mail"],
 * };
 * ```
 */
export interface S3ObjectReaderOptions {
  /** An S3 client to use instead of creating one (its own configuration then applies). */
  client?: S3ClientLike | undefined;
  /** Configuration for the client the reader creates (endpoint, credentials, retries…). */
  clientConfig?: S3ClientConfig | undefined;
  /** AWS region of the bucket; the SDK's default chain (AWS_REGION…) applies when absent. */
  region?: string | undefined;
  /** The largest object to read, in bytes (default 40 MiB). Larger ones are refused unread. */
  maxBytes?: number | undefined;
  /**
   * The buckets your SES receipt rules write to. A notification naming any other bucket is
   * refused (403) without an S3 call. Required for S3-action mail unless the webhook has
   * `allowedTopicArns`: otherwise whoever sends the notification would choose what is read.
   */
  allowedBuckets?: readonly string[] | undefined;
}

/**
 * A reader of S3 objects, in the shape the inbound converter takes as its dependencies.
 *
 * @example
 * ```ts
 * const reader: S3ObjectReader = createS3ObjectReader();
 * const bytes = await reader.readS3Object("mail", "inbound/abc");
 * reader.destroy();
 * ```
 */
export interface S3ObjectReader extends InboundDeps {
  /** The buckets the reader may read (`allowedBuckets`); `undefined` when none were named. */
  readonly allowedBuckets: ReadonlySet<string> | undefined;
  /** Close the client the reader created (an injected client is left alone). */
  destroy(): void;
}

/** The subset of GetObject's output the reader reads. */
interface GetObjectOutputShape {
  Body?: unknown;
  ContentLength?: number;
  Metadata?: Record<string, string>;
}

type S3Sdk = typeof S3SdkModule;

const DEFAULT_MAX_BYTES = 40 * 1024 * 1024;

// SES "Encrypt message" writes the object with the S3 Encryption Client: the body is AES-GCM
// ciphertext and the envelope key lives in user metadata (x-amz-meta-x-amz-key-v2, or
// x-amz-key for the older format, plus x-amz-cek-alg). The SDK hands user metadata back without
// the x-amz-meta- prefix, with lower-cased names.
const ENCRYPTION_METADATA = ["x-amz-key-v2", "x-amz-key", "x-amz-cek-alg"];

function validateMaxBytes(value: number | undefined): number {
  if (value === undefined) {
    return DEFAULT_MAX_BYTES;
  }
  // Validated, not defaulted on falsiness: 0, NaN or a string would otherwise switch the bound off.
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError("maxBytes must be a positive integer");
  }
  return value;
}

function validateBuckets(value: readonly string[] | undefined): ReadonlySet<string> | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (!Array.isArray(value) || value.some((bucket) => typeof bucket !== "string" || bucket.trim() === "")) {
    throw new TypeError("s3.allowedBuckets must be an array of bucket names");
  }
  return new Set(value);
}

function refuseEncrypted(metadata: Record<string, string> | undefined, bucket: string, key: string): void {
  const names = Object.keys(metadata ?? {}).map((name) => name.toLowerCase());
  if (ENCRYPTION_METADATA.some((name) => names.includes(name))) {
    throw new ConfigurationError(
      `S3 object '${s3Url(bucket, key)}' was encrypted by the SES receipt rule's "Encrypt message" ` +
        "option (S3 client-side encryption), which Mailroom cannot read. Turn encryption off in the " +
        "rule's S3 action, or pass a readS3Object that decrypts the object first.",
    );
  }
}

/** Destroy a body stream nobody will read, so its socket goes back to (or out of) the pool. */
function discard(body: unknown): void {
  const stream = body as { destroy?: unknown } | null | undefined;
  if (typeof stream?.destroy === "function") {
    (stream.destroy as () => void)();
  }
}

/**
 * Create the object reader the inbound converter needs for SES S3 receipt actions. With
 * `allowedBuckets`, it reads only those buckets (anything else is refused before any S3 call). The AWS SDK
 * for S3 is imported on the first read, so an application that only gets SNS-action mail never
 * loads it. Each read is one GetObject whose body is streamed into memory with a size bound.
 * The IAM principal needs `s3:GetObject` on the bucket (and `kms:Decrypt` for SSE-KMS buckets).
 *
 * @throws TypeError when `maxBytes` is not a positive integer or `allowedBuckets` not bucket names
 * @example
 * ```ts
 * const reader = createS3ObjectReader({ region: "us-east-1", allowedBuckets: ["example-mail"] });
 * const event = await sesReceivedToInboundEvent(sesEvent, envelope, reader);
 * // readS3Object throws ApiError "Could not read S3 object 's3://bucket/key': NoSuchKey: …"
 * // (kept awsCode/httpStatus/cause), or ConfigurationError for encrypted or oversized objects.
 * ```
 */
export function createS3ObjectReader(options: S3ObjectReaderOptions = {}): S3ObjectReader {
  const maxBytes = validateMaxBytes(options.maxBytes);
  const allowedBuckets = validateBuckets(options.allowedBuckets);
  let sdk: Promise<S3Sdk> | undefined;
  let created: { destroy(): void } | undefined;
  let client: S3ClientLike | undefined = options.client;

  async function load(): Promise<S3Sdk> {
    sdk ??= import("@aws-sdk/client-s3").catch((err: unknown) => {
      sdk = undefined;
      throw new ConfigurationError("Reading S3 objects needs the @aws-sdk/client-s3 package", {
        cause: err,
      });
    });
    return sdk;
  }

  async function getObject(bucket: string, key: string, signal: AbortSignal): Promise<GetObjectOutputShape> {
    const { GetObjectCommand, S3Client } = await load();
    if (client === undefined) {
      const s3 = new S3Client({
        ...options.clientConfig,
        ...(options.region === undefined ? {} : { region: options.region }),
      });
      created = s3;
      client = s3;
    }
    try {
      const output = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), {
        abortSignal: signal,
      });
      return (output ?? {}) as GetObjectOutputShape;
    } catch (err) {
      throw toS3ApiError(err, bucket, key);
    }
  }

  async function readS3Object(bucket: string, key: string): Promise<Uint8Array> {
    if (allowedBuckets !== undefined && !allowedBuckets.has(bucket)) {
      throw bucketNotAllowed(bucket, "it is not in s3.allowedBuckets");
    }
    const controller = new AbortController();
    const output = await getObject(bucket, key, controller.signal);
    try {
      refuseEncrypted(output.Metadata, bucket, key);
      return await collectBoundedBody(output.Body, {
        maxBytes,
        expectedLength: typeof output.ContentLength === "number" ? output.ContentLength : undefined,
        what: `S3 object '${s3Url(bucket, key)}'`,
      });
    } catch (err) {
      // Whatever went wrong, stop the transfer: the rest of the body is not wanted.
      controller.abort();
      discard(output.Body);
      throw err instanceof MailroomError ? err : toS3ApiError(err, bucket, key);
    }
  }

  return {
    readS3Object,
    allowedBuckets,
    destroy() {
      created?.destroy();
      created = undefined;
      client = options.client;
    },
  };
}
