import { SESv2Client } from "@aws-sdk/client-sesv2";
import { afterEach, describe, expect, it } from "vitest";

import { ApiError } from "../../src/errors";
import { createMailer } from "../../src/mailer";
import type { RateLimiter } from "../../src/queue/rate-limiter";
import type { RetryEvent } from "../../src/queue/retry-policy";
import { amazonSes } from "../../src/ses/backend";
import type { AmazonSesOptions } from "../../src/ses/options";
import { scriptedServer, sesError } from "../helpers/scripted-server";

const message = { from: "from@example.com", to: "to@example.com", subject: "s", text: "t" };
const credentials = { accessKeyId: "x", secretAccessKey: "x" };
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

type Answer = (res: Parameters<typeof sesError>[0], body: string) => void;

const ok: Answer = (res) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ MessageId: "m-1" }));
};
const rate: Answer = (res) =>
  sesError(res, 429, "TooManyRequestsException", "Maximum sending rate exceeded.");
const quota: Answer = (res) =>
  sesError(res, 429, "TooManyRequestsException", "Daily message quota exceeded.");
const internal: Answer = (res) => sesError(res, 500, "InternalFailure", "oops");
const bulkOk: Answer = (res, body) => {
  const entries = (JSON.parse(body) as { BulkEmailEntries: unknown[] }).BulkEmailEntries;
  res.writeHead(200, { "content-type": "application/json" });
  res.end(
    JSON.stringify({
      BulkEmailEntryResults: entries.map((_, i) => ({ Status: "SUCCESS", MessageId: `b-${i}` })),
    }),
  );
};

/** A server answering send requests with `answers` in turn (the last one repeats). */
async function sesServer(answers: Answer[], account?: Answer) {
  let sends = 0;
  const server = await scriptedServer((req, res, body) => {
    if (req.url === "/v2/email/account") {
      (account ?? ok)(res, body);
      return;
    }
    const answer = answers[Math.min(sends, answers.length - 1)] as Answer;
    sends += 1;
    answer(res, body);
  });
  closers.push(server.close);
  return server;
}

/** A mailer over a backend that creates its own client (so Mailroom decides the SDK's retries). */
function ownClient(url: string, options: AmazonSesOptions = {}) {
  const backend = amazonSes({
    region: "us-east-1",
    credentials,
    clientConfig: { endpoint: url },
    ...options,
  });
  return { backend, mailer: createMailer({ backend }) };
}

describe("amazonSes retry policy", () => {
  it("retries throttling with backoff, each retry reported with attempt, delay and code", async () => {
    const server = await sesServer([rate, rate, ok]);
    const events: RetryEvent[] = [];
    const { mailer } = ownClient(server.url, { retry: { baseDelayMs: 5, onRetry: (e) => events.push(e) } });
    const status = await mailer.send(message);
    expect(status.messageId).toBe("m-1");
    expect(server.requests).toHaveLength(3);
    expect(events.map((e) => [e.attempt, e.code, e.operation])).toEqual([
      [1, "TooManyRequestsException", "SendEmail"],
      [2, "TooManyRequestsException", "SendEmail"],
    ]);
    expect(events.every((e) => e.delayMs >= 0 && e.delayMs < 5 * 2 ** (e.attempt - 1))).toBe(true);
  });

  it("makes one request for the daily quota: neither our policy nor the SDK retries it", async () => {
    const server = await sesServer([quota]);
    const events: RetryEvent[] = [];
    const err = await ownClient(server.url, { retry: { onRetry: (e) => events.push(e) } })
      .mailer.send(message)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).message).toContain("Daily message quota exceeded");
    expect(server.requests).toHaveLength(1);
    expect(events).toEqual([]);
  });

  it("leaves the SDK's own retries on with retry: false (which would retry the daily quota)", async () => {
    const server = await sesServer([quota]);
    await expect(ownClient(server.url, { retry: false }).mailer.send(message)).rejects.toThrow(ApiError);
    expect(server.requests.length).toBeGreaterThan(1);
  });

  it("respects maxAttempts set explicitly in clientConfig", async () => {
    const server = await sesServer([internal]);
    const backend = amazonSes({
      region: "us-east-1",
      credentials,
      clientConfig: { endpoint: server.url, maxAttempts: 2, retryStrategy: undefined },
      retry: { maxAttempts: 1 },
    });
    await expect(createMailer({ backend }).send(message)).rejects.toThrow(ApiError);
    expect(server.requests).toHaveLength(2);
  });

  it("wraps an injected client's calls too", async () => {
    const server = await sesServer([internal, ok]);
    const client = new SESv2Client({
      endpoint: server.url,
      region: "us-east-1",
      credentials,
      maxAttempts: 1,
    });
    const backend = amazonSes({ client, retry: { baseDelayMs: 1 } });
    await expect(createMailer({ backend }).send(message)).resolves.toMatchObject({ messageId: "m-1" });
    expect(server.requests).toHaveLength(2);
  });
});

