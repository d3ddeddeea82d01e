import { randomUUID } from "node:crypto";

import { SESv2Client } from "@aws-sdk/client-sesv2";
import { afterEach, describe, expect, it } from "vitest";

import { ApiError } from "../../../src/errors";
import { createMailer } from "../../../src/mailer";
import type { RetryEvent } from "../../../src/queue/retry-policy";
import { amazonSes } from "../../../src/ses/backend";
import { startThrottlingProxy } from "../../../src/testing/throttling-proxy";
import type { ThrottlingProxyOptions } from "../../../src/testing/throttling-proxy";
import { sesEndpoint } from "../../helpers/ses-local";
import type { StoredEmail } from "../../helpers/ses-local";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A mailer sending through a throttling proxy in front of the emulator, paced at `perSecond`. */
async function throughProxy(proxyOptions: Omit<ThrottlingProxyOptions, "target">, perSecond?: number) {
  const proxy = await startThrottlingProxy({ target: sesEndpoint(), ...proxyOptions });
  closers.push(proxy.close);
  const client = new SESv2Client({
    endpoint: proxy.url,
    region: "us-east-1",
    credentials: { accessKeyId: "x", secretAccessKey: "x" },
    maxAttempts: 1,
  });
  const retries: RetryEvent[] = [];
  const backend = amazonSes({
    client,
    rateLimit: perSecond === undefined ? undefined : { maxPerSecond: perSecond },
    retry: { onRetry: (e) => retries.push(e) },
  });
  return { proxy, retries, mailer: createMailer({ backend }) };
}

/** Messages of one run: the run id in every subject tells them apart from other test files' mail. */
function messages(runId: string, count: number) {
  return Array.from({ length: count }, (_, i) => ({
    from: "sender@example.com",
    to: `r${i}@example.com`,
    subject: `${runId} #${i}`,
    text: "Hello",
  }));
}

/** How many times the emulator stored each subject of the run. */
async function storedSubjects(runId: string, since: number): Promise<Map<string, number>> {
  const response = await fetch(`${sesEndpoint()}/store?since=${since}`);
  const { emails } = (await response.json()) as { emails: StoredEmail[] };
  const counts = new Map<string, number>();
  for (const email of emails.filter((e) => e.subject.startsWith(runId))) {
    counts.set(email.subject, (counts.get(email.subject) ?? 0) + 1);
  }
  return counts;
}

describe("sending through SES throttling", () => {
  it(
    "sends 2,000 messages at a 50/s limit with 5% injected 5xx: none lost, none accepted twice",
    { timeout: 150_000 },
    async () => {
      const runId = `rate-${randomUUID()}`;
      const since = Math.floor(Date.now() / 1000) - 1;
      const { proxy, retries, mailer } = await throughProxy({ maxPerSecond: 50, serverErrorRatio: 0.05 }, 50);
      const input = messages(runId, 2_000);
      const started = performance.now();
      const results = await mailer.sendMany(input, { concurrency: 16 });
      const seconds = (performance.now() - started) / 1000;

      expect(results.filter((r) => r.outcome !== "sent")).toEqual([]);
      const stored = await storedSubjects(runId, since);
      expect(stored.size).toBe(2_000);
      expect([...stored.values()].every((n) => n === 1)).toBe(true);
      expect(input.every((m) => stored.has(m.subject))).toBe(true);
      const counts = proxy.counts;
      expect(counts.forwarded).toBe(2_000);
      // Every injected failure (and throttle) was retried, and nothing else was.
      expect(counts.serverErrors).toBeGreaterThan(40);
      expect(retries).toHaveLength(counts.serverErrors + counts.throttled);
      // The limiter kept to the rate: SES hardly ever had to throttle, and the run took as long
      // as 2,000 recipients at 50/s must (less the initial half-second burst).
      expect(counts.throttled).toBeLessThan(40);
      expect(seconds).toBeGreaterThan((2_000 - 25) / 50 - 1);
    },
  );

  it("stops promptly at the daily quota, without a retry storm", async () => {
    const runId = `quota-${randomUUID()}`;
    const since = Math.floor(Date.now() / 1000) - 1;
    const { proxy, retries, mailer } = await throughProxy({ dailyQuota: 30 });
    const results = await mailer.sendMany(messages(runId, 300), { concurrency: 8 });
    const counts = proxy.counts;

    expect(results.filter((r) => r.outcome === "sent")).toHaveLength(30);
    expect((await storedSubjects(runId, since)).size).toBe(30);
    // At most one quota answer per send in flight when the first came; no retries at all.
    expect(counts.dailyQuotaErrors).toBeGreaterThanOrEqual(1);
    expect(counts.dailyQuotaErrors).toBeLessThanOrEqual(8);
    expect(counts.received).toBe(30 + counts.dailyQuotaErrors);
    expect(retries).toEqual([]);
    const rest = results.filter((r) => r.outcome !== "sent");
    expect(rest.filter((r) => r.outcome === "skipped").length).toBeGreaterThanOrEqual(300 - 30 - 8);
    expect(
      rest.every((r) => r.error instanceof ApiError && r.error.message.includes("Daily message quota")),
    ).toBe(true);
  });
});
