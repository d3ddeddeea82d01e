import { SESv2Client } from "@aws-sdk/client-sesv2";
import { afterEach, describe, expect, it } from "vitest";

import { ApiError } from "../../src/errors";
import { createMailer } from "../../src/mailer";
import { amazonSes } from "../../src/ses/backend";
import { scriptedServer, sesError } from "../helpers/scripted-server";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

type Result = { Status: string; MessageId?: string; Error?: string };

/** A loopback SES that answers each SendBulkEmail call with results made from its entries. */
async function sesAnswering(
  answer: (
    entries: { Destination: { ToAddresses: string[] } }[],
    first: string,
  ) => Result[] | "reset" | "throttle",
) {
  // Calls run concurrently and may arrive in any order: answers depend on content, not order.
  const server = await scriptedServer((req, res, body) => {
    const input = JSON.parse(body) as { BulkEmailEntries: { Destination: { ToAddresses: string[] } }[] };
    const results = answer(
      input.BulkEmailEntries,
      input.BulkEmailEntries[0]?.Destination.ToAddresses[0] ?? "",
    );
    if (results === "reset") {
      req.socket.destroy();
    } else if (results === "throttle") {
      sesError(res, 429, "TooManyRequestsException", "Maximum sending rate exceeded.");
    } else {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ BulkEmailEntryResults: results }));
    }
  });
  closers.push(server.close);
  const client = new SESv2Client({
    endpoint: server.url,
    region: "us-east-1",
    credentials: { accessKeyId: "x", secretAccessKey: "x" },
    maxAttempts: 1,
  });
  return createMailer({ backend: amazonSes({ client, batchSize: 2, batchConcurrency: 2 }) });
}

const message = { templateId: "welcome", from: "f@example.com" };

describe("SendBulkEmail results", () => {
  it("keeps SES's Status and Error per recipient and reports mixed results (test_template)", async () => {
    const mailer = await sesAnswering(() => [
      { Status: "SUCCESS", MessageId: "1111111111111111-bbbbbbbb-3333-7777" },
      { Status: "ACCOUNT_DAILY_QUOTA_EXCEEDED", Error: "Daily message quota exceeded" },
    ]);
    const status = await mailer.send({ ...message, to: ["alice@example.com", "罗伯特 <bob@example.com>"] });
    expect(status.recipients["alice@example.com"]).toEqual({
      status: "queued",
      messageId: "1111111111111111-bbbbbbbb-3333-7777",
      rfcMessageId: "<1111111111111111-bbbbbbbb-3333-7777@email.amazonses.com>",
      espStatus: "SUCCESS",
      error: undefined,
    });
    expect(status.recipients["bob@example.com"]).toEqual({
      status: "failed",
      messageId: undefined,
      espStatus: "ACCOUNT_DAILY_QUOTA_EXCEEDED",
      error: "Daily message quota exceeded",
    });
    expect(status.statuses).toEqual(new Set(["queued", "failed"]));
    expect(status.messageId).toBeUndefined();
  });

  it("raises the shared reason when every entry failed alike (test_template_failure)", async () => {
    const mailer = await sesAnswering((entries) =>
      entries.map(() => ({ Status: "TEMPLATE_NOT_FOUND", Error: "No template named 'oops'" })),
    );
    const err = await mailer
      .send({ ...message, to: ["a@example.com", "b@example.com", "c@example.com"] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).message).toBe("No template named 'oops'");
    expect((err as ApiError).awsCode).toBe("TEMPLATE_NOT_FOUND");
  });

  it("refuses a result count that does not match the entries", async () => {
    const mailer = await sesAnswering(() => [{ Status: "SUCCESS", MessageId: "1" }]);
    await expect(mailer.send({ ...message, to: ["a@example.com", "b@example.com"] })).rejects.toThrow(
      "Sent to 2 destinations, but only 1 statuses",
    );
  });

  it("reports a failed batch call on its own recipients and keeps the other batches' results", async () => {
    const mailer = await sesAnswering((entries, first) =>
      first === "c@example.com"
        ? "throttle"
        : entries.map((e) => ({ Status: "SUCCESS", MessageId: `id-${e.Destination.ToAddresses[0]}` })),
    );
    const to = ["a@example.com", "b@example.com", "c@example.com", "d@example.com", "e@example.com"];
    const status = await mailer.send({ ...message, to });
    expect(to.map((addr) => status.recipients[addr]?.status)).toEqual([
      "queued",
      "queued",
      "failed",
      "failed",
      "queued",
    ]);
    expect(status.recipients["c@example.com"]?.espStatus).toBe("TooManyRequestsException");
    expect(status.recipients["e@example.com"]?.messageId).toBe("id-e@example.com");
    expect(Object.keys(status.recipients)).toEqual(to);
  });

  it("marks recipients of a call whose answer never came as unknown", async () => {
    const mailer = await sesAnswering((entries, first) =>
      first === "a@example.com" ? "reset" : entries.map(() => ({ Status: "SUCCESS", MessageId: "x" })),
    );
    const status = await mailer.send({ ...message, to: ["a@example.com", "b@example.com", "c@example.com"] });
    expect(status.recipients["a@example.com"]?.status).toBe("unknown");
    expect(status.recipients["c@example.com"]?.status).toBe("queued");
  });

  it("rethrows the call error when every batch call failed alike", async () => {
    const mailer = await sesAnswering(() => "throttle");
    const err = await mailer
      .send({ ...message, to: ["a@example.com", "b@example.com", "c@example.com"] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).awsCode).toBe("TooManyRequestsException");
  });
});
