import { describe, expect, it } from "vitest";

import { ApiError } from "../../../src/errors";
import type { EmailMessage } from "../../../src/message/types";
import { attemptMailJob } from "../../../src/queue/process-job";
import type { JobProgressRecord, MailJobAttempt } from "../../../src/queue/process-job";
import { createRetryPolicy } from "../../../src/queue/retry-policy";
import type { RetryEvent } from "../../../src/queue/retry-policy";
import { makeSendStatus } from "../../../src/send-status";

const message: EmailMessage = {
  from: "f@example.com",
  to: "a@example.com",
  subject: "s",
  sendAt: new Date(0),
};
const sent = makeSendStatus({ "a@example.com": { status: "queued", messageId: "m-1" } }, undefined);

function attempt(overrides: Partial<MailJobAttempt> & { fail?: Error }) {
  const saved: JobProgressRecord[] = [];
  const sends: EmailMessage[] = [];
  const events: RetryEvent[] = [];
  const input: MailJobAttempt = {
    jobId: "job-1",
    message,
    attempt: 1,
    previous: undefined,
    saveProgress: async (record) => {
      saved.push(record);
    },
    mailer: {
      send: async (m) => {
        // What the worker must have persisted before the send started.
        expect(saved.at(-1)?.phase).toBe("sending");
        sends.push(m);
        if (overrides.fail !== undefined) {
          throw overrides.fail;
        }
        return sent;
      },
    },
    policy: createRetryPolicy({
      maxAttempts: 3,
      random: () => 0.5,
      baseDelayMs: 1_000,
      onRetry: (e) => events.push(e),
    }),
    retryUnknownOutcome: true,
    dailyQuotaDelayMs: 600_000,
    now: () => 1_000_000,
    ...overrides,
  };
  return { run: () => attemptMailJob(input), saved, sends, events };
}

describe("one attempt at a queued message", () => {
  it("records 'sending' before the send, sends now (sendAt cleared) and completes", async () => {
    const a = attempt({});
    const step = await a.run();
    expect(step).toMatchObject({ action: "complete", outcome: { state: "sent", possibleDuplicate: false } });
    expect(a.sends[0]?.sendAt).toBeNull();
    expect(a.saved).toEqual([{ phase: "sending", uncertain: false, firstAttemptAt: 1_000_000 }]);
  });

  it("after a worker died mid-send, sends again and flags a possible duplicate (at-least-once)", async () => {
    const previous: JobProgressRecord = { phase: "sending", uncertain: false, firstAttemptAt: 5 };
    const a = attempt({ previous, attempt: 1 });
    const step = await a.run();
    expect(step).toMatchObject({ action: "complete", outcome: { possibleDuplicate: true } });
    expect(a.saved[0]).toEqual({ phase: "sending", uncertain: true, firstAttemptAt: 5 });
  });

  it("with retryUnknownOutcome off, reports that message unknown and does not send it", async () => {
    const a = attempt({
      previous: { phase: "sending", uncertain: false, firstAttemptAt: 5 },
      retryUnknownOutcome: false,
    });
    const step = await a.run();
    expect(step).toMatchObject({ action: "fail", outcome: { state: "unknown" } });
    expect(a.sends).toHaveLength(0);
  });

  it("keeps a decision the previous worker recorded but could not hand to the queue", async () => {
    const outcome = {
      state: "failed" as const,
      error: {
        name: "ApiError",
        message: "no",
        code: "api_error",
        awsCode: "MessageRejected",
        httpStatus: 400,
        kind: "permanent" as const,
      },
    };
    const a = attempt({ previous: { phase: "done", uncertain: false, firstAttemptAt: 5, outcome } });
    expect(await a.run()).toEqual({ action: "fail", outcome });
    expect(a.sends).toHaveLength(0);
  });

  it("retries a retryable failure with the policy's delay, reported to onRetry", async () => {
    const a = attempt({
      fail: new ApiError("InternalFailure", { awsCode: "InternalFailure", httpStatus: 500 }),
    });
    expect(await a.run()).toEqual({ action: "retry", delayMs: 500 });
    expect(a.events.map((e) => [e.attempt, e.code, e.delayMs, e.operation])).toEqual([
      [1, "InternalFailure", 500, "job-1"],
    ]);
    expect(a.saved.at(-1)).toMatchObject({ phase: "retrying", uncertain: false });
  });

  it("fails when the attempts are used up, 'unknown' if any attempt may have sent it", async () => {
    const internal = new ApiError("InternalFailure", { awsCode: "InternalFailure", httpStatus: 500 });
    const last = attempt({ fail: internal, attempt: 3 });
    expect(await last.run()).toMatchObject({
      action: "fail",
      outcome: { state: "failed", error: { awsCode: "InternalFailure" } },
    });
    const uncertain = attempt({
      fail: internal,
      attempt: 3,
      previous: { phase: "retrying", uncertain: true, firstAttemptAt: 0 },
    });
    expect(await uncertain.run()).toMatchObject({ action: "fail", outcome: { state: "unknown" } });
    const reset = attempt({
      fail: new ApiError("reset", { awsCode: "ECONNRESET", outcomeUnknown: true }),
      attempt: 3,
    });
    expect(await reset.run()).toMatchObject({ action: "fail", outcome: { state: "unknown" } });
  });

  it("fails a permanent error at once", async () => {
    const a = attempt({ fail: new ApiError("rejected", { awsCode: "MessageRejected", httpStatus: 400 }) });
    expect(await a.run()).toMatchObject({ action: "fail", outcome: { state: "failed" } });
    expect(a.events).toEqual([]);
  });

  it("defers the daily quota without spending the attempt, with or without a policy", async () => {
    const fail = new ApiError("Daily message quota exceeded.", {
      awsCode: "TooManyRequestsException",
      httpStatus: 429,
    });
    expect(await attempt({ fail }).run()).toEqual({ action: "defer", delayMs: 600_000 });
    expect(await attempt({ fail, policy: undefined }).run()).toEqual({ action: "defer", delayMs: 600_000 });
  });
});
