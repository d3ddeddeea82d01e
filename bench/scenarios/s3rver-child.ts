/**
 * Child process for the inbound-s3-large benchmark: runs s3rver and stores the test object, so
 * neither the stand-in's memory nor the object's generation counts against the benchmark's RSS.
 * Reports `{ endpoint, bucket, key, size }` over IPC, then serves until killed.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";

import { startS3rver } from "../../test/helpers/s3rver-server";
import { inboundMessage } from "./inbound-messages";

const size = Number(process.argv[2] ?? 25_000_000);
const s3 = await startS3rver();
const client = new S3Client({
  endpoint: s3.endpoint,
  forcePathStyle: true,
  region: "us-east-1",
  credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
});
const bucket = "bench-inbound";
const key = "inbound/bench-large-0001";
const body = inboundMessage(size);
await client.send(new CreateBucketCommand({ Bucket: bucket }));
await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
client.destroy();
process.send?.({ endpoint: s3.endpoint, bucket, key, size: body.byteLength });
process.on("SIGTERM", () => {
  void s3.stop().finally(() => process.exit(0));
});
