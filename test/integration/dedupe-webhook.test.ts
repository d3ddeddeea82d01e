import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";

import { afterAll, afterEach, describe, expect, it } from "vitest";

import { toNodeListener } from "../../src/adapters/node";
import type { TrackingEvent } from "../../src/events";
import { amazonSesTrackingWebhook } from "../../src/ses/webhooks/tracking-handler";
import { amazonSesInboundWebhook } from "../../src/ses/webhooks/inbound-handler";
import type { SnsNotification } from "../../src/sns/types";
import type { DedupeStore } from "../../src/store/dedupe-store";
import { createRedisDedupeStore, type RedisDedupeStore } from "../../src/store/redis-dedupe-store";
import { createSnsTestSigner } from "../../src/testing/sns-signing";
import type { SnsWebhookHandler } from "../../src/webhook/types";
import { describeWithRedis, redisUrl } from "../helpers/redis";
import { fixtureMessage } from "../helpers/webhook-fixtures";

const signer = createSnsTestSigner();
const silent = { warn: () => undefined, error: () => undefined };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// A delivery to two recipients: one notification, two events.
const bounce = JSON.stringify({
  eventType: "Delivery",
  mail: {
    timestamp: "2026-12-05T10:00:00.000Z",
    source: "shop@example.com",
    messageId: "0100018f-dedupe-0000-0000-000000000001-000000",
    destination: ["alice@example.com", "bob@example.com"],
  },
  delivery: {
    timestamp: "2026-12-05T10:00:01.000Z",
    recipients: ["alice@example.com", "bob@example.com"],
    smtpResponse: "250 OK",
  },
});

interface Recorder {
  calls: string[];
  onEvent(event: TrackingEvent): Promise<void>;
}

function recorder(behaviour: (call: number) => Promise<void> | void = () => undefined): Recorder {
  const calls: string[] = [];
  return {
    calls,
    async onEvent(event) {
      calls.push(`${event.eventId}/${event.recipient}`);
      await behaviour(calls.length);
    },
  };
}

function tracking(onEvent: Recorder["onEvent"], dedupe?: DedupeStore | false, leaseMs?: number) {
  return amazonSesTrackingWebhook({
    allowedTopicArns: [signer.topicArn],
    verifySignature: { fetchCertificate: signer.fetchCertificate },
    logger: silent,
    onEvent,
    ...(dedupe === undefined ? {} : { dedupe }),
    ...(leaseMs === undefined ? {} : { dedupeLeaseMs: leaseMs }),
  });
}

/** Each event's key, how many times it reached the application. */
function counts(calls: readonly string[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const call of calls) {
    map.set(call, (map.get(call) ?? 0) + 1);
  }
  return map;
}

