import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { afterEach, describe, expect, it } from "vitest";

import { WebhookValidationError } from "../../src/errors";
import { parseSnsEnvelope } from "../../src/sns/envelope";
import { createSnsVerifier } from "../../src/sns/verify";
import { runCli, type CliResult } from "../helpers/cli-run";

const USER = "hooks";
const PASSWORD = "verify-webhook-password";
const AUTH = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}`;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

type Mode = "production" | "accepting" | "no-auth" | "broken";

/**
 * A small webhook that behaves like SNS expects: 401 + Basic challenge without credentials,
 * then (production) the real verifier with a certificate download that fails like AWS's 404 for
 * an unknown certificate — so test-signed samples get 403 —, or (accepting) 200.
 */
async function startWebhook(
  mode: Mode,
): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const verifier = createSnsVerifier({
    fetchCertificate: () =>
      Promise.reject(
        new WebhookValidationError("certificate download: HTTP status 404", { httpStatus: 403 }),
      ),
  });
  const server: Server = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => (body += chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body });
      void (async () => {
        if (mode === "broken") {
          response.writeHead(500).end("boom");
          return;
        }
        if (mode !== "no-auth" && request.headers.authorization === undefined) {
          response.writeHead(401, { "WWW-Authenticate": 'Basic realm="mailroom"' }).end();
          return;
        }
        if (mode !== "no-auth" && request.headers.authorization !== AUTH) {
          response.writeHead(401, { "WWW-Authenticate": 'Basic realm="mailroom"' }).end("bad credentials");
          return;
        }
        try {
          const envelope = parseSnsEnvelope(body, {
            messageType: String(request.headers["x-amz-sns-message-type"]),
            messageId: String(request.headers["x-amz-sns-message-id"]),
          });
          if (mode === "production") {
            await verifier.verify(envelope);
          }
          response.writeHead(200).end();
        } catch (err) {
          const status = err instanceof WebhookValidationError ? err.httpStatus : 500;
          response.writeHead(status).end((err as Error).message);
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mailroom/ses/tracking`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const servers: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function webhook(mode: Mode): Promise<{ url: string; received: Received[] }> {
  const started = await startWebhook(mode);
  servers.push(started);
  return started;
}

function verify(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(["verify-webhook", ...args], { fetch: globalThis.fetch, env });
}

const TRACKING_LABELS = [
  "Send",
  "Reject",
  "Bounce",
  "Complaint",
  "Delivery",
  "Open",
  "Click",
  "Rendering Failure",
  "DeliveryDelay",
  "Subscription",
  "setup message",
];

