import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

import { SESv2Client } from "@aws-sdk/client-sesv2";

import { createMailer } from "../../src/mailer";
import type { Mailer } from "../../src/mailer";
import { amazonSes } from "../../src/ses/backend";
import { startThrottlingProxy } from "../../src/testing/throttling-proxy";
import type { ThrottlingProxy } from "../../src/testing/throttling-proxy";
import type { Scenario } from "../harness";

/** The configured limit, recipients (= one-recipient messages) per second. */
const LIMIT = 100;
/** Enough messages for more than 20 s at the limit. */
const MESSAGES = LIMIT * 21;
/** Injected 5xx: retried sends spend rate tokens too, so the ratio shows what retries cost. */
const SERVER_ERROR_RATIO = 0.02;

type StartServer = (config: { host: string; port: number }) => Promise<Server>;

let emulator: Server | undefined;
let emulatorUrl = "";
let proxy: ThrottlingProxy | undefined;
let mailer: Mailer | undefined;
let measured: Record<string, unknown> = {};

async function startEmulator(): Promise<void> {
  const mod = (await import("aws-ses-v2-local")) as unknown as {
    default: StartServer | { default: StartServer };
  };
  const start = typeof mod.default === "function" ? mod.default : mod.default.default;
  emulator = await start({ host: "127.0.0.1", port: 0 });
  emulatorUrl = `http://127.0.0.1:${(emulator.address() as AddressInfo).port}`;
}

/** How many distinct subjects of the run the emulator stored, and how many more than once. */
async function stored(runId: string): Promise<{ unique: number; duplicates: number }> {
  const { emails } = (await (await fetch(`${emulatorUrl}/store`)).json()) as {
    emails: { subject: string }[];
  };
  const counts = new Map<string, number>();
  for (const email of emails.filter((e) => e.subject.startsWith(runId))) {
    counts.set(email.subject, (counts.get(email.subject) ?? 0) + 1);
  }
  return { unique: counts.size, duplicates: [...counts.values()].filter((n) => n > 1).length };
}

/**
 * `mailer.sendMany()` of 2,100 one-recipient messages through the throttling proxy (SES's 429
 * above 100/s, 2% injected 5xx) in front of aws-ses-v2-local, paced by Mailroom's limiter at the
 * same 100/s. One operation is the whole run (> 20 s); `ours` is the achieved rate of messages
 * the stand-in accepted, `floor` the configured limit, `lost` the messages it never stored.
 * The harness's own ops/s fields are replaced through `extra`, which is measured during the run.
 */
export const throttledSend: Scenario = {
  name: "throttled-send",
  unit: "msgs/s",
  rounds: 1,
  roundMillis: 1,
  warmupMillis: 0,
  batch: 1,
  async setup() {
    await startEmulator();
    proxy = await startThrottlingProxy({
      target: emulatorUrl,
      maxPerSecond: LIMIT,
      serverErrorRatio: SERVER_ERROR_RATIO,
    });
    const client = new SESv2Client({
      endpoint: proxy.url,
      region: "us-east-1",
      credentials: { accessKeyId: "x", secretAccessKey: "x" },
      maxAttempts: 1,
    });
    mailer = createMailer({ backend: amazonSes({ client, rateLimit: { maxPerSecond: LIMIT } }) });
  },
  async teardown() {
    await proxy?.close();
    await new Promise<void>((resolve) =>
      emulator === undefined ? resolve() : emulator.close(() => resolve()),
    );
  },
  async ours() {
    const runId = `bench-${randomUUID()}`;
    const messages = Array.from({ length: MESSAGES }, (_, i) => ({
      from: "sender@example.com",
      to: `r${i}@example.com`,
      subject: `${runId} #${i}`,
      text: "Hello",
    }));
    const started = performance.now();
    const results = await (mailer as Mailer).sendMany(messages, { concurrency: 32 });
    const seconds = (performance.now() - started) / 1000;
    const { unique, duplicates } = await stored(runId);
    const achieved = unique / seconds;
    const counts = proxy?.counts;
    measured = {
      ours: Math.round(achieved * 10) / 10,
      floor: LIMIT,
      ratio: Math.round((achieved / LIMIT) * 1000) / 1000,
      n: MESSAGES,
      lost: MESSAGES - unique,
      duplicates,
      failed: results.filter((r) => r.outcome !== "sent").length,
      seconds: Math.round(seconds * 10) / 10,
      injected5xx: counts?.serverErrors,
      throttled: counts?.throttled,
      target: 0.95,
    };
  },
  floor: () => undefined,
  extra: () => measured,
};
