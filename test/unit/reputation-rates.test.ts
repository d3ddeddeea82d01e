import { randomUUID } from "node:crypto";

import { afterAll, describe, expect, inject, it } from "vitest";

import { describeIfRedis } from "../helpers/redis";

import type { TrackingEvent } from "../../src/events";
import { createMailer } from "../../src/mailer";
import { createMailQueue } from "../../src/queue/create-queue";
import { createReputationMonitor } from "../../src/reputation/rate-monitor";
import type { ReputationAlert } from "../../src/reputation/rate-monitor";
import { SendingPausedError } from "../../src/reputation/sending-paused-error";
import { sesEventToTrackingEvents } from "../../src/ses/webhooks/tracking";
import { createMemoryReputationStore } from "../../src/store/memory-reputation-store";
import { createRedisReputationStore } from "../../src/store/redis-reputation-store";
import type { ReputationStore } from "../../src/store/reputation-store";
import { createMemoryBackend } from "../../src/testing/memory-backend";
import { sesEvents } from "../../src/testing/ses-events";
import { fakeClock } from "../helpers/fake-clock";

const HOUR = 3_600_000;
const start = Date.parse("2026-06-01T00:00:00.000Z");
let counter = 0;

function event(
  kind: "bounce" | "complaint" | "not-spam" | "ses-list" | "transient",
  at: number,
): TrackingEvent {
  counter += 1;
  const recipient = `r${counter}@example.com`;
  const notification =
    kind === "bounce"
      ? sesEvents.bounce({ recipients: [recipient], bounceType: "Permanent" })
      : kind === "transient"
        ? sesEvents.bounce({ recipients: [recipient], bounceType: "Transient" })
        : kind === "ses-list"
          ? sesEvents.bounce({
              recipients: [recipient],
              bounceType: "Permanent",
              bounceSubType: "OnAccountSuppressionList",
            })
          : sesEvents.complaint({
              recipients: [recipient],
              complaintFeedbackType: kind === "not-spam" ? "not-spam" : "abuse",
            });
  const [built] = sesEventToTrackingEvents(notification as never, {
    messageId: `sns-${counter}`,
    timestamp: new Date(at).toISOString(),
    topicArn: "arn:aws:sns:us-east-1:123456789012:t",
  });
  if (built === undefined) {
    throw new Error("no event");
  }
  return built;
}

const stores: ReputationStore[] = [];
afterAll(async () => {
  for (const store of stores) {
    await store.close();
  }
});

const makers: [string, (now: () => number) => ReputationStore][] = [
  ["memory", (now) => createMemoryReputationStore({ now })],
  ["redis", () => createRedisReputationStore({ redis: inject("redisUrl"), prefix: `test:${randomUUID()}:` })],
];

describe.each(makers)("reputation monitor (%s store)", (name, make) => {
  describeIfRedis(name === "redis")("with this store", () => {
    it("crosses the warn and pause thresholds at the expected counts, and resumes automatically", async () => {
      const clock = fakeClock(start);
      const store = make(clock.now);
      stores.push(store);
      const alerts: ReputationAlert[] = [];
      const monitor = createReputationMonitor({
        store,
        autoPause: true,
        window: { minVolume: 100, volume: 10_000, maxAgeMs: 24 * HOUR, bucketMs: HOUR },
        onAlert: (alert) => void alerts.push(alert),
        now: clock.now,
      });
      await monitor.recordSent(200);
      // Not counted: transient bounces, bounces from SES's own list, not-spam feedback.
      for (const kind of ["transient", "ses-list", "not-spam"] as const) {
        await monitor.recordEvent(event(kind, clock.now()));
      }
      expect(await monitor.rates()).toMatchObject({
        sent: 200,
        bounces: 0,
        complaints: 0,
        representative: true,
      });

      // Warn at 2.5 % of 200 = 5 bounces; pause at SES's review level, 5 % = 10 bounces.
      const levels: string[] = [];
      for (let n = 1; n <= 10; n += 1) {
        const bounce = event("bounce", clock.now());
        await monitor.recordEvent(bounce);
        await monitor.recordEvent(bounce); // an SNS redelivery counts once
        levels.push(
          `${n}:${(await monitor.pauseState()) === undefined ? (alerts.at(-1)?.level ?? "ok") : "paused"}`,
        );
      }
      expect(levels).toEqual([
        "1:ok",
        "2:ok",
        "3:ok",
        "4:ok",
        "5:warn",
        "6:warn",
        "7:warn",
        "8:warn",
        "9:warn",
        "10:paused",
      ]);
      expect(alerts.map((a) => [a.metric, a.level, a.rate])).toEqual([
        ["bounce", "warn", 0.025],
        ["bounce", "pause", 0.05],
      ]);
      expect(await monitor.pauseState()).toMatchObject({
        automatic: true,
        reason: expect.stringContaining("bounce rate 5.0 %"),
      });
      await expect(monitor.assertSending()).rejects.toBeInstanceOf(SendingPausedError);

      // One complaint in 200 is 0.5 %: past the complaint pause level (0.1 %) at once.
      await monitor.recordEvent(event("complaint", clock.now()));
      expect(alerts.at(-1)).toMatchObject({
        metric: "complaint",
        level: "pause",
        previous: "ok",
        rate: 0.005,
      });

      // A day later the bad hour has left the window: the automatic pause lifts.
      await clock.advance(25 * HOUR);
      await monitor.assertSending();
      expect(await monitor.pauseState()).toBeUndefined();
      expect(alerts.slice(-2).map((a) => [a.metric, a.level])).toEqual([
        ["bounce", "ok"],
        ["complaint", "ok"],
      ]);
    });

    it("a manual pause holds until resumed, whatever the rates", async () => {
      const clock = fakeClock(start);
      const store = make(clock.now);
      stores.push(store);
      const monitor = createReputationMonitor({ store, now: clock.now });
      await monitor.pause("investigating");
      await clock.advance(30 * 24 * HOUR);
      await expect(monitor.assertSending()).rejects.toMatchObject({
        code: "sending_paused",
        pause: { reason: "investigating", automatic: false },
      });
      await monitor.resume();
      await monitor.assertSending();
    });
  });
});

