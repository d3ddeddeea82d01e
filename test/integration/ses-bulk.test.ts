import { CreateEmailTemplateCommand } from "@aws-sdk/client-sesv2";
import { beforeAll, describe, expect, it } from "vitest";

import { ApiError } from "../../src/errors";
import { createMailer } from "../../src/mailer";
import { amazonSes } from "../../src/ses/backend";
import { emulatorClient, storedEmail } from "../helpers/ses-local";

// Template names are unique per run: other test files share the emulator's store.
const welcome = `welcome-${process.pid}-${Date.now()}`;

beforeAll(async () => {
  const { client } = emulatorClient();
  await client.send(
    new CreateEmailTemplateCommand({
      TemplateName: welcome,
      TemplateContent: {
        Subject: "Welcome to {{site}}, {{name}}",
        Text: "Hello {{name}} of {{group}} at {{site}}",
        Html: "<p>Hello {{name}} of {{group}}</p>",
      },
    }),
  );
});

function setup(options: Parameters<typeof amazonSes>[0] = {}) {
  const { client, sent } = emulatorClient();
  return { mailer: createMailer({ backend: amazonSes({ ...options, client }) }), sent };
}

describe("template sends through aws-ses-v2-local", () => {
  it("renders a stored template per recipient with merge data and global data", async () => {
    const { mailer, sent } = setup();
    const status = await mailer.send({
      templateId: welcome,
      from: "shop@example.com",
      to: ["alice@example.com", "bob@example.com"],
      mergeData: {
        "alice@example.com": { name: "Alice", group: "Developers" },
        "bob@example.com": { name: "Bob" },
      },
      mergeGlobalData: { group: "Users", site: "ExampleCo" },
      headers: { "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
      mergeHeaders: { "alice@example.com": { "List-Unsubscribe": "<https://example.com/a/>" } },
      metadata: { campaign: "welcome" },
    });
    expect(sent.map((s) => s.operation)).toEqual(["SendBulkEmailCommand"]);
    const alice = status.recipients["alice@example.com"];
    const bob = status.recipients["bob@example.com"];
    expect(alice).toMatchObject({ status: "queued", espStatus: "SUCCESS" });
    expect(bob).toMatchObject({ status: "queued", espStatus: "SUCCESS" });
    expect(alice?.messageId).not.toBe(bob?.messageId);
    expect(status.messageId).toBeUndefined();
    expect(status.messageIds).toEqual([alice?.messageId, bob?.messageId]);

    const aliceEmail = await storedEmail(alice?.messageId as string);
    expect(aliceEmail.subject).toBe("Welcome to ExampleCo, Alice");
    expect(aliceEmail.body.text).toBe("Hello Alice of Developers at ExampleCo");
    expect(aliceEmail.destination.to).toEqual(["alice@example.com"]);
    expect(aliceEmail.headers).toEqual(
      expect.arrayContaining([
        { name: "List-Unsubscribe", value: "<https://example.com/a/>" },
        { name: "X-Metadata", value: '{"campaign": "welcome"}' },
      ]),
    );
    const bobEmail = await storedEmail(bob?.messageId as string);
    expect(bobEmail.body.text).toBe("Hello Bob of Users at ExampleCo");
    expect(bobEmail.headers?.some((h) => h.name === "List-Unsubscribe")).toBe(false);
  });

  it("sends 120 recipients in three calls, every one with its own status, in order", async () => {
    const { mailer, sent } = setup();
    const to = Array.from({ length: 120 }, (_, i) => `user${i}@example.com`);
    const status = await mailer.send({
      templateId: welcome,
      from: "shop@example.com",
      to,
      mergeData: Object.fromEntries(to.map((addr, i) => [addr, { name: `User ${i}` }])),
      mergeGlobalData: { site: "ExampleCo", group: "Beta" },
    });
    expect(sent.map((s) => (s.input.BulkEmailEntries as unknown[]).length)).toEqual([50, 50, 20]);
    expect(Object.keys(status.recipients)).toEqual(to);
    expect(Object.values(status.recipients).every((r) => r.status === "queued")).toBe(true);
    expect(new Set(status.messageIds).size).toBe(120);
    const last = await storedEmail(status.recipients["user119@example.com"]?.messageId as string);
    expect(last.subject).toBe("Welcome to ExampleCo, User 119");
  });

  it("reports partial failures per recipient without raising", async () => {
    const { mailer } = setup();
    // The emulator refuses bulk entries whose To has a display name (real SES accepts them),
    // which gives a mixed result to report.
    const status = await mailer.send({
      templateId: welcome,
      from: "shop@example.com",
      to: ["ok@example.com", "Named <named@example.com>"],
      mergeGlobalData: { name: "x", group: "y", site: "z" },
    });
    expect(status.recipients["ok@example.com"]?.status).toBe("queued");
    expect(status.recipients["named@example.com"]).toMatchObject({ status: "failed", espStatus: "FAILED" });
    expect(status.recipients["named@example.com"]?.error).toContain("Invalid recipient");
    expect(status.statuses).toEqual(new Set(["queued", "failed"]));
  });

  it("raises ApiError when every recipient failed for the same reason", async () => {
    const { mailer } = setup();
    const err = await mailer
      .send({
        templateId: "no-such-template",
        from: "shop@example.com",
        to: ["a@example.com", "b@example.com"],
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
  });

  it("sends inline template content when merge data comes without templateId", async () => {
    const { mailer, sent } = setup();
    const status = await mailer.send({
      from: "shop@example.com",
      to: ["carol@example.com"],
      subject: "Hi {{name}}",
      text: "Your code is {{code}}",
      mergeData: { "carol@example.com": { name: "Carol", code: "1234" } },
    });
    expect(sent[0]?.operation).toBe("SendBulkEmailCommand");
    const email = await storedEmail(status.recipients["carol@example.com"]?.messageId as string);
    expect(email.subject).toBe("Hi Carol");
    expect(email.body.text).toBe("Your code is 1234");
  });
});