const servers: Server[] = [];
async function serve(handler: SnsWebhookHandler): Promise<string> {
  const server = createServer(toNodeListener(handler));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/ses`;
}
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function post(url: string, envelope: SnsNotification): Promise<{ status: number; body: string }> {
  const response = await fetch(url, {
    method: "POST",
    headers: signer.httpHeaders(envelope),
    body: JSON.stringify(envelope),
  });
  return { status: response.status, body: await response.text() };
}

describe("webhook deduplication, on by default (memory)", () => {
  it("answers a redelivered notification 200 without calling onEvent again", async () => {
    const rec = recorder();
    const handler = tracking(rec.onEvent);
    const envelope = signer.notification({ message: bounce });
    const request = () =>
      new Request("https://app.example/ses", {
        method: "POST",
        headers: signer.httpHeaders(envelope),
        body: JSON.stringify(envelope),
      });
    expect((await handler(request())).status).toBe(200);
    const again = await handler(request());
    expect(again.status).toBe(200);
    expect(await again.text()).toBe("Duplicate ignored");
    expect(rec.calls).toHaveLength(2); // the two bounced recipients, once each
    expect([...counts(rec.calls).values()]).toEqual([1, 1]);
  });

  it("runs every delivery with dedupe: false", async () => {
    const rec = recorder();
    const handler = tracking(rec.onEvent, false);
    const envelope = signer.notification({ message: bounce });
    for (let i = 0; i < 3; i += 1) {
      await handler.handleEnvelope(envelope);
    }
    expect(rec.calls).toHaveLength(6);
  });

  it("dedupes the Lambda path (handleEnvelope) and the inbound webhook too", async () => {
    const rec = recorder();
    const handler = tracking(rec.onEvent);
    const envelope = signer.notification({ message: bounce });
    expect((await handler.handleEnvelope(envelope)).status).toBe(200);
    expect((await handler.handleEnvelope(envelope)).body).toBe("Duplicate ignored");
    expect(rec.calls).toHaveLength(2);

    let messages = 0;
    const inbound = amazonSesInboundWebhook({
      allowedTopicArns: [signer.topicArn],
      verifySignature: { fetchCertificate: signer.fetchCertificate },
      logger: silent,
      onMessage: () => {
        messages += 1;
      },
    });
    const mail = signer.notification({ message: fixtureMessage("ses-inbound/sns-utf8") });
    await inbound.handleEnvelope(mail);
    expect((await inbound.handleEnvelope(mail)).body).toBe("Duplicate ignored");
    expect(messages).toBe(1);
  });

  it("answers 503 without calling onEvent when the store cannot claim (Redis down)", async () => {
    const rec = recorder();
    const down = new Error("connect ECONNREFUSED");
    const store: DedupeStore = {
      claim: () => Promise.reject(down),
      complete: () => Promise.reject(down),
      release: () => Promise.reject(down),
    };
    const outcome = await tracking(rec.onEvent, store).handleEnvelope(
      signer.notification({ message: bounce }),
    );
    expect(outcome.status).toBe(503);
    expect(outcome.body).not.toMatch(/ECONNREFUSED/);
    expect(rec.calls).toHaveLength(0);
  });

  it(
    "answers 503 within the bounded command time when the Redis store's server is unreachable",
    { timeout: 15_000 },
    async () => {
      const rec = recorder();
      const errors: Error[] = [];
      const store = createRedisDedupeStore({
        redis: "redis://127.0.0.1:1",
        onError: (error) => errors.push(error),
      });
      try {
        const started = Date.now();
        const outcome = await tracking(rec.onEvent, store).handleEnvelope(
          signer.notification({ message: bounce }),
        );
        expect(outcome).toMatchObject({ status: 503, body: "A dependency failed; retry later" });
        expect(Date.now() - started).toBeLessThan(10_000);
        expect(rec.calls).toHaveLength(0);
      } finally {
        await store.close();
      }
    },
  );

  it("refuses a keep time shorter than SNS's redelivery window, and a store that is not one", () => {
    const onEvent = () => undefined;
    expect(() =>
      amazonSesTrackingWebhook({ allowedTopicArns: [signer.topicArn], onEvent, dedupeKeepMs: 60_000 }),
    ).toThrow(/dedupeKeepMs/);
    expect(() =>
      amazonSesTrackingWebhook({ allowedTopicArns: [signer.topicArn], onEvent, dedupe: {} as DedupeStore }),
    ).toThrow(/dedupe/);
  });
});

describeWithRedis("webhook deduplication with the Redis store, two handler instances", () => {
  const stores: RedisDedupeStore[] = [];
  const children: ChildProcess[] = [];
  const redisStore = (prefix: string) => {
    const store = createRedisDedupeStore({ redis: redisUrl(), prefix });
    stores.push(store);
    return store;
  };
  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await once(child, "exit");
      }
    }
  });
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
  });

  async function twoInstances(rec: Recorder, leaseMs?: number): Promise<[string, string]> {
    const prefix = `test:${randomUUID()}:`;
    return [
      await serve(tracking(rec.onEvent, redisStore(prefix), leaseMs)),
      await serve(tracking(rec.onEvent, redisStore(prefix), leaseMs)),
    ];
  }

  it(
    "1,000 sequential deliveries of one notification call onEvent once per event",
    { timeout: 60_000 },
    async () => {
      const rec = recorder();
      const urls = await twoInstances(rec);
      const envelope = signer.notification({ message: bounce });
      const statuses = new Set<number>();
      for (let i = 0; i < 1_000; i += 1) {
        statuses.add((await post(urls[i % 2] as string, envelope)).status);
      }
      expect([...statuses]).toEqual([200]);
      expect(rec.calls).toHaveLength(2);
      expect([...counts(rec.calls).values()]).toEqual([1, 1]);
    },
  );

  it("50 concurrent deliveries (and SNS's retries of the 503s) call onEvent once per event", async () => {
    // A slow callback, so the deliveries really overlap the one that runs it.
    const rec = recorder(async () => {
      await sleep(100);
    });
    const urls = await twoInstances(rec);
    const envelope = signer.notification({ message: bounce });
    const first = await Promise.all(
      Array.from({ length: 50 }, (_, i) => post(urls[i % 2] as string, envelope)),
    );
    const handled = first.filter((r) => r.status === 200 && r.body === "OK");
    const inFlight = first.filter((r) => r.status === 503);
    expect(handled).toHaveLength(1);
    expect(
      handled.length + inFlight.length + first.filter((r) => r.body === "Duplicate ignored").length,
    ).toBe(50);
    // SNS retries every 503: by then the claim is completed, so each retry is a duplicate.
    const retries = await Promise.all(inFlight.map((_, i) => post(urls[i % 2] as string, envelope)));
    expect(retries.every((r) => r.status === 200 && r.body === "Duplicate ignored")).toBe(true);
    expect(rec.calls).toHaveLength(2);
    expect([...counts(rec.calls).values()]).toEqual([1, 1]);
  });

  it("a callback that throws once answers 500, and the redelivery handles the event once", async () => {
    let thrown = false;
    const handledCalls: string[] = [];
    const rec = recorder(() => {
      if (!thrown) {
        thrown = true;
        throw new Error("database down");
      }
    });
    const urls = await twoInstances({
      calls: rec.calls,
      onEvent: async (event) => {
        await rec.onEvent(event);
        handledCalls.push(`${event.eventId}/${event.recipient}`);
      },
    });
    const envelope = signer.notification({ message: bounce });
    expect((await post(urls[0], envelope)).status).toBe(500);
    // The redelivery lands on the other instance: the claim was released, not left to lapse.
    expect(await post(urls[1], envelope)).toEqual({ status: 200, body: "OK" });
    expect(await post(urls[0], envelope)).toEqual({ status: 200, body: "Duplicate ignored" });
    expect(handledCalls).toHaveLength(2);
    expect([...counts(handledCalls).values()]).toEqual([1, 1]);
  });

  it(
    "a process killed (SIGKILL) mid-callback leads to exactly one handling after its lease lapses",
    { timeout: 30_000 },
    async () => {
      const prefix = `test:${randomUUID()}:`;
      const leaseMs = 1_500;
      const child = spawn(
        process.execPath,
        ["--import", "tsx", fileURLToPath(new URL("../helpers/dedupe-webhook-child.ts", import.meta.url))],
        {
          env: {
            ...process.env,
            REDIS_URL: redisUrl(),
            PREFIX: prefix,
            LEASE_MS: String(leaseMs),
            TOPIC_ARN: signer.topicArn,
            CERT_URL: signer.certUrl,
            CERT_PEM: signer.certificatePem,
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
          },
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      children.push(child);
      let output = "";
      const seen = (text: string) =>
        new Promise<string>((resolve, reject) => {
          const check = () => {
            const match = new RegExp(`${text}.*`).exec(output);
            if (match !== null) {
              resolve(match[0]);
            }
          };
          child.stdout?.on("data", (chunk: Buffer) => {
            output += chunk.toString();
            check();
          });
          child.once("exit", (code) => reject(new Error(`child exited early (${code})`)));
          check();
        });
      const port = (await seen("listening")).split(" ")[1];
      const envelope = signer.notification({ message: bounce });
      // The delivery to the child never gets an answer: the child dies holding the claim.
      const doomed = post(`http://127.0.0.1:${port}/ses`, envelope).catch(() => "connection lost");
      await seen("started");
      child.kill("SIGKILL");
      await once(child, "exit");
      expect(await doomed).toBe("connection lost");

      const rec = recorder();
      const survivor = await serve(tracking(rec.onEvent, redisStore(prefix), leaseMs));
      // SNS's first retry comes while the dead process's claim still holds: retry later.
      expect((await post(survivor, envelope)).status).toBe(503);
      await sleep(leaseMs + 200);
      expect(await post(survivor, envelope)).toEqual({ status: 200, body: "OK" });
      expect(await post(survivor, envelope)).toEqual({ status: 200, body: "Duplicate ignored" });
      expect(rec.calls).toHaveLength(2);
      expect([...counts(rec.calls).values()]).toEqual([1, 1]);
    },
  );
});
