/**
 * The S3 object reader and the S3 receipt action, against s3rver (the local S3 stand-in the
 * global setup starts).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { fileURLToPath } from "node:url";

import type { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { ApiError, ConfigurationError } from "../../src/errors";
import { sesReceivedToInboundEvent } from "../../src/ses/webhooks/inbound";
import { createS3ObjectReader, type S3ClientLike } from "../../src/ses/webhooks/s3-object-reader";
import { putObject, s3LocalClient, uniqueBucket } from "../helpers/s3-local";

const root = fileURLToPath(new URL("../..", import.meta.url));
const MIME = new Uint8Array(readFileSync(`${root}/test/fixtures/mime/attachments-rfc2231.eml`));
const MiB = 1024 * 1024;

/** Deterministic bytes, different at every offset, so a misplaced chunk cannot go unnoticed. */
function pattern(size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i += 1) {
    out[i] = (i * 31 + (i >>> 8)) & 0xff;
  }
  return out;
}

interface Observed {
  body?: IncomingMessage;
  socket?: Socket;
}

/**
 * A client that delegates to `client`, remembers each response body and its socket, and can
 * hide ContentLength (as a chunked response without one would).
 */
function observingClient(client: S3Client, options: { hideLength?: boolean } = {}) {
  const observed: Observed = {};
  const wrapped: S3ClientLike = {
    async send(command, sendOptions) {
      const output = (await client.send(command as never, sendOptions)) as {
        Body?: IncomingMessage;
        ContentLength?: number;
      };
      observed.body = output.Body;
      observed.socket = output.Body?.socket;
      return options.hideLength ? { ...output, ContentLength: undefined } : output;
    },
  };
  return { wrapped, observed };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (err: unknown) => err,
  );
}

