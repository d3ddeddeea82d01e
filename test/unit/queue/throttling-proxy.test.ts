import { afterEach, describe, expect, it } from "vitest";

import { startThrottlingProxy } from "../../../src/testing/throttling-proxy";
import type { ThrottlingProxy, ThrottlingProxyOptions } from "../../../src/testing/throttling-proxy";
import { scriptedServer } from "../../helpers/scripted-server";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** An upstream that accepts every request, and the proxy in front of it. */
async function setup(options: Omit<ThrottlingProxyOptions, "target">) {
  const upstream = await scriptedServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ MessageId: "up-1" }));
  });
  closers.push(upstream.close);
  const proxy = await startThrottlingProxy({ target: upstream.url, ...options });
  closers.push(proxy.close);
  return { upstream, proxy };
}

function send(proxy: ThrottlingProxy, recipients = 1, path = "/v2/email/outbound-emails") {
  const to = Array.from({ length: recipients }, (_, i) => `r${i}@example.com`);
  return fetch(`${proxy.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ Destination: { ToAddresses: to }, Content: {} }),
  });
}

describe("throttling proxy (test kit)", () => {
  it("forwards up to the rate, then answers SES's throttling error, and refills over time", async () => {
    let now = 0;
    const { upstream, proxy } = await setup({ maxPerSecond: 5, now: () => now });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      statuses.push((await send(proxy)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const throttled = await send(proxy);
    expect(throttled.headers.get("x-amzn-errortype")).toMatch(/^TooManyRequestsException:/);
    expect(await throttled.json()).toEqual({ message: "Maximum sending rate exceeded." });
    now += 200;
    expect((await send(proxy)).status).toBe(200);
    expect(upstream.requests).toHaveLength(6);
    expect(proxy.counts).toMatchObject({ received: 8, forwarded: 6, throttled: 2 });
  });

  it("counts recipients against the rate, as SES does (or requests when told)", async () => {
    const { proxy } = await setup({ maxPerSecond: 5, now: () => 0 });
    expect((await send(proxy, 4)).status).toBe(200);
    expect((await send(proxy, 2)).status).toBe(429);
    expect((await send(proxy, 1)).status).toBe(200);
    expect(proxy.counts.forwardedRecipients).toBe(5);
    const { proxy: byRequest } = await setup({ maxPerSecond: 2, weigh: "requests", now: () => 0 });
    expect([
      (await send(byRequest, 10)).status,
      (await send(byRequest, 10)).status,
      (await send(byRequest, 1)).status,
    ]).toEqual([200, 200, 429]);
  });

  it("injects 500s and connection resets at the given ratios without forwarding them", async () => {
    const draws = [0.05, 0.15, 0.5, 0.05];
    const { upstream, proxy } = await setup({
      resetRatio: 0.1,
      serverErrorRatio: 0.1,
      random: () => draws.shift() ?? 0.9,
    });
    await expect(send(proxy)).rejects.toThrow();
    const failed = await send(proxy);
    expect(failed.status).toBe(500);
    expect(failed.headers.get("x-amzn-errortype")).toMatch(/^InternalFailure:/);
    expect((await send(proxy)).status).toBe(200);
    await expect(send(proxy)).rejects.toThrow();
    expect(upstream.requests).toHaveLength(1);
    expect(proxy.counts).toMatchObject({ received: 4, forwarded: 1, resets: 2, serverErrors: 1 });
  });

  it("answers the daily-quota error once the quota is used, or on demand", async () => {
    const { proxy } = await setup({ dailyQuota: 3 });
    expect([(await send(proxy, 2)).status, (await send(proxy, 1)).status]).toEqual([200, 200]);
    const over = await send(proxy, 1);
    expect(over.status).toBe(429);
    expect(await over.json()).toEqual({ message: "Daily message quota exceeded." });
    const { proxy: manual } = await setup({});
    manual.exhaustDailyQuota();
    expect((await send(manual)).status).toBe(429);
    manual.exhaustDailyQuota(false);
    expect((await send(manual)).status).toBe(200);
    expect(manual.counts.dailyQuotaErrors).toBe(1);
  });

  it("passes other requests through untouched and uncounted as sends", async () => {
    const { upstream, proxy } = await setup({ maxPerSecond: 1, serverErrorRatio: 1 });
    const store = await fetch(`${proxy.url}/store?since=0`);
    expect(store.status).toBe(200);
    expect(upstream.requests.map((r) => r.url)).toEqual(["/store?since=0"]);
    expect(proxy.counts).toMatchObject({ received: 0, passedThrough: 1 });
  });
});
