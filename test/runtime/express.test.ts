/**
 * The Express adapter against real Express 5 and Express 4 servers on 127.0.0.1: streamed bodies, and bodies a
 * parser (text, raw, json) already consumed.
 */
import type { Server } from "node:http";

import express from "express";
import express4 from "express4";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { toExpress } from "../../src/adapters/express";
import {
  basic,
  close,
  deliverLikeSns,
  deliveryNotification,
  listen,
  post,
  SECRET,
  signer,
  trackingUnderTest,
  type TrackingUnderTest,
} from "../helpers/runtime";

// Both supported majors: the adapter must not depend on what Express 5 changed (body parsers, routing).
const majors = [
  ["Express 5", express],
  ["Express 4", express4 as unknown as typeof express],
] as const;

describe.each(majors)("mailroom-ses/express: toExpress on %s", (_major, express) => {
  let subject: TrackingUnderTest;
  let open: TrackingUnderTest;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    subject = trackingUnderTest();
    // No secret: the body is read (and re-serialized) without credentials.
    open = trackingUnderTest({ secret: undefined, allowedTopicArns: [signer.topicArn] });
    const app = express();
    app.all("/json-open", express.json({ type: "*/*" }), toExpress(open.handler));
    app.all("/streamed", toExpress(subject.handler));
    app.all("/text", express.text({ type: "*/*" }), toExpress(subject.handler));
    app.all("/raw", express.raw({ type: "*/*" }), toExpress(subject.handler));
    app.all("/json", express.json({ type: "*/*" }), toExpress(subject.handler));
    app.post("/other", express.json(), (req, res) => {
      res.json({ parsed: req.body as unknown });
    });
    server = app.listen(0, "127.0.0.1");
    base = await listen(server);
  });
  afterAll(() => close(server));
  beforeEach(() => {
    subject.events.length = 0;
    subject.failing.on = false;
    open.events.length = 0;
  });

  describe("express.json() in front, hostile bodies (issue 11 §5)", () => {
    const nested = `${"[".repeat(20_000)}${"]".repeat(20_000)}`; // 40 KB, 20,000 deep
    const json = { "content-type": "application/json" };

    it("answers an unauthenticated 40 KB [[[...]]] with the 401 challenge, not a 500 stack page", async () => {
      const answer = await post(`${base}/json`, deliveryNotification(), { body: nested, extra: json });
      expect(answer.status).toBe(401);
      expect(answer.body).not.toMatch(/\n\s+at |RangeError|Error:/);
    });

    it("answers the same body 400 through the webhook's error mapping when no secret is set", async () => {
      const answer = await post(`${base}/json-open`, deliveryNotification(), { body: nested, extra: json });
      expect(answer.status).toBe(400);
      expect(answer.body).toBe("SNS request body must be a JSON object");
      expect(open.log.entries.some((e) => e.level === "error")).toBe(false);
    });

    it("answers 400 to a JSON object nested too deep to be an SNS envelope", async () => {
      const deep = `{"Type":${nested}}`;
      const answer = await post(`${base}/json-open`, deliveryNotification(), { body: deep, extra: json });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatch(/nests too deep/);
    });

    it("still delivers a genuine notification parsed by express.json()", async () => {
      const answer = await post(`${base}/json-open`, deliveryNotification(), { extra: json });
      expect(answer.status).toBe(200);
      expect(open.events).toHaveLength(1);
    });
  });

  it.each(["/streamed", "/text", "/raw", "/json"])(
    "delivers SNS's notification at %s after the 401 challenge",
    async (path) => {
      const [challenge, delivery] = await deliverLikeSns(`${base}${path}`, deliveryNotification());
      expect(challenge.status).toBe(401);
      expect(challenge.headers["www-authenticate"]).toBe('Basic realm="Mailroom webhook"');
      expect(delivery.status).toBe(200);
      expect(subject.events).toHaveLength(1);
    },
  );

  it("refuses a forged notification with 403", async () => {
    const forged = { ...deliveryNotification(), MessageId: "00000000-0000-0000-0000-000000000001" };
    const answer = await post(`${base}/text`, forged, {
      auth: basic(SECRET),
      extra: { "x-amz-sns-message-id": forged.MessageId },
    });
    expect(answer.status).toBe(403);
    expect(subject.events).toHaveLength(0);
  });

  it("answers HEAD, OPTIONS and 405 through app.all", async () => {
    const envelope = deliveryNotification();
    expect((await post(`${base}/streamed`, envelope, { method: "HEAD" })).status).toBe(200);
    const options = await post(`${base}/streamed`, envelope, { method: "OPTIONS" });
    expect([options.status, options.headers.allow]).toEqual([200, "POST, HEAD, OPTIONS"]);
    expect((await post(`${base}/streamed`, envelope, { method: "PUT" })).status).toBe(405);
  });

  it("answers 500 without a stack trace when onEvent throws", async () => {
    subject.failing.on = true;
    const answer = await post(`${base}/streamed`, deliveryNotification(), { auth: basic(SECRET) });
    expect(answer.status).toBe(500);
    expect(answer.body).not.toMatch(/application down|\n\s+at /);
  });

  it("refuses an oversized streamed body with 413", async () => {
    const answer = await post(`${base}/streamed`, deliveryNotification(), {
      auth: basic(SECRET),
      body: " ".repeat(200 * 1024),
    });
    expect(answer.status).toBe(413);
  });

  it("leaves the application's other routes alone", async () => {
    const answer = await post(`${base}/other`, deliveryNotification(), {
      extra: { "content-type": "application/json" },
      body: '{"a":1}',
    });
    expect(JSON.parse(answer.body)).toEqual({ parsed: { a: 1 } });
  });
});