describe("a paused mailer and its queue", () => {
  it("direct sends get SendingPausedError; queued sends stay queued, nothing is lost, and go out on resume", async () => {
    const clock = fakeClock(start);
    const monitor = createReputationMonitor({
      store: createMemoryReputationStore({ now: clock.now }),
      autoPause: true,
      window: { minVolume: 10 },
      pausedRetryMs: 20,
      now: clock.now,
    });
    const backend = createMemoryBackend();
    const mailer = createMailer({ backend, reputation: monitor });
    const message = (i: number) => ({
      from: "shop@example.com",
      to: `user${i}@example.com`,
      subject: "Hi",
      text: "x",
    });
    for (let i = 0; i < 10; i += 1) {
      await mailer.send(message(i));
    }
    expect((await monitor.rates()).sent).toBe(10);
    await monitor.recordEvent(event("bounce", clock.now())); // 1 in 10: 10 % >= 5 %
    expect(await monitor.pauseState()).toBeDefined();
    const direct = await mailer.send(message(99)).catch((err: unknown) => err);
    expect(direct).toBeInstanceOf(SendingPausedError);
    expect(backend.outbox).toHaveLength(10);

    const queue = createMailQueue({ memory: true });
    const ids = await Promise.all([0, 1, 2, 3, 4].map((i) => queue.enqueue(message(100 + i))));
    const worker = queue.work({ mailer });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(backend.outbox).toHaveLength(10);
    for (const id of ids) {
      expect((await queue.result(id))?.state).toMatch(/waiting|delayed|active/);
    }
    await monitor.resume();
    const results = await Promise.all(ids.map((id) => queue.waitForResult(id, { timeoutMs: 5_000 })));
    expect(results.map((r) => r.state)).toEqual(["sent", "sent", "sent", "sent", "sent"]);
    expect(results.map((r) => r.attempts)).toEqual([1, 1, 1, 1, 1]);
    expect(backend.outbox).toHaveLength(15);
    await worker.close();
    await queue.close();
  });
});

describe("the tracking webhook's reputation option", () => {
  it("counts a signed hard bounce posted to the webhook once, even when SNS delivers it twice", async () => {
    const { amazonSesTrackingWebhook } = await import("../../src/ses/webhooks/tracking-handler");
    const { createSnsTestSigner } = await import("../../src/testing/sns-signing");
    const { postToWebhook } = await import("../../src/testing/webhook-poster");
    const signer = createSnsTestSigner();
    const secret = "mailroom:correct-horse-battery";
    const monitor = createReputationMonitor({ window: { minVolume: 1 } });
    await monitor.recordSent(10);
    const tracking = amazonSesTrackingWebhook({
      secret,
      allowedTopicArns: [signer.topicArn],
      verifySignature: { fetchCertificate: signer.fetchCertificate },
      reputation: monitor,
      onEvent: () => undefined,
    });
    const bounce = sesEvents.bounce({ recipients: ["x@example.com"], bounceType: "Permanent" });
    for (let i = 0; i < 2; i += 1) {
      const response = await postToWebhook(tracking, bounce, { secret, signer, messageId: "sns-same" });
      expect(response.status).toBe(200);
    }
    expect(await monitor.rates()).toMatchObject({ sent: 10, bounces: 1, bounceRate: 0.1 });
  });
});
