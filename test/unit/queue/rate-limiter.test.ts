import { describe, expect, it } from "vitest";

import { ConfigurationError } from "../../../src/errors";
import { createRateLimiter } from "../../../src/queue/rate-limiter";
import { fakeClock, flush, track } from "../../helpers/fake-clock";

describe("recipient-weighted rate limiter (injected clock)", () => {
  it("starts with a full bucket, then lets recipients through at the rate", async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ maxPerSecond: 10, burst: 5, clock });
    const first = [1, 2, 3, 4, 5].map(() => track(limiter.acquire(1)));
    const sixth = track(limiter.acquire(1));
    await flush();
    expect(first.every((t) => t.done)).toBe(true);
    expect(sixth.done).toBe(false);
    await clock.advance(99);
    expect(sixth.done).toBe(false);
    await clock.advance(1);
    expect(sixth.done).toBe(true);
  });

  it("charges a message by its recipients", async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ maxPerSecond: 10, burst: 5, clock });
    await limiter.acquire(5);
    const second = track(limiter.acquire(5));
    await clock.advance(499);
    expect(second.done).toBe(false);
    await clock.advance(1);
    expect(second.done).toBe(true);
  });

  it("lets a batch larger than the bucket go when it is full, and the next callers wait out the debt", async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ maxPerSecond: 10, burst: 5, clock });
    const batch = track(limiter.acquire(20));
    await flush();
    expect(batch.done).toBe(true);
    const next = track(limiter.acquire(1));
    await clock.advance(1_599);
    expect(next.done).toBe(false);
    await clock.advance(1);
    expect(next.done).toBe(true);
  });

  it("serves waiters in order, so a big batch is not starved by small ones", async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ maxPerSecond: 10, burst: 5, clock });
    await limiter.acquire(5);
    const order: string[] = [];
    const big = limiter.acquire(5).then(() => order.push("big"));
    const small = limiter.acquire(1).then(() => order.push("small"));
    await clock.advance(2_000);
    await Promise.all([big, small]);
    expect(order).toEqual(["big", "small"]);
  });

  it("holds the long-run rate exactly", async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ maxPerSecond: 20, burst: 1, clock });
    const times: number[] = [];
    const all = Promise.all(
      Array.from({ length: 100 }, () => limiter.acquire(1).then(() => times.push(clock.now()))),
    );
    await clock.advance(60_000);
    await all;
    // The first goes at once; each of the 99 others 50 ms after the one before.
    expect(times[0]).toBe(0);
    expect(times.at(-1)).toBeCloseTo(99 * 50, 6);
    expect(times.slice(1).every((t, i) => Math.abs(t - (times[i] as number) - 50) < 1e-6)).toBe(true);
  });

  it("empties the bucket on drain (after a throttling answer)", async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ maxPerSecond: 10, burst: 5, clock });
    limiter.drain();
    const next = track(limiter.acquire(1));
    await clock.advance(99);
    expect(next.done).toBe(false);
    await clock.advance(1);
    expect(next.done).toBe(true);
  });

  it("reads the rate from a source on first use and again after the refresh interval", async () => {
    const clock = fakeClock();
    const rates = [2, 4];
    let reads = 0;
    const limiter = createRateLimiter({
      maxPerSecond: async () => {
        reads += 1;
        return rates.shift() ?? 4;
      },
      refreshIntervalMs: 1_000,
      clock,
    });
    expect(limiter.maxPerSecond).toBeUndefined();
    await limiter.acquire(1);
    expect([reads, limiter.maxPerSecond]).toEqual([1, 2]);
    await clock.advance(500);
    await limiter.acquire(1);
    expect(reads).toBe(1);
    await clock.advance(600);
    const third = track(limiter.acquire(1));
    await clock.advance(1_000);
    expect(third.done).toBe(true);
    expect([reads, limiter.maxPerSecond]).toEqual([2, 4]);
  });

  it("fails the first acquire when the rate cannot be read, and keeps the last rate when a refresh fails", async () => {
    const clock = fakeClock();
    const failing = createRateLimiter({
      maxPerSecond: async () => {
        throw new Error("AccessDenied");
      },
      clock,
    });
    await expect(failing.acquire(1)).rejects.toThrow("AccessDenied");

    let reads = 0;
    const limiter = createRateLimiter({
      maxPerSecond: async () => {
        reads += 1;
        if (reads > 1) {
          throw new Error("network down");
        }
        return 8;
      },
      refreshIntervalMs: 100,
      clock,
    });
    await limiter.acquire(1);
    await clock.advance(200);
    const after = track(limiter.acquire(1));
    await clock.advance(1_000);
    await expect(after.value).resolves.toBeUndefined();
    expect([reads, limiter.maxPerSecond]).toEqual([2, 8]);
  });

  it("refuses a rate that is not a positive number", () => {
    expect(() => createRateLimiter({ maxPerSecond: 0 })).toThrow(ConfigurationError);
    expect(() => createRateLimiter({ maxPerSecond: Number.NaN })).toThrow(ConfigurationError);
  });
});
