import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import PostalMime from "postal-mime";

import { parseInboundMessage } from "../../src/inbound/inbound-message";
import { sesReceivedToInboundEvent, type InboundDeps } from "../../src/ses/webhooks/inbound";
import { createS3ObjectReader, type S3ObjectReader } from "../../src/ses/webhooks/s3-object-reader";
import type { Scenario } from "../harness";
import { inboundMessage } from "./inbound-messages";

const MB = 1_000_000;
const TOPIC = "arn:aws:sns:us-east-1:123456789012:SES_Inbound";

function receivedNotification(action: Record<string, unknown>, content?: string): string {
  return JSON.stringify({
    notificationType: "Received",
    mail: {
      timestamp: "2024-10-07T09:12:31.512Z",
      source: "customer@example.org",
      messageId: "0bench000000000000000000000000000000001",
      destination: ["support@example.com", "legal@example.org"],
      headersTruncated: false,
      headers: [{ name: "Subject", value: "=?utf-8?q?Re=3A_Vertrag_f=C3=BCr_Oktober?=" }],
      commonHeaders: {
        from: ['"Customer, Jane" <customer@example.org>'],
        subject: "Re: Vertrag für Oktober",
      },
    },
    receipt: {
      timestamp: "2024-10-07T09:12:31.512Z",
      processingTimeMillis: 612,
      recipients: ["support@example.com"],
      spamVerdict: { status: "PASS" },
      virusVerdict: { status: "PASS" },
      spfVerdict: { status: "PASS" },
      dkimVerdict: { status: "PASS" },
      dmarcVerdict: { status: "PASS" },
      action,
    },
    ...(content === undefined ? {} : { content }),
  });
}

// --- inbound-sns ---------------------------------------------------------------------------------

let snsRaw: Uint8Array = new Uint8Array();
let snsBody = "";
const noS3: InboundDeps = { readS3Object: () => Promise.reject(new Error("not used")) };

/**
 * A ~30 KB reply with a PDF, delivered by the SNS action (BASE64): the whole conversion (SNS body
 * JSON, SES JSON, base64, MIME parse, normalization) against postal-mime parsing the same bytes.
 */
export const inboundSns: Scenario = {
  name: "inbound-sns",
  unit: "events/s",
  extra: { target: 0.8 },
  async setup() {
    snsRaw = inboundMessage(30_000);
    snsBody = JSON.stringify({
      Type: "Notification",
      MessageId: "6f1c2a3b-0000-4000-8000-000000000001",
      TopicArn: TOPIC,
      Subject: "Amazon SES Email Receipt Notification",
      Message: receivedNotification(
        { type: "SNS", topicArn: TOPIC, encoding: "BASE64" },
        Buffer.from(snsRaw).toString("base64"),
      ),
      Timestamp: "2024-10-07T09:12:32.000Z",
      SignatureVersion: "1",
      Signature: "EXAMPLE",
      SigningCertURL: "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000.pem",
      UnsubscribeURL: "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
    });
    const event = await this.ours();
    if ((event as { message?: { attachments: unknown[] } }).message?.attachments.length !== 1) {
      throw new Error("inbound-sns: the benchmark message did not parse as expected");
    }
  },
  async ours() {
    const body = JSON.parse(snsBody) as {
      Message: string;
      MessageId: string;
      Timestamp: string;
      TopicArn: string;
    };
    return sesReceivedToInboundEvent(
      JSON.parse(body.Message),
      { messageId: body.MessageId, timestamp: body.Timestamp, topicArn: body.TopicArn },
      noS3,
    );
  },
  floor: () => PostalMime.parse(snsRaw),
};

// --- inbound-s3-large ----------------------------------------------------------------------------

const LARGE_BYTES = 25 * MB;
let child: ChildProcess | undefined;
let client: S3Client | undefined;
let reader: S3ObjectReader | undefined;
let object = { bucket: "", key: "", size: 0 };
let baselineRss = 0;
let peakRss = 0;

function sampleRss(): void {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}

async function startChild(): Promise<{ endpoint: string; bucket: string; key: string; size: number }> {
  const script = fileURLToPath(new URL("./s3rver-child.ts", import.meta.url));
  const started = fork(script, [String(LARGE_BYTES)], { execArgv: ["--import", "tsx"], stdio: "inherit" });
  child = started;
  return new Promise((resolve, reject) => {
    started.once("message", (message) => resolve(message as never));
    started.once("error", reject);
    started.once("exit", (code) => reject(new Error(`s3rver child exited early (${code})`)));
  });
}

const roundTo = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

async function readAndParse(): Promise<void> {
  const bytes = await (reader as S3ObjectReader).readS3Object(object.bucket, object.key);
  sampleRss();
  const message = await parseInboundMessage(bytes);
  sampleRss();
  if (message.attachments[0]?.size === undefined) {
    throw new Error("inbound-s3-large: the attachment did not parse");
  }
}

/**
 * A 25 MB message stored by the S3 action: read through our bounded S3 reader and parsed, against
 * a bare GetObject that collects the same object. s3rver runs in a child process so that only our
 * side shows in this process's RSS.
 *
 * Memory: right after setup, before the floor has allocated anything, three reads-and-parses run
 * back to back while RSS is sampled every 5 ms (timers fire between socket reads) and at the two
 * points where the most is alive (the whole object; the object plus its parsed parts). The peak
 * over the baseline is `peakRssGrowthMB`, garbage the collector had not yet reclaimed included.
 */
export const inboundS3Large: Scenario = {
  name: "inbound-s3-large",
  unit: "MB/s",
  rounds: 5,
  roundMillis: 3000,
  warmupMillis: 1,
  batch: 1,
  get scale() {
    return object.size / MB;
  },
  extra: () => ({
    messageMB: roundTo(object.size / MB, 2),
    peakRssGrowthMB: roundTo((peakRss - baselineRss) / MB, 1),
    rssGrowthLimitMB: roundTo((4 * object.size) / MB, 1),
  }),
  async setup() {
    const started = await startChild();
    object = started;
    client = new S3Client({
      endpoint: started.endpoint,
      forcePathStyle: true,
      region: "us-east-1",
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    });
    reader = createS3ObjectReader({ client });
    baselineRss = process.memoryUsage().rss;
    peakRss = baselineRss;
    const timer = setInterval(sampleRss, 5);
    try {
      for (let i = 0; i < 3; i += 1) {
        await readAndParse();
      }
    } finally {
      clearInterval(timer);
    }
  },
  async teardown() {
    reader?.destroy();
    client?.destroy();
    if (child?.pid !== undefined && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once("exit", resolve));
      process.kill(child.pid, "SIGTERM");
      await exited;
    }
  },
  ours: readAndParse,
  async floor() {
    const output = await (client as S3Client).send(
      new GetObjectCommand({ Bucket: object.bucket, Key: object.key }),
    );
    return output.Body?.transformToByteArray();
  },
};
