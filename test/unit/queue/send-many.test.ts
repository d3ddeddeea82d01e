import { describe, expect, it } from "vitest";

import type { MailerBackend } from "../../../src/backend";
import { ApiError, InvalidAddressError } from "../../../src/errors";
import { createMailer } from "../../../src/mailer";
import type { NormalizedMessage } from "../../../src/message/types";
import type { SendManyResult } from "../../../src/queue/send-many";

/** A backend whose API call is scripted per message subject. */
function scriptedBackend(call: (message: NormalizedMessage) => Promise<string>) {
  let inFlight = 0;
  const stats = { calls: 0, maxInFlight: 0 };
  const backend: MailerBackend<NormalizedMessage, string> = {
    name: "Scripted",
    buildPayload: (m) => m,
    callApi: async (m) => {
      stats.calls += 1;
      inFlight += 1;
      stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
      try {
        return await call(m);
      } finally {
        inFlight -= 1;
      }
    },
    parseResult: (id, m) => ({
      recipients: Object.fromEntries(
        m.to.map((a) => [a.addrSpec, { status: "queued" as const, messageId: id }]),
      ),
      response: id,
    }),
  };
  return { backend, stats };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const messages = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ from: "f@example.com", to: `r${i}@example.com`, subject: `#${i}` }));

describe("mailer.sendMany", () => {
  it("returns every message's result in input order, one failure not aborting the rest", async () => {
    const { backend, stats } = scriptedBackend(async (m) => {
      const i = Number(m.subject?.slice(1));
      await sleep((7 - (i % 7)) * 2);
      if (i === 3) {
        throw new ApiError("rejected", { awsCode: "MessageRejected", httpStatus: 400 });
      }
      return `id-${i}`;
    });
    const input = messages(20);
    input[5] = { ...input[5], to: "not an address" } as (typeof input)[number];
    const seen: number[] = [];
    const results = await createMailer({ backend }).sendMany(input, {
      concurrency: 4,
      onResult: (_r, i) => seen.push(i),
    });
    expect(results.map((r) => r.outcome)).toEqual(
      input.map((_, i) => (i === 3 || i === 5 ? "failed" : "sent")),
    );
    expect(results.map((r) => r.status?.messageId)).toEqual(
      input.map((_, i) => (i === 3 || i === 5 ? undefined : `id-${i}`)),
    );
    expect((results[3]?.error as ApiError).awsCode).toBe("MessageRejected");
    expect(results[5]?.error).toBeInstanceOf(InvalidAddressError);
    expect(stats.maxInFlight).toBe(4);
    expect(seen.sort((a, b) => a - b)).toEqual(input.map((_, i) => i));
  });

  it("reports an unknown outcome with every recipient's status unknown", async () => {
    const { backend } = scriptedBackend(async () => {
      throw new ApiError("socket hang up", { awsCode: "ECONNRESET", outcomeUnknown: true });
    });
    const [result] = await createMailer({ backend, sendDefaults: { cc: "cc@example.com" } }).sendMany(
      messages(1),
    );
    expect(result?.outcome).toBe("unknown");
    const unknown = result as Extract<SendManyResult, { outcome: "unknown" }>;
    expect(unknown.status.recipients).toEqual({
      "r0@example.com": { status: "unknown", messageId: undefined },
      "cc@example.com": { status: "unknown", messageId: undefined },
    });
    expect(unknown.error.outcomeUnknown).toBe(true);
  });

  it("stops promptly at the daily quota: the messages not yet started are skipped, not attempted", async () => {
    const quota = new ApiError("Daily message quota exceeded.", {
      awsCode: "TooManyRequestsException",
      httpStatus: 429,
    });
    let accepted = 0;
    const { backend, stats } = scriptedBackend(async () => {
      await sleep(1);
      if (accepted >= 10) {
        throw quota;
      }
      accepted += 1;
      return `id-${accepted}`;
    });
    const results = await createMailer({ backend }).sendMany(messages(200), { concurrency: 5 });
    const outcomes = results.map((r) => r.outcome);
    expect(outcomes.filter((o) => o === "sent")).toHaveLength(10);
    expect(stats.calls).toBeLessThanOrEqual(10 + 5);
    expect(outcomes.filter((o) => o === "skipped").length).toBe(200 - stats.calls);
    expect(results.filter((r) => r.outcome !== "sent").every((r) => r.error === quota)).toBe(true);
  });

  it("keeps going past the daily quota when told to", async () => {
    const quota = new ApiError("Daily message quota exceeded.", { awsCode: "LimitExceededException" });
    const { backend, stats } = scriptedBackend(async () => {
      throw quota;
    });
    const results = await createMailer({ backend }).sendMany(messages(6), {
      stopOnDailyQuota: false,
      concurrency: 1,
    });
    expect(stats.calls).toBe(6);
    expect(results.every((r) => r.outcome === "failed")).toBe(true);
  });
});
