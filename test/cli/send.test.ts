import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { SESv2ServiceException } from "@aws-sdk/client-sesv2";
import { beforeAll, describe, expect, it } from "vitest";

import { runCli } from "../helpers/cli-run";
import { emulatorClient, storedEmail } from "../helpers/ses-local";

interface DryRun {
  dryRun: true;
  operation: string;
  requests: Record<string, unknown>[];
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mailroom-cli-send-"));
  await writeFile(join(dir, "invoice.txt"), "Invoice 42: 10.00 EUR\n");
});

function rawOf(request: Record<string, unknown> | undefined): string {
  return ((request?.Content as { Raw: { Data: string } }).Raw.Data ?? "").toString();
}

describe("mailroom send --dry-run", () => {
  it("prints the SendEmail request with the raw MIME as text, and calls nothing", async () => {
    const result = await runCli([
      "send",
      "--dry-run",
      "--from",
      "Shop <shop@example.com>",
      "--to",
      "alice@example.com",
      "--to",
      "Bob <bob@example.com>",
      "--bcc",
      "audit@example.com",
      "--subject",
      "Your order",
      "--text",
      "Thanks!",
      "--tag",
      "orders",
      "--metadata",
      "orderId=42",
      "--header",
      "X-Campaign: spring",
      "--attach",
      join(dir, "invoice.txt"),
      "--configuration-set",
      "Tracking",
    ]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout) as DryRun;
    expect(plan.dryRun).toBe(true);
    expect(plan.operation).toBe("SendEmail");
    expect(plan.requests).toHaveLength(1);
    const [request] = plan.requests;
    expect(request?.Destination).toEqual({
      ToAddresses: ["alice@example.com", "bob@example.com"],
      BccAddresses: ["audit@example.com"],
    });
    expect(request?.ConfigurationSetName).toBe("Tracking");
    const raw = rawOf(request);
    expect(raw).toContain("From: Shop <shop@example.com>\r\n");
    expect(raw).toContain("To: alice@example.com, Bob <bob@example.com>\r\n");
    expect(raw).toContain("Subject: Your order\r\n");
    expect(raw).toContain("X-Tag: orders\r\n");
    expect(raw).toContain('X-Metadata: {"orderId": "42"}\r\n');
    expect(raw).toContain("X-Campaign: spring\r\n");
    expect(raw).toContain("Content-Disposition: attachment; filename=invoice.txt");
    expect(raw).toContain(Buffer.from("Invoice 42: 10.00 EUR\n").toString("base64"));
    expect(raw).not.toMatch(/^Bcc:/m);
  });

  it("prints one SendBulkEmail request for a template send, with per-recipient data", async () => {
    const result = await runCli([
      "send",
      "--dry-run",
      "--from",
      "shop@example.com",
      "--to",
      "alice@example.com",
      "--to",
      "bob@example.com",
      "--template",
      "Welcome",
      "--merge-data",
      '{"alice@example.com": {"name": "Alice"}, "bob@example.com": {"name": "Bob"}}',
      "--merge-global-data",
      '{"shop": "Example"}',
    ]);
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout) as DryRun;
    expect(plan.operation).toBe("SendBulkEmail");
    const [request] = plan.requests as {
      DefaultContent: { Template: Record<string, unknown> };
      BulkEmailEntries: { Destination: { ToAddresses: string[] }; ReplacementEmailContent: unknown }[];
    }[];
    expect(request?.DefaultContent.Template).toMatchObject({
      TemplateName: "Welcome",
      TemplateData: '{"shop":"Example"}',
    });
    expect(request?.BulkEmailEntries.map((entry) => entry.Destination.ToAddresses)).toEqual([
      ["alice@example.com"],
      ["bob@example.com"],
    ]);
    expect(JSON.stringify(request?.BulkEmailEntries[1]?.ReplacementEmailContent)).toContain(
      '\\"name\\":\\"Bob\\"',
    );
  });

  it("reads a --message file with path and base64 attachments; flags override its fields", async () => {
    const messageFile = join(dir, "message.json");
    await writeFile(
      messageFile,
      JSON.stringify({
        from: "shop@example.com",
        to: ["alice@example.com"],
        subject: "From the file",
        html: "<p>Hello</p>",
        metadata: { orderId: 7 },
        attachments: [
          { path: "invoice.txt" },
          { filename: "logo.png", content: Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString("base64") },
        ],
      }),
    );
    const result = await runCli([
      "send",
      "--dry-run",
      "--message",
      messageFile,
      "--subject",
      "From the flag",
    ]);
    expect(result.code).toBe(0);
    const raw = rawOf((JSON.parse(result.stdout) as DryRun).requests[0]);
    expect(raw).toContain("Subject: From the flag\r\n");
    expect(raw).toContain('X-Metadata: {"orderId": 7}');
    expect(raw).toContain("filename=invoice.txt");
    expect(raw).toContain("Content-Type: image/png; name=logo.png");
    expect(raw).toContain(Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString("base64"));
  });

  it.each([
    [{ to: "a@example.com", attachements: [] }, "unknown field(s) attachements"],
    [
      { to: "a@example.com", attachments: [{ filename: "x", content: "not base64!" }] },
      "must be a base64 string",
    ],
    [{ to: "a@example.com", attachments: [{ filename: "x" }] }, "exactly one of path or content"],
    [{ to: "a@example.com", attachments: [{ path: "missing.pdf" }] }, "cannot read"],
    [["not", "an", "object"], "must hold a JSON object"],
  ])("refuses a bad message file (%j) with exit code 2", async (content, message) => {
    const file = join(dir, `bad-${Math.random()}.json`);
    await writeFile(file, JSON.stringify(content));
    const result = await runCli(["send", "--dry-run", "--message", file, "--from", "s@example.com"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe("");
  });

  it.each([
    [["--from", "Widgets, Inc. <w@example.com>", "--to", "a@example.com"], "Invalid email address"],
    [["--from", "s@example.com"], "no recipients"],
    [["--to", "a@example.com", "--text", "hi"], "no sender"],
    [["--from", "s@example.com", "--to", "a@example.com", "--metadata", "novalue"], "expects key=value"],
    [
      ["--from", "s@example.com", "--to", "a@example.com", "--merge-data", "{bad"],
      "--merge-data is not valid JSON",
    ],
    [["--from", "s@example.com", "--to", "a@example.com", "--text", "a", "--text-file", "b"], "not both"],
    [
      ["--from", "s@example.com", "--to", "a@example.com", "--attach", "/nonexistent/file.pdf"],
      "cannot read",
    ],
  ])("refuses invalid input %j with exit code 2 and one line", async (flags, message) => {
    const result = await runCli(["send", "--dry-run", ...flags]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("mailroom send (against aws-ses-v2-local)", () => {
  it("sends and prints each recipient's status", async () => {
    const { client, sent } = emulatorClient();
    const result = await runCli(
      [
        "send",
        "--from",
        "shop@example.com",
        "--to",
        "alice@example.com",
        "--subject",
        "CLI send",
        "--text",
        "Sent by mailroom send",
        "--attach",
        join(dir, "invoice.txt"),
      ],
      { clients: { sesv2: client } },
    );
    expect(result.code).toBe(0);
    expect(sent.map((call) => call.operation)).toEqual(["SendEmailCommand"]);
    const line = result.stdout.split("\n").find((l) => l.includes("alice@example.com")) ?? "";
    expect(line).toMatch(/alice@example\.com\s+queued\s+\S+/);
    const messageId = line.trim().split(/\s+/)[2] ?? "";
    const stored = await storedEmail(messageId);
    expect(stored.subject).toBe("CLI send");
    expect(stored.body.text?.trim()).toBe("Sent by mailroom send");
    expect(stored.attachments.map((a) => a.filename)).toEqual(["invoice.txt"]);
    expect(result.stderr).toContain("Sending with Amazon SES SendEmail");
  });

  it("prints the status as JSON with --json", async () => {
    const { client } = emulatorClient();
    const result = await runCli(
      [
        "send",
        "--json",
        "--from",
        "shop@example.com",
        "--to",
        "bob@example.com",
        "--subject",
        "J",
        "--text",
        "x",
      ],
      { clients: { sesv2: client } },
    );
    expect(result.code).toBe(0);
    const status = JSON.parse(result.stdout) as {
      messageId: string;
      statuses: string[];
      recipients: Record<string, { status: string }>;
    };
    expect(status.statuses).toEqual(["queued"]);
    expect(status.recipients["bob@example.com"]?.status).toBe("queued");
    expect((await storedEmail(status.messageId)).subject).toBe("J");
  });

  it.each([
    ["MessageRejected", 400, 1, "MessageRejected"],
    ["AccessDeniedException", 403, 3, "check the AWS credentials"],
  ])("reports an SES %s as one line with exit code %i", async (name, httpStatusCode, code, text) => {
    const client = {
      send: () =>
        Promise.reject(
          new SESv2ServiceException({
            name,
            message: `${name} happened`,
            $fault: "client",
            $metadata: { httpStatusCode },
          }),
        ),
    };
    const result = await runCli(["send", "--from", "s@example.com", "--to", "a@example.com", "--text", "x"], {
      clients: { sesv2: client },
    });
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(text);
    expect(
      result.stderr
        .trim()
        .split("\n")
        .filter((l) => !l.startsWith("Sending")),
    ).toHaveLength(1);
  });
});