describe("amazonSes rate limit", () => {
  function recordingLimiter(): RateLimiter & { weights: number[]; drains: number } {
    const weights: number[] = [];
    const limiter = {
      weights,
      drains: 0,
      maxPerSecond: 100,
      acquire: async (weight: number) => {
        weights.push(weight);
      },
      drain: () => {
        limiter.drains += 1;
      },
    };
    return limiter;
  }

  it("makes every call wait for as many tokens as it has recipients", async () => {
    const server = await sesServer([ok]);
    const limiter = recordingLimiter();
    const { mailer } = ownClient(server.url, { rateLimit: limiter });
    await mailer.send({
      ...message,
      to: ["a@example.com", "b@example.com"],
      cc: "c@example.com",
      bcc: "d@example.com",
    });
    expect(limiter.weights).toEqual([4]);
  });

  it("charges a bulk batch per entry, cc included", async () => {
    const server = await sesServer([bulkOk]);
    const limiter = recordingLimiter();
    const { mailer } = ownClient(server.url, { rateLimit: limiter, batchConcurrency: 1 });
    const to = Array.from({ length: 60 }, (_, i) => `r${i}@example.com`);
    await mailer.send({
      from: "from@example.com",
      to,
      cc: "copy@example.com",
      templateId: "T",
      mergeData: {},
    });
    expect(limiter.weights).toEqual([100, 20]);
  });

  it("takes tokens again for a retry and drains the bucket on a throttling answer", async () => {
    const server = await sesServer([rate, ok]);
    const limiter = recordingLimiter();
    await ownClient(server.url, { rateLimit: limiter, retry: { baseDelayMs: 1 } }).mailer.send(message);
    expect(limiter.weights).toEqual([1, 1]);
    expect(limiter.drains).toBe(1);
  });

  it('sizes the limiter from GetAccount SendQuota.MaxSendRate with rateLimit: "account"', async () => {
    const account: Answer = (res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ SendQuota: { Max24HourSend: 200, MaxSendRate: 7, SentLast24Hours: 0 } }));
    };
    const server = await sesServer([ok], account);
    const { backend, mailer } = ownClient(server.url, { rateLimit: "account" });
    expect(backend.rateLimiter?.maxPerSecond).toBeUndefined();
    await mailer.send(message);
    await mailer.send(message);
    expect(backend.rateLimiter?.maxPerSecond).toBe(7);
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      "GET /v2/email/account",
      "POST /v2/email/outbound-emails",
      "POST /v2/email/outbound-emails",
    ]);
  });

  it("fails the send, without sending, when GetAccount is denied", async () => {
    const denied: Answer = (res) =>
      sesError(res, 403, "AccessDeniedException", "not authorized to ses:GetAccount");
    const server = await sesServer([ok], denied);
    const err = await ownClient(server.url, { rateLimit: {} })
      .mailer.send(message)
      .catch((e: unknown) => e);
    expect((err as ApiError).awsCode).toBe("AccessDeniedException");
    expect(server.requests.map((r) => r.url)).toEqual(["/v2/email/account"]);
  });
});
