/**
 * The node:http adapter against a real server on 127.0.0.1, fed the way SNS delivers.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";

import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import { toNodeListener } from "../../src/adapters/node";
import type { FetchHandler, SnsWebhookHandler } from "../../src/webhook/types";
import {
  basic,
  close,
  deliverLikeSns,
  deliveryNotification,
  listen,
  post,
  postEndless,
  SECRET,
  signer,
  trackingUnderTest,
  type TrackingUnderTest,
} from "../helpers/runtime";

// A Mailroom handler goes through handleRequest; any other Fetch handler through Request/Response.
const variants = [
  ["a Mailroom webhook", (handler: SnsWebhookHandler): FetchHandler => handler],
  [
    "a plain Fetch handler",
    (handler: SnsWebhookHandler): FetchHandler =>
      (request) =>
        handler(request),
  ],
] as const;

describe.each(variants)("mailroom-ses/node: toNodeListener with %s", (_name, wrap) => {
  let subject: TrackingUnderTest;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    subject = trackingUnderTest();
    server = createServer(toNodeListener(wrap(subject.handler)));
    url = `${await listen(server)}/mailroom/ses/tracking`;
  });
  afterAll(() => close(server));
  beforeEach(() => {
    subject.events.length = 0;
    subject.failing.on = false;
  });

  it("answers SNS's first attempt with the 401 challenge, then delivers with credentials", async () => {
    const [challenge, delivery] = await deliverLikeSns(url, deliveryNotification());
    expect(challenge.status).toBe(401);
    expect(challenge.headers["www-authenticate"]).toBe('Basic realm="Mailroom webhook"');
    expect(delivery.status).toBe(200);
    // A known length, not chunked encoding.
    expect(delivery.headers["content-length"]).toBe(String(Buffer.byteLength(delivery.body)));
    expect(delivery.headers["transfer-encoding"]).toBeUndefined();
    expect(subject.events.map((e) => [e.eventType, e.recipient])).toEqual([
      ["delivered", "recipient@example.com"],
    ]);
  });

  it("refuses a forged notification with 403 and delivers nothing", async () => {
    const forged = { ...deliveryNotification(), Message: '{"eventType":"Delivery"}' };
    expect((await post(url, forged, { auth: basic(SECRET) })).status).toBe(403);
    expect(subject.events).toHaveLength(0);
  });

  it("answers HEAD, OPTIONS and GET", async () => {
    const envelope = deliveryNotification();
    expect((await post(url, envelope, { method: "HEAD" })).status).toBe(200);
    const options = await post(url, envelope, { method: "OPTIONS" });
    expect([options.status, options.headers.allow]).toEqual([200, "POST, HEAD, OPTIONS"]);
    expect((await post(url, envelope, { method: "GET" })).status).toBe(405);
  });

  it("answers 500 when onEvent throws, so SNS retries", async () => {
    subject.failing.on = true;
    const answer = await post(url, deliveryNotification(), { auth: basic(SECRET) });
    expect(answer.status).toBe(500);
    expect(answer.body).not.toMatch(/application down|\n\s+at /);
  });

  it("confirms a subscription over HTTP", async () => {
    const confirmation = signer.subscriptionConfirmation({ token: "HTTP_TOKEN" });
    expect((await post(url, confirmation, { auth: basic(SECRET) })).status).toBe(200);
    expect(subject.sns.commands.at(-1)?.input).toMatchObject({ Token: "HTTP_TOKEN" });
  });

  it("refuses an oversized body with 413 and keeps serving", async () => {
    const envelope = deliveryNotification();
    const answer = await post(url, envelope, { auth: basic(SECRET), body: " ".repeat(200 * 1024) });
    expect(answer.status).toBe(413);
    expect(answer.headers.connection).toBe("close");
    expect((await post(url, deliveryNotification(), { auth: basic(SECRET) })).status).toBe(200);
  });

  it("refuses a chunked body (no Content-Length) past the limit while streaming it", async () => {
    expect(await postEndless(url, deliveryNotification(), basic(SECRET))).toBe(413);
  });

  it("ends the request's handling when the client disconnects mid-body, and keeps serving", async () => {
    const envelope = deliveryNotification();
    const readFailures = (): number =>
      subject.log.entries.filter((e) => e.details.reason === "Could not read the request body").length;
    const before = readFailures();
    await new Promise<void>((resolve) => {
      const req = httpRequest(url, {
        method: "POST",
        headers: { ...signer.httpHeaders(envelope), authorization: basic(SECRET), "content-length": "5000" },
      });
      req.on("error", () => resolve());
      req.write("{".repeat(100), () => {
        req.destroy();
        resolve();
      });
    });
    // The handler gives up on the body (a 400 nobody reads) instead of waiting for it forever.
    await vi.waitFor(() => expect(readFailures()).toBe(before + 1), { timeout: 2000 });
    expect((await post(url, deliveryNotification(), { auth: basic(SECRET) })).status).toBe(200);
  });
});

describe("mailroom-ses/node: failures in the handler itself", () => {
  it("answers a plain 500 without a stack trace when a Fetch handler throws", async () => {
    const server = createServer(
      toNodeListener(async () => {
        throw new Error("boom at /secret/path");
      }),
    );
    const url = await listen(server);
    const answer = await post(url, deliveryNotification());
    expect([answer.status, answer.body]).toEqual([500, "Internal error"]);
    await close(server);
  });

  it("answers 400, not 500, to a method Fetch cannot represent (TRACE) for a plain Fetch handler (issue 11 §5)", async () => {
    const server = createServer(toNodeListener(async () => new Response("ok")));
    const url = await listen(server);
    const answer = await post(url, deliveryNotification(), { method: "TRACE" });
    expect(answer.status).toBe(400);
    expect(answer.body).not.toMatch(/\n\s+at |TypeError/);
    await close(server);
  });

  it("passes a Fetch handler's headers and cookies through", async () => {
    const server = createServer(
      toNodeListener(async (request) => {
        const headers = new Headers({ "x-seen": `${request.method} ${new URL(request.url).pathname}` });
        headers.append("set-cookie", "a=1");
        headers.append("set-cookie", "b=2");
        return new Response(await request.text(), { status: 202, headers });
      }),
    );
    const url = await listen(server);
    const answer = await post(`${url}/path?q=1`, deliveryNotification(), { body: "echo" });
    expect(answer).toMatchObject({ status: 202, body: "echo" });
    expect(answer.headers["x-seen"]).toBe("POST /path");
    expect(answer.headers["set-cookie"]).toEqual(["a=1", "b=2"]);
    await close(server);
  });
});

describe("mailroom-ses/node: body streaming for Fetch handlers", () => {
  it("pauses the upload while the handler is not reading (backpressure, no buffering)", async () => {
    let captured: IncomingMessage | undefined;
    let pausedWhileWaiting: boolean | undefined;
    const listener = toNodeListener(async (request) => {
      const reader = (request.body as ReadableStream<Uint8Array>).getReader();
      await reader.read();
      await new Promise((resolve) => setTimeout(resolve, 100));
      pausedWhileWaiting = captured?.isPaused();
      await reader.cancel();
      return new Response("done", { status: 413 });
    });
    const server = createServer((req, res) => {
      captured = req;
      listener(req, res);
    });
    const url = await listen(server);
    const answer = await post(url, deliveryNotification(), { body: Buffer.alloc(1024 * 1024, 0x20) });
    expect(answer.status).toBe(413);
    expect(pausedWhileWaiting).toBe(true);
    await close(server);
  });
});

describe("mailroom-ses/node: refusing an oversized body", () => {
  it("keeps the request (and its socket) alive until the 413 is written", async () => {
    const subject = trackingUnderTest();
    const listener = toNodeListener(subject.handler);
    let destroyedAtAnswer: boolean | undefined;
    const server = createServer((req, res) => {
      const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => typeof res;
      res.writeHead = ((...args: unknown[]) => {
        destroyedAtAnswer = req.destroyed;
        return writeHead(...args);
      }) as typeof res.writeHead;
      listener(req, res);
    });
    const url = await listen(server);
    expect(await postEndless(url, deliveryNotification(), basic(SECRET))).toBe(413);
    expect(destroyedAtAnswer).toBe(false);
    await close(server);
  });
});
