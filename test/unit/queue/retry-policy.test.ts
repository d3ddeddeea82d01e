import { describe, expect, it } from "vitest";

import { ApiError } from "../../../src/errors";
import { createRetryPolicy } from "../../../src/queue/retry-policy";
import type { RetryEvent, RetryOptions } from "../../../src/queue/retry-policy";
import { fakeClock } from "../../helpers/fake-clock";

const throttled = () =>
  new ApiError("Maximum sending rate exceeded.", { awsCode: "TooManyRequestsException", httpStatus: 429 });
const quota = () =>
  new ApiError("Daily message quota exceeded.", { awsCode: "TooManyRequestsException", httpStatus: 429 });
const rejected = () =>
  new ApiError("Email address is not verified.", { awsCode: "MessageRejected", httpStatus: 400 });
const serverError = () => new ApiError("InternalFailure", { awsCode: "InternalFailure", httpStatus: 500 });
const reset = () => new ApiError("socket hang up", { awsCode: "ECONNRESET", outcomeUnknown: true });
const refused = () => new ApiError("connect ECONNREFUSED", { awsCode: "ECONNREFUSED" });

/** A policy on a fake clock, recording retry events; `fails` lists what each attempt throws. */
function harness(fails: (() => Error)[], options: RetryOptions = {}, callMillis = 0) {
  const clock = fakeClock();
  const events: RetryEvent[] = [];
  const policy = createRetryPolicy({ random: () => 0.5, clock, onRetry: (e) => events.push(e), ...options });
  let calls = 0;
  const run = policy.run(
    async (attempt) => {
      calls += 1;
      expect(attempt).toBe(calls);
      clock.tick(callMillis);
      const failure = fails[attempt - 1];
      if (failure !== undefined) {
        throw failure();
      }
      return `ok after ${attempt}`;
    },
    { operation: "SendEmail" },
  );
  const settled = run.then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error }),
  );
  return {
    clock,
    events,
    settle: async () => {
      await clock.advance(10 * 60_000);
      return settled;
    },
    calls: () => calls,
  };
}

describe("retry policy: what is retried", () => {
  it("retries throttling, 5xx and network failures, then returns the result", async () => {
    const h = harness([throttled, serverError, refused]);
    const { value } = await h.settle();
    expect(value).toBe("ok after 4");
    expect(h.events.map((e) => [e.attempt, e.code, e.kind])).toEqual([
      [1, "TooManyRequestsException", "throttling"],
      [2, "InternalFailure", "server"],
      [3, "ECONNREFUSED", "network"],
    ]);
  });

  it.each([
    ["the daily quota (even in the throttling shape)", quota],
    ["a permanent error", rejected],
  ])("never retries %s", async (_name, failure) => {
    const h = harness([failure, failure]);
    const { error } = await h.settle();
    expect(h.calls()).toBe(1);
    expect(h.events).toEqual([]);
    expect((error as ApiError).message).toBe(failure().message);
  });

  it("gives up after maxAttempts and throws the last error", async () => {
    const h = harness([throttled, throttled, serverError, throttled], { maxAttempts: 3 });
    const { error } = await h.settle();
    expect(h.calls()).toBe(3);
    expect(h.events).toHaveLength(2);
    expect((error as ApiError).awsCode).toBe("InternalFailure");
  });

  it("keeps an earlier unknown outcome: the final error says the message may have been sent", async () => {
    const h = harness([reset, serverError], { maxAttempts: 2 });
    const { error } = await h.settle();
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).outcomeUnknown).toBe(true);
    expect((error as ApiError).awsCode).toBe("InternalFailure");
    expect(((error as ApiError).cause as ApiError).outcomeUnknown).toBe(false);
    expect(h.events[0]?.outcomeUnknown).toBe(true);
  });

  it("with retryUnknownOutcome off, reports an ambiguous failure instead of retrying it", async () => {
    const h = harness([reset], { retryUnknownOutcome: false });
    const { error } = await h.settle();
    expect(h.calls()).toBe(1);
    expect((error as ApiError).outcomeUnknown).toBe(true);
    const known = harness([refused], { retryUnknownOutcome: false });
    expect((await known.settle()).value).toBe("ok after 2");
  });

  it("ignores a hook that throws", async () => {
    const clock = fakeClock();
    const policy = createRetryPolicy({
      clock,
      random: () => 0,
      onRetry: () => {
        throw new Error("logger down");
      },
    });
    let calls = 0;
    const run = policy.run(async () => {
      calls += 1;
      if (calls < 3) {
        throw throttled();
      }
      return calls;
    });
    await clock.advance(1_000);
    await expect(run).resolves.toBe(3);
  });
});

describe("retry policy: backoff", () => {
  it("draws full jitter: [0, base * 2^(n-1)), capped by maxDelayMs", () => {
    const low = createRetryPolicy({ baseDelayMs: 100, maxDelayMs: 1_000, random: () => 0 });
    const high = createRetryPolicy({ baseDelayMs: 100, maxDelayMs: 1_000, random: () => 0.999999 });
    expect([1, 2, 3, 4, 5, 10, 100].map((n) => low.delayFor(n))).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect([1, 2, 3, 4, 5, 10, 100].map((n) => high.delayFor(n))).toEqual([99, 199, 399, 799, 999, 999, 999]);
  });

  it("waits the drawn delay between attempts and reports it to the hook", async () => {
    const randoms = [0.5, 0.25, 0.75];
    const h = harness([throttled, throttled, throttled], {
      baseDelayMs: 100,
      random: () => randoms.shift() ?? 0,
    });
    await h.settle();
    expect(h.events.map((e) => e.delayMs)).toEqual([50, 50, 300]);
    expect(h.clock.sleeps).toEqual([50, 50, 300]);
    expect(h.events.every((e) => e.operation === "SendEmail")).toBe(true);
  });

  it("starts no retry whose backoff would end after maxElapsedMs", async () => {
    // Each call takes 400 ms; delays drawn at half the bound: 500, then 1000.
    const h = harness(
      [throttled, throttled, throttled],
      { baseDelayMs: 1_000, maxDelayMs: 10_000, maxElapsedMs: 1_000 },
      400,
    );
    const { error } = await h.settle();
    expect(h.calls()).toBe(2);
    expect(h.events.map((e) => [e.elapsedMs, e.delayMs])).toEqual([[400, 500]]);
    expect((error as ApiError).awsCode).toBe("TooManyRequestsException");
  });

  it("decide() explains why it stops", () => {
    const policy = createRetryPolicy({
      maxAttempts: 2,
      maxElapsedMs: 100,
      baseDelayMs: 1_000,
      random: () => 0.5,
    });
    expect(policy.decide(quota(), 1, 0)).toMatchObject({ retry: false, reason: "not-retryable" });
    expect(policy.decide(throttled(), 2, 0)).toMatchObject({ retry: false, reason: "attempts" });
    expect(policy.decide(throttled(), 1, 0)).toMatchObject({ retry: false, reason: "time" });
    expect(createRetryPolicy({ random: () => 0 }).decide(throttled(), 1, 0)).toMatchObject({
      retry: true,
      delayMs: 0,
    });
  });
});
