import { describe, expect, it } from "vitest";

import { chargeExtraRecipients, globalRateWindow } from "../../../src/queue/redis-rate";

describe("mapping recipients per second onto BullMQ's job limiter", () => {
  it.each([
    [50, { max: 5, duration: 100 }],
    [14, { max: 1, duration: 72 }],
    [1, { max: 1, duration: 1000 }],
    [0.5, { max: 1, duration: 2000 }],
    [500, { max: 50, duration: 100 }],
  ])("%s/s → %o, never faster than asked", (perSecond, window) => {
    expect(globalRateWindow(perSecond)).toEqual(window);
    expect((window.max * 1000) / window.duration).toBeLessThanOrEqual(perSecond);
  });

  it("holds the queue for the rest of the window plus the extra recipients' share", async () => {
    const calls: number[] = [];
    const queue = (ttl: number) => ({
      getRateLimitTtl: async () => ttl,
      rateLimit: async (ms: number) => {
        calls.push(ms);
      },
    });
    await chargeExtraRecipients(queue(40), 5, 20);
    await chargeExtraRecipients(queue(-2), 3, 14);
    await chargeExtraRecipients(queue(40), 1, 20);
    expect(calls).toEqual([40 + 200, Math.ceil(2000 / 14)]);
  });
});
