/**
 * postToWebhook / postSnsEnvelope against the real webhooks, in-process and over real HTTP on
 * 127.0.0.1: signed envelope, the SNS 401-challenge dance, and the final response.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { toNodeListener } from "../../src/adapters/node";
import type { InboundEvent, TrackingEvent } from "../../src/events";
import { amazonSesInboundWebhook } from "../../src/ses/webhooks/inbound-handler";
import { amazonSesTrackingWebhook } from "../../src/ses/webhooks/tracking-handler";
import {
  createSnsTestSigner,
  defaultSnsTestSigner,
  postSnsEnvelope,
  postToWebhook,
  sesEvents,
} from "../../src/testing/index";
import type { FetchHandler } from "../../src/webhook/types";

const SECRET = "mailroom:correct-horse-battery";
const quiet = { warn: () => undefined, error: () => undefined };

function trackingWebhook() {
  const events: TrackingEvent[] = [];
  const handler = amazonSesTrackingWebhook({
    secret: SECRET,
    verifySignature: { fetchCertificate: defaultSnsTestSigner().fetchCertificate },
    logger: quiet,
    onEvent: (event) => void events.push(event),
  });
  /** The Authorization header of every request, in order ("" for none). */
  const authorizations: string[] = [];
  const recording: FetchHandler = (request) => {
    authorizations.push(request.headers.get("authorization") ?? "");
    return handler(request);
  };
  return { handler, recording, events, authorizations };
}

describe("postToWebhook: an in-process Fetch handler", () => {
  it("signs, answers the 401 challenge with the secret, and returns the final response", async () => {
    const { recording, events, authorizations } = trackingWebhook();
    const response = await postToWebhook(
      recording,
      sesEvents.bounce({ recipients: ["alice@example.com"], messageId: "msg-1" }),
      { secret: SECRET, messageId: "sns-42" },
    );
    expect(response.status).toBe(200);
    expect(authorizations).toEqual(["", `Basic ${Buffer.from(SECRET).toString("base64")}`]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      eventType: "bounced",
      recipient: "alice@example.com",
      messageId: "msg-1",
      eventId: "sns-42",
    });
  });

  it("returns the webhook's refusal when no secret (401) or a wrong one (403) is given", async () => {
    const { recording, events } = trackingWebhook();
    expect((await postToWebhook(recording, sesEvents.delivery())).status).toBe(401);
    const wrong = await postToWebhook(recording, sesEvents.delivery(), {
      secret: "mailroom:wrong-horse-battery",
    });
    expect(wrong.status).toBe(403);
    expect(events).toHaveLength(0);
  });

  it("is refused (403) when signed by a signer the webhook does not trust", async () => {
    const { recording, events } = trackingWebhook();
    const stranger = createSnsTestSigner();
    const response = await postToWebhook(recording, sesEvents.delivery(), {
      secret: SECRET,
      signer: stranger,
    });
    expect(response.status).toBe(403);
    expect(events).toHaveLength(0);
  });

  it("posts a tampered envelope as it is with postSnsEnvelope (403: the signature no longer matches)", async () => {
    const { recording, events } = trackingWebhook();
    const signed = defaultSnsTestSigner().notification({ message: sesEvents.delivery() });
    const forged = { ...signed, Message: JSON.stringify(sesEvents.bounce()) };
    expect((await postSnsEnvelope(recording, forged, { secret: SECRET })).status).toBe(403);
    expect((await postSnsEnvelope(recording, signed, { secret: SECRET })).status).toBe(200);
    expect(events.map((event) => event.eventType)).toEqual(["delivered"]);
  });

  it("delivers inbound mail to the inbound webhook", async () => {
    const received: InboundEvent[] = [];
    const inbound = amazonSesInboundWebhook({
      secret: SECRET,
      verifySignature: { fetchCertificate: defaultSnsTestSigner().fetchCertificate },
      logger: quiet,
      onMessage: (event) => void received.push(event),
    });
    const raw = "From: a@example.org\r\nTo: support@example.com\r\nSubject: Help\r\n\r\nWhere is it?\r\n";
    const response = await postToWebhook(inbound, sesEvents.received({ raw, encoding: "BASE64" }), {
      secret: SECRET,
    });
    expect(response.status).toBe(200);
    expect(received[0]?.message.subject).toBe("Help");
    expect(received[0]?.message.text?.trim()).toBe("Where is it?");
  });
});

describe("postToWebhook: a URL (real HTTP on 127.0.0.1)", () => {
  const webhook = trackingWebhook();
  let server: Server;
  let base: string;
  const headersSeen: Record<string, string | string[] | undefined>[] = [];

  beforeAll(async () => {
    const listener = toNodeListener(webhook.handler);
    server = createServer((req, res) => {
      headersSeen.push(req.headers);
      listener(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("does the challenge dance over HTTP with SNS's headers", async () => {
    headersSeen.length = 0;
    const response = await postToWebhook(`http://${base}/ses/tracking`, sesEvents.open(), { secret: SECRET });
    expect(response.status).toBe(200);
    expect(headersSeen).toHaveLength(2);
    expect(headersSeen[0]).toMatchObject({
      "x-amz-sns-message-type": "Notification",
      "content-type": "text/plain; charset=UTF-8",
    });
    expect(headersSeen[0]).not.toHaveProperty("authorization");
    expect(headersSeen[1]?.authorization).toMatch(/^Basic /);
    expect(webhook.events.at(-1)?.eventType).toBe("opened");
  });

  it("takes the credentials from the URL, as SNS does with a subscription URL", async () => {
    const [user, password] = SECRET.split(":");
    const response = await postToWebhook(`http://${user}:${password}@${base}/ses/tracking`, sesEvents.send());
    expect(response.status).toBe(200);
    expect(webhook.events.at(-1)?.eventType).toBe("sent");
  });
});
