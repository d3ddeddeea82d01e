/**
 * The Fastify adapter against real Fastify 5 and Fastify 4 servers on 127.0.0.1: the scoped plugin, and a
 * route registered by hand with a string parser.
 */
import Fastify, { type FastifyInstance } from "fastify";
import Fastify4 from "fastify4";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { fastifyWebhook, toFastifyHandler } from "../../src/adapters/fastify";
import {
  basic,
  deliverLikeSns,
  deliveryNotification,
  post,
  SECRET,
  signer,
  trackingUnderTest,
  type TrackingUnderTest,
} from "../helpers/runtime";

// Both supported majors of Fastify.
const majors = [
  ["Fastify 5", Fastify],
  ["Fastify 4", Fastify4 as unknown as typeof Fastify],
] as const;

describe.each(majors)("mailroom-ses/fastify on %s", (_major, Fastify) => {
  let subject: TrackingUnderTest;
  let open: TrackingUnderTest;
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    subject = trackingUnderTest();
    app = Fastify();
    await app.register(fastifyWebhook(subject.handler, { url: "/mailroom/ses/tracking" }));
    await app.register(async (scope) => {
      scope.addContentTypeParser("text/plain", { parseAs: "string" }, (_request, body, done) =>
        done(null, body),
      );
      scope.post("/by-hand", toFastifyHandler(subject.handler));
    });
    app.post("/other", async (request) => ({ parsed: request.body }));
    // Fastify's own JSON parser in front (a route the application registered itself).
    open = trackingUnderTest({ secret: undefined, allowedTopicArns: [signer.topicArn] });
    app.post("/default-json", toFastifyHandler(open.handler));
    base = await app.listen({ port: 0, host: "127.0.0.1" });
  });
  afterAll(() => app.close());
  beforeEach(() => {
    subject.events.length = 0;
    subject.failing.on = false;
    open.events.length = 0;
  });

  describe("Fastify's JSON parser in front, hostile bodies (issue 11 §5)", () => {
    const json = { "content-type": "application/json" };

    it("delivers a notification Fastify already parsed", async () => {
      const answer = await post(`${base}/default-json`, deliveryNotification(), { extra: json });
      expect(answer.status).toBe(200);
      expect(open.events).toHaveLength(1);
    });

    it("answers 400 to a 40 KB [[[...]]] and to an object nested too deep, never a 500", async () => {
      const nested = `${"[".repeat(20_000)}${"]".repeat(20_000)}`;
      for (const body of [nested, `{"Type":${nested}}`]) {
        const answer = await post(`${base}/default-json`, deliveryNotification(), { body, extra: json });
        expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
        expect(answer.body).not.toMatch(/\n\s+at |RangeError/);
      }
    });
  });

  it.each(["/mailroom/ses/tracking", "/by-hand"])("delivers at %s after the 401 challenge", async (path) => {
    const [challenge, delivery] = await deliverLikeSns(`${base}${path}`, deliveryNotification());
    expect(challenge.status).toBe(401);
    expect(challenge.headers["www-authenticate"]).toBe('Basic realm="Mailroom webhook"');
    expect(delivery.status).toBe(200);
    expect(subject.events).toHaveLength(1);
  });

  it("reads the body whatever the Content-Type, or none", async () => {
    const url = `${base}/mailroom/ses/tracking`;
    for (const type of [
      "application/json",
      "application/x-www-form-urlencoded",
      "application/octet-stream",
      "",
    ]) {
      const answer = await post(url, deliveryNotification(), {
        auth: basic(SECRET),
        extra: { "content-type": type },
      });
      expect(answer.status).toBe(200);
    }
    expect(subject.events).toHaveLength(4);
  });

  it("refuses a forged notification with 403", async () => {
    const forged = { ...deliveryNotification(), Timestamp: "2030-01-01T00:00:00.000Z" };
    expect((await post(`${base}/mailroom/ses/tracking`, forged, { auth: basic(SECRET) })).status).toBe(403);
    expect(subject.events).toHaveLength(0);
  });

  it("answers HEAD, OPTIONS and 405 for other methods", async () => {
    const url = `${base}/mailroom/ses/tracking`;
    const envelope = deliveryNotification();
    expect((await post(url, envelope, { method: "HEAD" })).status).toBe(200);
    const options = await post(url, envelope, { method: "OPTIONS" });
    expect([options.status, options.headers.allow]).toEqual([200, "POST, HEAD, OPTIONS"]);
    expect((await post(url, envelope, { method: "GET" })).status).toBe(405);
  });

  it("answers 500 when onEvent throws, and 413 for an oversized body", async () => {
    const url = `${base}/mailroom/ses/tracking`;
    subject.failing.on = true;
    expect((await post(url, deliveryNotification(), { auth: basic(SECRET) })).status).toBe(500);
    subject.failing.on = false;
    const big = await post(url, deliveryNotification(), {
      auth: basic(SECRET),
      body: " ".repeat(200 * 1024),
    });
    expect(big.status).toBe(413);
  });

  it("confirms a subscription", async () => {
    const confirmation = signer.subscriptionConfirmation({ token: "FASTIFY_TOKEN" });
    expect((await post(`${base}/mailroom/ses/tracking`, confirmation, { auth: basic(SECRET) })).status).toBe(
      200,
    );
    expect(subject.sns.commands.at(-1)?.input).toMatchObject({ Token: "FASTIFY_TOKEN" });
  });

  it("keeps its content-type parsers scoped: other routes still parse JSON", async () => {
    const answer = await post(`${base}/other`, deliveryNotification(), {
      extra: { "content-type": "application/json" },
      body: '{"a":1}',
    });
    expect(JSON.parse(answer.body)).toEqual({ parsed: { a: 1 } });
  });
});
