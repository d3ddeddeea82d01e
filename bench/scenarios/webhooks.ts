/**
 * Webhook benchmarks. Signature verification is ON (with the test signer's certificate, cache
 * warm), as it is in production; the floors do only the unavoidable part of the same work.
 *
 * - tracking-webhook: SES Delivery notifications through the tracking handler in-process
 *   (Request in, Response out) against JSON-parsing the same bodies, envelope and inner Message.
 * - tracking-webhook-http: the same over HTTP through the Node adapter against a bare node:http
 *   server that reads and JSON-parses the body. Same client, keep-alive agent, one request at a
 *   time on both sides.
 * - sns-verify: createSnsVerifier().verify() with a warm cache against one bare node:crypto verify
 *   of the same canonical string and signature.
 * - tracking-fan-out: issue 11's hostile fan-out, a signed 207 KiB Send event naming 12,000
 *   recipients with 4,000 SES tags, through the tracking handler in-process (12,000 onEvent calls)
 *   against parsing the same body and Message and calling a callback once per recipient with a
 *   two-field object. Reports the time per notification and the heap growth seen inside onEvent
 *   (targets: under 1,000 ms and 64 MiB).
 */
import { verify as cryptoVerify, X509Certificate, type KeyObject } from "node:crypto";
import { Agent, createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { toNodeListener } from "../../src/adapters/node";
import { amazonSesTrackingWebhook } from "../../src/ses/webhooks/tracking-handler";
import { canonicalString } from "../../src/sns/canonical";
import type { SnsEnvelope } from "../../src/sns/types";
import { createSnsVerifier, type SnsVerifier } from "../../src/sns/verify";
import { createSnsTestSigner } from "../../src/testing/sns-signing";
import type { FetchHandler } from "../../src/webhook/types";
import { fanOutSendMessage } from "../../test/helpers/fan-out-event";
import type { Scenario } from "../harness";

const signer = createSnsTestSigner();
const silent = { warn: () => undefined, error: () => undefined };

/** A realistic SES Delivery event, as event publishing sends it. */
function deliveryMessage(i: number): string {
  return JSON.stringify({
    eventType: "Delivery",
    mail: {
      timestamp: "2024-04-26T20:45:04.751Z",
      source: "Shop <shop@example.com>",
      sourceArn: "arn:aws:ses:us-east-1:123456789012:identity/example.com",
      sendingAccountId: "123456789012",
      messageId: `010001${i.toString(16).padStart(10, "0")}-5ee5-4c1d-9a7e-000e00000010-000000`,
      destination: ["alice@example.com"],
      headersTruncated: false,
      headers: [
        { name: "From", value: "Shop <shop@example.com>" },
        { name: "To", value: "alice@example.com" },
        { name: "Subject", value: "Your order has shipped" },
        { name: "X-Tag", value: "orders" },
        { name: "X-Metadata", value: '{"orderId": 12345, "customer": "alice"}' },
      ],
      commonHeaders: { from: ["Shop <shop@example.com>"], to: ["alice@example.com"], subject: "Your order" },
      tags: { "ses:configuration-set": ["Tracking"], "ses:from-domain": ["example.com"] },
    },
    delivery: {
      timestamp: "2024-04-26T20:45:05.851Z",
      processingTimeMillis: 1100,
      recipients: ["alice@example.com"],
      smtpResponse: "250 2.0.0 OK  1714164305 d2e1a72fcca58-6f0f0f0f0f0si123456pfb.123 - gsmtp",
      reportingMTA: "a8-30.smtp-out.amazonses.com",
    },
  });
}

interface Delivery {
  envelope: SnsEnvelope;
  body: string;
  headers: Record<string, string>;
}

const deliveries: Delivery[] = Array.from({ length: 64 }, (_, i) => {
  const envelope = signer.notification({ message: deliveryMessage(i) });
  return {
    envelope,
    body: JSON.stringify(envelope),
    headers: signer.httpHeaders(envelope),
  };
});
let cursor = 0;
const next = (): Delivery => deliveries[cursor++ % deliveries.length] as Delivery;

/** The recommended production set-up: signatures verified, topic allow-listed. */
function trackingHandler(): FetchHandler {
  return amazonSesTrackingWebhook({
    allowedTopicArns: [signer.topicArn],
    verifySignature: { fetchCertificate: signer.fetchCertificate },
    logger: silent,
    // The 64 pre-signed deliveries repeat, and a repeat is a cheap duplicate once deduplication
    // is on: off here, so these scenarios keep measuring full handling (dedupe-redis measures it).
    dedupe: false,
    onEvent: () => undefined,
  });
}

function expectOk(status: number): void {
  if (status !== 200) {
    throw new Error(`benchmark request answered ${status}`);
  }
}

const inProcess = trackingHandler();

export const trackingWebhook: Scenario = {
  name: "tracking-webhook",
  unit: "notifications/s",
  extra: { transport: "in-process", verification: "on", auth: "allowedTopicArns" },
  async ours() {
    const { body, headers } = next();
    const response = await inProcess(
      new Request("https://app.example.com/ses", { method: "POST", headers, body }),
    );
    expectOk(response.status);
  },
  floor() {
    const envelope = JSON.parse(next().body) as { Message: string };
    return JSON.parse(envelope.Message) as unknown;
  },
};

// Equal on both sides: one request at a time over one keep-alive connection, so each side's
// number is its own latency (client + server + loopback), not a queue.
const CONCURRENCY = 1;
let oursServer: Server | undefined;
let floorServer: Server | undefined;
let oursUrl = "";
let floorUrl = "";
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function postOnce(url: string, delivery: Delivery): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", agent, headers: delivery.headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(delivery.body);
  });
}

