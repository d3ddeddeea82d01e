import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

import { afterEach, describe, expect, it, vi } from "vitest";

import { createApp as createExpressApp } from "../examples/express/server";
import { createApp as createFastifyApp } from "../examples/fastify/server";
import { createHandler as createFunctionUrlHandler } from "../examples/lambda/function-url";
import { createHandler as createSnsTriggeredHandler } from "../examples/lambda/sns-triggered";
import type { ExampleWebhookOverrides } from "../examples/shared/webhooks";
import type { InboundEvent, TrackingEvent } from "../src/index";
import { createSnsTestSigner, postSnsEnvelope, postToWebhook } from "../src/testing/index";

const SECRET = "example:correct-horse-battery";
// The Lambda and Next.js examples create their handlers when imported, from the environment, as
// they would when deployed; the webhooks fail closed without a secret or a topic allow-list.
vi.hoisted(() => {
  process.env.MAILROOM_WEBHOOK_SECRET = "example:correct-horse-battery";
  process.env.TRACKING_TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:example-tracking";
});
const signer = createSnsTestSigner();
const deliveryEvent = {
  eventType: "Delivery",
  mail: {
    messageId: "0100-example",
    destination: ["alice@example.com"],
    headers: [{ name: "X-Tag", value: "welcome" }],
  },
  delivery: { recipients: ["alice@example.com"], smtpResponse: "250 ok" },
};
const received = {
  notificationType: "Received",
  mail: {
    messageId: "inbound-1",
    timestamp: "2026-11-26T10:00:00.000Z",
    source: "c@example.org",
    destination: ["s@example.com"],
  },
  receipt: {
    recipients: ["s@example.com"],
    spamVerdict: { status: "PASS" },
    action: { type: "SNS", encoding: "UTF8" },
  },
  content: "From: c@example.org\r\nTo: s@example.com\r\nSubject: Hello\r\n\r\nHi there\r\n",
};

function recorder() {
  const events: TrackingEvent[] = [];
  const messages: InboundEvent[] = [];
  const overrides: ExampleWebhookOverrides = {
    secret: SECRET,
    verifySignature: { fetchCertificate: signer.fetchCertificate },
    onEvent: (event) => void events.push(event),
    onMessage: (event) => void messages.push(event),
    logger: { warn: () => undefined, error: () => undefined },
  };
  return { events, messages, overrides };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function exercise(base: string, events: TrackingEvent[], messages: InboundEvent[]) {
  const asSns = { signer, secret: SECRET };
  expect((await postToWebhook(`${base}/mailroom/ses/tracking`, deliveryEvent, asSns)).status).toBe(200);
  expect(events.map((e) => [e.eventType, e.recipient, e.tags])).toEqual([
    ["delivered", "alice@example.com", ["welcome"]],
  ]);
  expect((await postToWebhook(`${base}/mailroom/ses/inbound`, received, asSns)).status).toBe(200);
  expect(messages.map((m) => m.message.subject)).toEqual(["Hello"]);
  const forged = { ...signer.notification({ message: deliveryEvent }), Message: "{}" };
  expect((await postSnsEnvelope(`${base}/mailroom/ses/tracking`, forged, asSns)).status).toBe(403);
  expect(events).toHaveLength(1);
}

describe("examples", () => {
  it("Express serves both webhooks", async () => {
    const { events, messages, overrides } = recorder();
    const server: Server = createExpressApp(overrides).listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    await exercise(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, events, messages);
  });

  it("Fastify serves both webhooks", async () => {
    const { events, messages, overrides } = recorder();
    const app = await createFastifyApp(overrides);
    const base = await app.listen({ port: 0, host: "127.0.0.1" });
    closers.push(() => app.close());
    await exercise(base, events, messages);
  });

  it("the Next.js route handlers are the webhooks themselves", async () => {
    vi.stubEnv("MAILROOM_WEBHOOK_SECRET", SECRET);
    vi.resetModules();
    const route = await import("../examples/nextjs/app/api/ses/tracking/route");
    const unauthenticated = await route.POST(
      new Request("http://localhost/api/ses/tracking", {
        method: "POST",
        body: "{}",
        headers: { "content-type": "text/plain" },
      }),
    );
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get("www-authenticate")).toMatch(/^Basic realm=/);
    expect(
      (await route.HEAD(new Request("http://localhost/api/ses/tracking", { method: "HEAD" }))).status,
    ).toBe(200);
    vi.unstubAllEnvs();
  });

  it("Lambda subscribed to SNS verifies each record before the callback", async () => {
    const { events, overrides } = recorder();
    const handler = createSnsTriggeredHandler({ ...overrides, allowedTopicArns: [signer.topicArn] });
    const envelope = signer.notification({ message: deliveryEvent });
    const { SigningCertURL, UnsubscribeURL, ...rest } = envelope as typeof envelope & {
      UnsubscribeURL: string;
    };
    const record = {
      EventSource: "aws:sns",
      EventVersion: "1.0",
      EventSubscriptionArn: `${signer.topicArn}:sub`,
      Sns: { ...rest, SigningCertUrl: SigningCertURL, UnsubscribeUrl: UnsubscribeURL },
    };
    await handler({ Records: [record] });
    expect(events.map((e) => e.eventType)).toEqual(["delivered"]);
    await handler({ Records: [{ ...record, Sns: { ...record.Sns, Message: "{}" } }] });
    expect(events).toHaveLength(1);
  });

  it("Lambda behind a Function URL answers like the HTTP webhook", async () => {
    const { events, overrides } = recorder();
    const handler = createFunctionUrlHandler(overrides);
    const envelope = signer.notification({ message: deliveryEvent });
    const headers = {
      ...signer.httpHeaders(envelope),
      authorization: `Basic ${Buffer.from(SECRET).toString("base64")}`,
    };
    // A realistic Function URL event (payload 2.0), more fields than the handler reads.
    const event = {
      version: "2.0",
      routeKey: "$default",
      rawPath: "/",
      rawQueryString: "",
      headers,
      requestContext: { http: { method: "POST" } },
      body: Buffer.from(JSON.stringify(envelope)).toString("base64"),
      isBase64Encoded: true,
    };
    const result = await handler(event);
    expect(result?.statusCode).toBe(200);
    expect(events.map((e) => e.recipient)).toEqual(["alice@example.com"]);
  });
});