describe("reading SES inbound mail from S3 (s3rver)", () => {
  let client: S3Client;
  const bucket = uniqueBucket("inbound");

  beforeAll(async () => {
    client = s3LocalClient();
    await putObject(client, bucket, "inbound/msg-1", MIME);
  });
  afterAll(() => client.destroy());

  it("converts an S3-action notification, reading the object it names", async () => {
    const reader = createS3ObjectReader({ client, allowedBuckets: [bucket] });
    const event = await sesReceivedToInboundEvent(
      {
        notificationType: "Received",
        mail: { timestamp: "2024-05-14T08:12:45.100Z", source: "billing@example.net", messageId: "msg-1" },
        receipt: {
          recipients: ["support@example.com"],
          spamVerdict: { status: "GRAY" },
          virusVerdict: { status: "PASS" },
          action: { type: "S3", bucketName: bucket, objectKeyPrefix: "inbound/", objectKey: "inbound/msg-1" },
        },
      },
      { topicArn: "arn:aws:sns:us-east-1:111111111111:SES_Inbound" },
      reader,
    );
    expect(event?.eventId).toBe("msg-1");
    expect(event?.message.raw).toEqual(MIME);
    expect(event?.message.attachments.map((a) => a.filename)).toContain("Rechnung März 2024.pdf");
    expect(event?.message.spamDetected).toBeUndefined();
    expect(event?.message.verdicts.virus).toBe("PASS");
  });

  it("creates its own client from clientConfig and reads a multi-megabyte object intact", async () => {
    const big = pattern(5 * MiB + 123);
    await putObject(client, bucket, "inbound/big", big);
    const reader = createS3ObjectReader({
      region: "us-east-1",
      clientConfig: {
        endpoint: client.config.endpoint ? await client.config.endpoint() : undefined,
        forcePathStyle: true,
        credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
      },
    });
    try {
      const bytes = await reader.readS3Object(bucket, "inbound/big");
      expect(bytes.byteLength).toBe(big.byteLength);
      expect(Buffer.compare(bytes, big)).toBe(0);
    } finally {
      reader.destroy();
    }
  });

  it("reports a missing key as an ApiError naming bucket and key, with NoSuchKey", async () => {
    const reader = createS3ObjectReader({ client });
    const err = await rejection(reader.readS3Object(bucket, "inbound/nope"));
    expect(err).toBeInstanceOf(ApiError);
    const apiError = err as ApiError;
    expect(apiError.message).toBe(
      `Could not read S3 object 's3://${bucket}/inbound/nope': NoSuchKey: The specified key does not exist.`,
    );
    expect(apiError.awsCode).toBe("NoSuchKey");
    expect(apiError.httpStatus).toBe(404);
    expect(apiError.cause).toMatchObject({ name: "NoSuchKey" });
  });

  it("reports a missing bucket as NoSuchBucket", async () => {
    const reader = createS3ObjectReader({ client });
    const err = await rejection(reader.readS3Object("no-such-bucket-here", "k"));
    expect(err).toMatchObject({ awsCode: "NoSuchBucket", httpStatus: 404 });
    expect((err as ApiError).message).toContain("'s3://no-such-bucket-here/k'");
  });

  it("refuses an object SES encrypted ('Encrypt message') without reading its body", async () => {
    await putObject(client, bucket, "inbound/encrypted", pattern(2 * MiB), {
      "x-amz-key-v2": "AQIDAHhZ8k...wrapped-key...",
      "x-amz-cek-alg": "AES/GCM/NoPadding",
      "x-amz-wrap-alg": "kms+context",
      "x-amz-iv": "c2VjcmV0LWl2",
    });
    const { wrapped, observed } = observingClient(client);
    const err = await rejection(
      createS3ObjectReader({ client: wrapped }).readS3Object(bucket, "inbound/encrypted"),
    );
    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as Error).message).toBe(
      `S3 object 's3://${bucket}/inbound/encrypted' was encrypted by the SES receipt rule's "Encrypt message" ` +
        "option (S3 client-side encryption), which Mailroom cannot read. Turn encryption off in the rule's S3 " +
        "action, or pass a readS3Object that decrypts the object first.",
    );
    expect(observed.body?.destroyed).toBe(true);
    expect(observed.body?.readableEnded).toBe(false);
  });

  it("refuses an object larger than maxBytes from its Content-Length, without reading it", async () => {
    await putObject(client, bucket, "inbound/huge", pattern(16 * MiB));
    const { wrapped, observed } = observingClient(client);
    const reader = createS3ObjectReader({ client: wrapped, maxBytes: MiB });
    const err = await rejection(reader.readS3Object(bucket, "inbound/huge"));
    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as Error).message).toMatch(
      `S3 object 's3://${bucket}/inbound/huge' is ${16 * MiB} bytes, more than maxBytes (${MiB} bytes)`,
    );
    expect(observed.body?.destroyed).toBe(true);
    expect(observed.body?.readableEnded).toBe(false);
    // Whatever the kernel buffered before the socket closed, it was nowhere near the object.
    expect(observed.socket?.bytesRead ?? 0).toBeLessThan(4 * MiB);
  });

  it("stops streaming at maxBytes when the length is not announced", async () => {
    const { wrapped, observed } = observingClient(client, { hideLength: true });
    const reader = createS3ObjectReader({ client: wrapped, maxBytes: MiB });
    const err = await rejection(reader.readS3Object(bucket, "inbound/huge"));
    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as Error).message).toContain(`is larger than maxBytes (${MiB} bytes)`);
    expect(observed.body?.destroyed).toBe(true);
    expect(observed.body?.readableEnded).toBe(false);
    expect(observed.socket?.bytesRead ?? 0).toBeLessThan(6 * MiB);
  });

  it("streams an unannounced body that fits into exactly the right bytes", async () => {
    const data = pattern(3 * MiB + 7);
    await putObject(client, bucket, "inbound/chunked", data);
    const { wrapped } = observingClient(client, { hideLength: true });
    const bytes = await createS3ObjectReader({ client: wrapped, maxBytes: 4 * MiB }).readS3Object(
      bucket,
      "inbound/chunked",
    );
    expect(Buffer.compare(bytes, data)).toBe(0);
  });

  it("validates maxBytes instead of silently dropping the bound", () => {
    for (const maxBytes of [0, -1, 1.5, Number.NaN, "10" as unknown as number]) {
      expect(() => createS3ObjectReader({ maxBytes })).toThrow(TypeError);
    }
  });

  it("loads the S3 SDK only on the first S3 read", () => {
    // A fresh process, so modules other tests loaded do not count.
    const script = `
      const { sesReceivedToInboundEvent } = await import("./src/ses/webhooks/inbound.ts");
      const { createS3ObjectReader } = await import("./src/ses/webhooks/s3-object-reader.ts");
      const { createRequire } = await import("node:module");
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((p) => p.includes("client-s3"));
      const reader = createS3ObjectReader({ clientConfig: { region: "us-east-1", endpoint: "http://127.0.0.1:9", maxAttempts: 1,
        credentials: { accessKeyId: "x", secretAccessKey: "x" } } });
      const content = "From: a@example.org\\r\\nSubject: hi\\r\\n\\r\\nhello\\r\\n";
      await sesReceivedToInboundEvent({ notificationType: "Received", mail: { messageId: "m" },
        receipt: { action: { type: "SNS", encoding: "UTF8" } }, content }, {}, reader);
      const before = loaded();
      const error = await reader.readS3Object("b", "k").then(() => "none", (e) => e.name + ":" + e.awsCode);
      console.log(JSON.stringify({ before, after: loaded(), error }));
    `;
    const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    });
    expect(JSON.parse(out.trim().split("\n").at(-1) ?? "")).toEqual({
      before: false,
      after: true,
      error: "ApiError:ECONNREFUSED",
    });
  });
});