describe("mailroom verify-webhook", () => {
  it("posts every SES event type like SNS: no credentials first, basic auth after the 401", async () => {
    const { url, received } = await webhook("production");
    const result = await verify([url, "--secret", `${USER}:${PASSWORD}`]);
    expect(result.code).toBe(0);
    expect(received).toHaveLength(2 * TRACKING_LABELS.length);
    const first = received.filter((_, i) => i % 2 === 0);
    const second = received.filter((_, i) => i % 2 === 1);
    expect(first.every((r) => r.headers.authorization === undefined)).toBe(true);
    expect(second.every((r) => r.headers.authorization === AUTH)).toBe(true);
    const types = second.map((r) => {
      const envelope = JSON.parse(r.body) as { Message: string; Signature: string; SigningCertURL: string };
      expect(envelope.Signature).not.toBe("");
      expect(envelope.SigningCertURL).toMatch(
        /^https:\/\/sns\.us-east-1\.amazonaws\.com\/SimpleNotificationService-/,
      );
      try {
        return (JSON.parse(envelope.Message) as { eventType: string }).eventType;
      } catch {
        return envelope.Message;
      }
    });
    expect(types).toEqual([
      ...TRACKING_LABELS.slice(0, -1),
      "Successfully validated SNS topic for Amazon SES event publishing.",
    ]);
    for (const r of second) {
      expect(r.headers["content-type"]).toBe("text/plain; charset=UTF-8");
      expect(r.headers["x-amz-sns-message-type"]).toBe("Notification");
      expect(r.headers["x-amz-sns-message-id"]).toBe((JSON.parse(r.body) as { MessageId: string }).MessageId);
      expect(r.headers["x-amz-sns-topic-arn"]).toBe(
        "arn:aws:sns:us-east-1:123456789012:mailroom-verify-webhook",
      );
    }
  });

  it("reports a production webhook's 403s as the expected, secure result", async () => {
    const { url } = await webhook("production");
    const result = await verify([url, "--expect", "rejected"], {
      MAILROOM_WEBHOOK_SECRET: `${USER}:${PASSWORD}`,
    });
    expect(result.code).toBe(0);
    for (const label of TRACKING_LABELS) {
      expect(result.stdout).toMatch(new RegExp(`${label}\\s+401→403\\s+refused the test signature`));
    }
    expect(result.stdout).toContain(
      "must answer 403 to every one of\nthem: that is the expected, secure result",
    );
    expect(result.stdout).toContain("Result: OK");
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
    expect(result.stderr).toContain("Posting Bounce (3/11)");
  });

  it("flags an endpoint that accepts test-signed samples", async () => {
    const { url } = await webhook("accepting");
    const secret = ["--secret", `${USER}:${PASSWORD}`];
    const strict = await verify([url, ...secret, "--expect", "rejected"]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/Send\s+401→200\s+ACCEPTED: signature verification is off/);
    expect(strict.stdout).toContain("Warning: Some samples were ACCEPTED");
    expect(strict.stdout).toContain("Result: FAILED");
    expect((await verify([url, ...secret])).code).toBe(0);
    expect((await verify([url, ...secret, "--expect", "accepted"])).code).toBe(0);
  });

  it("takes the secret from the URL's userinfo", async () => {
    const { url, received } = await webhook("accepting");
    const withCredentials = url.replace("http://", `http://${USER}:${PASSWORD}@`);
    const result = await verify([withCredentials, "--expect", "accepted"]);
    expect(result.code).toBe(0);
    expect(received[1]?.headers.authorization).toBe(AUTH);
    expect(result.stdout).toContain(`http://${USER}:****@127.0.0.1`);
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  });

  it("reports a wrong secret and a missing one (exit code 1)", async () => {
    const { url } = await webhook("production");
    const wrong = await verify([url, "--secret", `${USER}:not-the-password`]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/Bounce\s+401→401\s+FAIL: the webhook refused the credentials: the secret/);
    const missing = await verify([url]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/Bounce\s+401\s+wants basic auth: pass --secret/);
  });

  it("warns when a secret is given but the endpoint never asks for credentials", async () => {
    const { url } = await webhook("no-auth");
    const result = await verify([url, "--secret", `${USER}:${PASSWORD}`]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Warning: The endpoint answered without first asking for credentials");
  });

  it("reports server errors and unreachable endpoints (exit code 1)", async () => {
    const { url } = await webhook("broken");
    const broken = await verify([url]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/Send\s+500\s+server error: SNS would retry/);

    const closed = await startWebhook("accepting");
    await closed.close();
    const unreachable = await verify([closed.url, "--timeout", "2000"]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stdout).toMatch(/Send\s+---\s+no answer/);
  });

  it("--kind inbound posts receipt notifications; --json reports them", async () => {
    const { url, received } = await webhook("production");
    const topicArn = "arn:aws:sns:eu-west-1:111122223333:ses-inbound";
    const result = await verify([
      url,
      "--kind",
      "inbound",
      "--json",
      "--topic-arn",
      topicArn,
      "--secret",
      `${USER}:${PASSWORD}`,
    ]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      ok: boolean;
      url: string;
      results: { sample: string; status: number; verdict: string }[];
    };
    expect(report.ok).toBe(true);
    expect(report.url).not.toContain(PASSWORD);
    expect(report.results.map((r) => [r.sample, r.status, r.verdict])).toEqual([
      ["Received (SNS, UTF-8)", 403, "rejected"],
      ["Received (SNS, Base64)", 403, "rejected"],
      ["Received (S3 setup)", 403, "rejected"],
    ]);
    const envelope = JSON.parse(received[1]?.body ?? "{}") as {
      TopicArn: string;
      Message: string;
      SigningCertURL: string;
    };
    expect(envelope.TopicArn).toBe(topicArn);
    expect(envelope.SigningCertURL).toContain("https://sns.eu-west-1.amazonaws.com/");
    const message = JSON.parse(envelope.Message) as {
      notificationType: string;
      content: string;
      receipt: { action: { encoding: string } };
    };
    expect(message.notificationType).toBe("Received");
    expect(message.receipt.action.encoding).toBe("UTF8");
    expect(message.content).toContain("Subject: Mailroom verify-webhook sample");
    const base64 = JSON.parse((JSON.parse(received[3]?.body ?? "{}") as { Message: string }).Message) as {
      content: string;
      receipt: { action: { encoding: string } };
    };
    expect(base64.receipt.action.encoding).toBe("BASE64");
    expect(Buffer.from(base64.content, "base64").toString("utf8")).toBe(message.content);
  });

  it.each([
    [[], "give exactly one webhook URL"],
    [["ftp://example.com/x"], "must be an http:// or https:// URL"],
    [["https://example.com/x", "--kind", "bounces"], "--kind must be one of tracking, inbound"],
    [["https://example.com/x", "--expect", "maybe"], "--expect must be one of any, rejected, accepted"],
    [["https://example.com/x", "--topic-arn", "arn:aws:sqs:x"], "--topic-arn"],
    [["https://example.com/x", "--timeout", "0"], "--timeout must be a positive integer"],
  ])("refuses %j with exit code 2", async (args, message) => {
    const result = await verify(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});
