/**
 * dedupe-redis: what effectively-once handling costs. The tracking webhook in process (signature
 * verification on, as in tracking-webhook) with the Redis deduplication store, against the same
 * webhook with deduplication off. Every notification has its own MessageId (pre-signed in setup),
 * so each one pays the full price: one claim script and one SET on a redis-server of its own
 * (127.0.0.1, ephemeral port), two round trips per notification.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";

import { amazonSesTrackingWebhook } from "../../src/ses/webhooks/tracking-handler";
import { openRedis, type RedisHandle } from "../../src/store/redis-connection";
import { createRedisDedupeStore, type RedisDedupeStore } from "../../src/store/redis-dedupe-store";
import { createSnsTestSigner } from "../../src/testing/sns-signing";
import type { FetchHandler } from "../../src/webhook/types";
import type { Scenario } from "../harness";

const ROUNDS = 5;
const ROUND_MS = 400;
const WARMUP_MS = 200;
// Enough distinct notifications for the whole run at up to ~5,000/s; signing them (~1 ms each)
// is most of the set-up time.
const POOL = 12_000;

const signer = createSnsTestSigner();
const silent = { warn: () => undefined, error: () => undefined };

interface Delivery {
  body: string;
  headers: Record<string, string>;
}

function deliveryMessage(i: number): string {
  return JSON.stringify({
    eventType: "Delivery",
    mail: {
      timestamp: "2026-12-05T10:00:00.000Z",
      source: "Shop <shop@example.com>",
      messageId: `010001${i.toString(16).padStart(10, "0")}-5ee5-4c1d-9a7e-000e00000010-000000`,
      destination: ["alice@example.com"],
      headers: [{ name: "X-Metadata", value: '{"orderId": 12345}' }],
      tags: { "ses:configuration-set": ["Tracking"] },
    },
    delivery: {
      timestamp: "2026-12-05T10:00:01.000Z",
      recipients: ["alice@example.com"],
      smtpResponse: "250 OK",
    },
  });
}

let pool: Delivery[] = [];
let oursCursor = 0;
let floorCursor = 0;
let pingMicros = 0;
let oursMs = 0;
let floorMs = 0;
let child: ChildProcess | undefined;
let redis: RedisHandle | undefined;
let store: RedisDedupeStore | undefined;
let withDedupe: FetchHandler | undefined;
let withoutDedupe: FetchHandler | undefined;

function handler(dedupe: RedisDedupeStore | false): FetchHandler {
  return amazonSesTrackingWebhook({
    allowedTopicArns: [signer.topicArn],
    verifySignature: { fetchCertificate: signer.fetchCertificate },
    logger: silent,
    dedupe,
    onEvent: () => undefined,
  });
}

async function post(target: FetchHandler, delivery: Delivery, expected: string): Promise<void> {
  const response = await target(
    new Request("https://app.example.com/ses", {
      method: "POST",
      headers: delivery.headers,
      body: delivery.body,
    }),
  );
  const body = await response.text();
  if (response.status !== 200 || body !== expected) {
    throw new Error(`benchmark request answered ${response.status} ${body}`);
  }
}

async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export const dedupeRedis: Scenario = {
  name: "dedupe-redis",
  unit: "notifications/s",
  rounds: ROUNDS,
  roundMillis: ROUND_MS,
  warmupMillis: WARMUP_MS,
  extra: () => ({
    transport: "in-process",
    verification: "on",
    store: "redis (127.0.0.1)",
    floorIs: "the same webhook with dedupe: false",
    distinctMessageIds: oursCursor,
    // What deduplication adds to each notification, from the mean time of every call on each side.
    // One bare PING on the same connection: deduplication costs about two of these.
    redisRoundTripMicros: pingMicros,
    costMicrosPerNotification: Math.round((oursMs / oursCursor - floorMs / floorCursor) * 1000),
  }),
  async setup() {
    pool = Array.from({ length: POOL }, (_, i) => {
      const envelope = signer.notification({ message: deliveryMessage(i) });
      return { body: JSON.stringify(envelope), headers: signer.httpHeaders(envelope) };
    });
    const port = await freePort();
    child = spawn(
      process.env.REDIS_SERVER ?? "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      { stdio: "ignore" },
    );
    redis = await openRedis(`redis://127.0.0.1:${port}`);
    for (let attempt = 0; ; attempt += 1) {
      try {
        await redis.client.ping();
        break;
      } catch (error) {
        if (attempt > 50) {
          throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const pingStart = performance.now();
    for (let i = 0; i < 200; i += 1) {
      await redis.client.ping();
    }
    pingMicros = Math.round(((performance.now() - pingStart) / 200) * 1000);
    store = createRedisDedupeStore({ redis: redis.client, prefix: "bench:dedupe:" });
    withDedupe = handler(store);
    withoutDedupe = handler(false);
  },
  async teardown() {
    await store?.close();
    await redis?.close();
    child?.kill("SIGTERM");
    if (child !== undefined && child.exitCode === null) {
      await once(child, "exit");
    }
  },
  async ours() {
    const delivery = pool[oursCursor];
    if (delivery === undefined) {
      // Reusing an id would measure the (cheaper) duplicate path: refuse instead.
      throw new Error(`dedupe-redis: more than ${POOL} notifications per run; raise POOL`);
    }
    oursCursor += 1;
    const start = performance.now();
    await post(withDedupe as FetchHandler, delivery, "OK");
    oursMs += performance.now() - start;
  },
  async floor() {
    const delivery = pool[floorCursor++ % POOL] as Delivery;
    const start = performance.now();
    await post(withoutDedupe as FetchHandler, delivery, "OK");
    floorMs += performance.now() - start;
  },
};
