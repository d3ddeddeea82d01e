/**
 * A mail queue worker in a process of its own, for the crash test: it sends through the SES
 * emulator and can be killed with SIGKILL mid-batch. Configured by environment variables.
 */
import { SESv2Client } from "@aws-sdk/client-sesv2";

import { createMailer } from "../../src/mailer";
import { createMailQueue } from "../../src/queue/create-queue";
import { amazonSes } from "../../src/ses/backend";

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) {
    throw new Error(`queue-worker-child needs ${name}`);
  }
  return value;
};

const client = new SESv2Client({
  endpoint: env("SES_ENDPOINT"),
  region: "us-east-1",
  credentials: { accessKeyId: "x", secretAccessKey: "x" },
  maxAttempts: 1,
});
const inner = createMailer({ backend: amazonSes({ client }) });
const pauseAfterSend = Number(process.env.PAUSE_AFTER_SEND_MS ?? "0");
const queue = createMailQueue({
  redis: env("REDIS_URL"),
  name: env("QUEUE_NAME"),
  rateLimit: { maxPerSecond: Number(env("RATE")) },
  retry: { retryUnknownOutcome: process.env.RETRY_UNKNOWN_OUTCOME !== "false" },
});
queue.work({
  // The pause widens the window between "SES accepted" and "job completed", where a crash
  // leaves a message whose outcome the next worker cannot know.
  mailer: {
    send: async (message) => {
      const status = await inner.send(message);
      await new Promise((resolve) => setTimeout(resolve, pauseAfterSend));
      return status;
    },
  },
  concurrency: 4,
  lockDurationMs: 2_000,
  stalledIntervalMs: 500,
  onError: (err) => process.stderr.write(`worker error: ${err.message}\n`),
});
process.stdout.write("ready\n");
