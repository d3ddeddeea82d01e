import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { inject } from "vitest";

import { PRECONFIGURED_BUCKETS } from "./s3rver-server";

// The SDK warns on Node 20 about its future releases; the warning is noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

export function s3Endpoint(): string {
  return inject("s3Endpoint");
}

/** An S3 client pointed at s3rver: path-style URLs, and the access key id s3rver insists on. */
export function s3LocalClient(): S3Client {
  return new S3Client({
    endpoint: s3Endpoint(),
    forcePathStyle: true,
    region: "us-east-1",
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    maxAttempts: 1,
  });
}

/** Create a bucket; an existing one (from an earlier test in the run) is fine. */
export async function createBucket(client: S3Client, bucket: string): Promise<void> {
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (err) {
    if ((err as { name?: string }).name !== "BucketAlreadyExists") {
      throw err;
    }
  }
}

/** Put an object (creating its bucket first unless s3rver was started with it), with optional user metadata. */
export async function putObject(
  client: S3Client,
  bucket: string,
  key: string,
  body: Uint8Array | string,
  metadata?: Record<string, string>,
): Promise<void> {
  if (!PRECONFIGURED_BUCKETS.includes(bucket)) {
    await createBucket(client, bucket);
  }
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, Metadata: metadata }));
}

/** A fresh bucket name per test file, so tests never see each other's objects. */
export function uniqueBucket(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