async function postBatch(url: string): Promise<void> {
  const statuses = await Promise.all(Array.from({ length: CONCURRENCY }, () => postOnce(url, next())));
  statuses.forEach(expectOk);
}

/** The floor: read the body, JSON-parse it, answer 200. */
function bareServer(): Server {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      JSON.parse(Buffer.concat(chunks).toString("utf8"));
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
      res.end("OK");
    });
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/ses`;
}

async function stop(server: Server | undefined): Promise<void> {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
}

export const trackingWebhookHttp: Scenario = {
  name: "tracking-webhook-http",
  unit: "notifications/s",
  scale: CONCURRENCY,
  extra: {
    target: 0.5,
    transport: "node:http keep-alive",
    concurrency: CONCURRENCY,
    verification: "on",
    auth: "allowedTopicArns",
  },
  async setup() {
    oursServer = createServer(toNodeListener(trackingHandler()));
    floorServer = bareServer();
    oursUrl = await listen(oursServer);
    floorUrl = await listen(floorServer);
  },
  async teardown() {
    await Promise.all([stop(oursServer), stop(floorServer)]);
    agent.destroy();
  },
  ours: () => postBatch(oursUrl),
  floor: () => postBatch(floorUrl),
};

let verifier: SnsVerifier | undefined;
let key: KeyObject | undefined;
const verifyEnvelope = deliveries[0]?.envelope as SnsEnvelope;
const canonical = Buffer.from(canonicalString(verifyEnvelope), "utf8");
const signature = Buffer.from(verifyEnvelope.Signature, "base64");

export const snsVerify: Scenario = {
  name: "sns-verify",
  unit: "verifications/s",
  extra: { target: 0.8, signatureVersion: verifyEnvelope.SignatureVersion, cache: "warm" },
  async setup() {
    verifier = createSnsVerifier({ fetchCertificate: signer.fetchCertificate });
    await verifier.verify(verifyEnvelope); // warm the certificate cache
    key = new X509Certificate(signer.certificatePem).publicKey;
  },
  ours: () => verifier?.verify(verifyEnvelope),
  floor() {
    if (!cryptoVerify("sha1", canonical, key as KeyObject, signature)) {
      throw new Error("floor verification failed");
    }
  },
};

// Built in setup, so the other scenarios of a run do not carry a 250 KiB body in their heap.
let fanOutBody = "";
let fanOutMessageLength = 0;
let fanOutHeaders: Record<string, string> = {};
const MIB = 1024 * 1024;
let fanOutBaseline = 0;
let fanOutPeak = 0;
let fanOutCalls = 0;
let fanOutMillis = 0;
let fanOutOps = 0;

function sampleHeap(): void {
  fanOutCalls += 1;
  if (fanOutCalls % 1000 === 0) {
    fanOutPeak = Math.max(fanOutPeak, process.memoryUsage().heapUsed - fanOutBaseline);
  }
}

// Deduplication off: the same notification is posted again and again on purpose.
const fanOutHandler = amazonSesTrackingWebhook({
  allowedTopicArns: [signer.topicArn],
  verifySignature: { fetchCertificate: signer.fetchCertificate },
  maxBodyBytes: 1024 * 1024,
  dedupe: false,
  logger: silent,
  onEvent: sampleHeap,
});

export const trackingFanOut: Scenario = {
  name: "tracking-fan-out",
  unit: "notifications/s",
  batch: 1,
  rounds: 3,
  warmupMillis: 500,
  extra: () => ({
    recipients: 12_000,
    sesTags: 4_000,
    messageKiB: Math.round(fanOutMessageLength / 1024),
    msPerNotification: Math.round(fanOutMillis / Math.max(1, fanOutOps)),
    heapGrowthMiB: Math.round((fanOutPeak / MIB) * 10) / 10,
    target: "< 1000 ms, < 64 MiB",
  }),
  async setup() {
    const envelope = signer.notification({ message: fanOutSendMessage() });
    fanOutBody = JSON.stringify(envelope);
    fanOutMessageLength = envelope.Message.length;
    fanOutHeaders = signer.httpHeaders(envelope);
  },
  async teardown() {
    fanOutBody = "";
  },
  async ours() {
    fanOutBaseline = process.memoryUsage().heapUsed;
    const started = performance.now();
    const response = await fanOutHandler(
      new Request("https://app.example.com/ses", {
        method: "POST",
        headers: fanOutHeaders,
        body: fanOutBody,
      }),
    );
    fanOutMillis += performance.now() - started;
    fanOutOps += 1;
    expectOk(response.status);
  },
  async floor() {
    const envelope = JSON.parse(fanOutBody) as { Message: string };
    const event = JSON.parse(envelope.Message) as { mail: { destination: string[] } };
    for (const recipient of event.mail.destination) {
      await sampleNothing({ recipient, event });
    }
  },
};

async function sampleNothing(value: { recipient: string; event: unknown }): Promise<void> {
  if (value.recipient === "") {
    throw new Error("unreachable");
  }
}
