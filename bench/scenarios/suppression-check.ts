/**
 * suppression-check: the pre-send filter of a 10,000-recipient bulk send (1 % suppressed), with
 * the memory store against a bare Set lookup, and with the Redis store against one bare
 * pipelined SMISMEMBER of the same 10,000 addresses (a throwaway redis-server on an ephemeral port).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";

import type { Redis as IORedis } from "ioredis";

import { normalizeMessage } from "../../src/message/normalize";
import type { NormalizedMessage } from "../../src/message/types";
import { filterSuppressed } from "../../src/reputation/suppression-filter";
import { createMemorySuppressionStore } from "../../src/store/memory-suppression-store";
import { openRedis } from "../../src/store/redis-connection";
import { createRedisSuppressionStore } from "../../src/store/redis-suppression-store";
import type { SuppressionStore } from "../../src/store/suppression-store";
import type { Scenario } from "../harness";

const COUNT = 10_000;
const to = Array.from({ length: COUNT }, (_, i) => `user${i}@example.com`);
const suppressed = to.filter((_, i) => i % 100 === 0);
const since = new Date("2026-01-01T00:00:00Z");
let message: NormalizedMessage;

function prepare(): NormalizedMessage {
  message ??= normalizeMessage({ from: "shop@example.com", to, templateId: "newsletter" });
  return message;
}

async function fill(store: SuppressionStore): Promise<void> {
  for (const address of suppressed) {
    await store.put({ address, scope: "*", reason: "bounce", since, detail: "Permanent: General" });
  }
}

function expectKept(kept: number): void {
  if (kept !== COUNT - suppressed.length) {
    throw new Error(`suppression-check: kept ${kept}, expected ${COUNT - suppressed.length}`);
  }
}

const memoryStore = createMemorySuppressionStore();
const bareSet = new Set(suppressed);

export const suppressionCheckMemory: Scenario = {
  name: "suppression-check-memory",
  unit: "bulk sends filtered/s (10,000 recipients each)",
  extra: { recipients: COUNT, suppressed: suppressed.length, target: 0.5 },
  async setup() {
    prepare();
    await fill(memoryStore);
  },
  async ours() {
    const result = await filterSuppressed(message, memoryStore);
    expectKept(result.message.to.length);
  },
  floor() {
    const kept = message.to.filter((addr) => !bareSet.has(addr.addrSpec));
    expectKept(kept.length);
  },
  batch: 1,
};

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let child: ChildProcess | undefined;
let redisStore: SuppressionStore | undefined;
let bare: { client: IORedis; close(): Promise<void> } | undefined;

export const suppressionCheckRedis: Scenario = {
  name: "suppression-check-redis",
  unit: "bulk sends filtered/s (10,000 recipients each)",
  extra: { recipients: COUNT, suppressed: suppressed.length, target: 0.7 },
  async setup() {
    prepare();
    const port = await freePort();
    const binary = process.env.REDIS_SERVER ?? "redis-server";
    child = spawn(
      binary,
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      {
        stdio: "ignore",
      },
    );
    const url = `redis://127.0.0.1:${port}`;
    bare = await openRedis(url);
    for (let i = 0; ; i += 1) {
      try {
        await bare.client.ping();
        break;
      } catch (err) {
        if (i > 50) {
          throw err;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    redisStore = createRedisSuppressionStore({ redis: bare.client, prefix: "bench:" });
    await fill(redisStore);
    await bare.client.sadd("bench:bare", ...suppressed);
  },
  async teardown() {
    await redisStore?.close();
    await bare?.close();
    child?.kill("SIGTERM");
  },
  async ours() {
    const result = await filterSuppressed(message, redisStore as SuppressionStore);
    expectKept(result.message.to.length);
  },
  async floor() {
    const client = (bare as { client: IORedis }).client;
    const flags = (await client.pipeline().smismember("bench:bare", to).exec())?.[0]?.[1] as number[];
    let kept = 0;
    for (const flag of flags) {
      kept += flag === 0 ? 1 : 0;
    }
    expectKept(kept);
  },
  batch: 1,
};
