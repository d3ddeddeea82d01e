import { describe, expect, it } from "vitest";

import { createMailer } from "../../src/mailer";
import { createMemoryBackend } from "../../src/testing/index";

describe("createMemoryBackend keeps what SES would be sent", () => {
  it("keeps the SendEmail input (raw MIME, destination, SES options) on the outbox entry", async () => {
    const backend = createMemoryBackend({ configurationSetName: "Tracking", messageTagName: "Type" });
    const mailer = createMailer({ backend });
    const status = await mailer.send({
      from: "shop@example.com",
      to: "alice@example.com",
      bcc: "audit@example.com",
      subject: "Hi",
      text: "Hello",
      tags: ["welcome"],
      metadata: { orderId: 42 },
    });
    const entry = backend.outbox[0];
    expect(backend.name).toBe("Amazon SES");
    expect(entry?.messageId).toBe(status.messageId);
    expect(entry?.messageIds).toEqual([status.messageId]);
    expect(entry?.recipientMessageIds).toEqual({
      "alice@example.com": status.messageId,
      "audit@example.com": status.messageId,
    });
    expect(entry?.payload.operation).toBe("SendEmail");
    if (entry?.payload.operation !== "SendEmail") return;
    const { input } = entry.payload;
    expect(input.Destination).toEqual({
      ToAddresses: ["alice@example.com"],
      BccAddresses: ["audit@example.com"],
    });
    expect(input.ConfigurationSetName).toBe("Tracking");
    expect(input.EmailTags).toEqual([{ Name: "Type", Value: "welcome" }]);
    const mime = Buffer.from(input.Content?.Raw?.Data ?? new Uint8Array()).toString("latin1");
    expect(mime).toContain('X-Metadata: {"orderId": 42}');
    expect(mime).not.toMatch(/^Bcc:/im);
  });

  it("gives each `to` recipient of a template send its own message id, as SES does", async () => {
    const backend = createMemoryBackend({ batchSize: 2 });
    const status = await createMailer({ backend }).send({
      from: "shop@example.com",
      to: ["a@example.com", "b@example.com", "c@example.com"],
      templateId: "welcome",
      mergeData: { "a@example.com": { name: "A" } },
    });
    const entry = backend.outbox[0];
    expect(entry?.payload.operation).toBe("SendBulkEmail");
    if (entry?.payload.operation !== "SendBulkEmail") return;
    expect(entry.payload.inputs.map((i) => i.BulkEmailEntries?.length)).toEqual([2, 1]);
    expect(entry.messageId).toBeUndefined();
    expect(status.messageId).toBeUndefined();
    expect(new Set(entry.messageIds).size).toBe(3);
    expect(status.messageIds).toEqual(entry.messageIds);
    expect(status.recipients["b@example.com"]).toMatchObject({ status: "queued", espStatus: "SUCCESS" });
  });
});
