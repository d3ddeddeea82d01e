/**
 * Shared pieces of the runtime tests: a tracking webhook wired to the test signer, real servers on
 * 127.0.0.1 and an ephemeral port, and a client that delivers the way SNS does.
 */
import type { Server } from "node:http";
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";

import type { TrackingEvent } from "../../src/events";
import type { SnsEnvelope } from "../../src/sns/types";
import { amazonSesTrackingWebhook } from "../../src/ses/webhooks/tracking-handler";
import type { SnsWebhookHandler, SnsWebhookOptions } from "../../src/webhook/types";
import { fixtureMessage } from "./webhook-fixtures";
import {
  basic,
  fakeSns,
  recordingLogger,
  SECRET,
  signer,
  type FakeSns,
  type RecordingLogger,
} from "./webhook-harness";

export { basic, SECRET, signer } from "./webhook-harness";

/** A tracking webhook recording its events, logs and SNS confirmations. */
export interface TrackingUnderTest {
  handler: SnsWebhookHandler;
  events: TrackingEvent[];
  log: RecordingLogger;
  sns: FakeSns;
  /** Make the next onEvent calls throw (to check the 500 path). */
  failing: { on: boolean };
}

export function trackingUnderTest(overrides: Partial<SnsWebhookOptions> = {}): TrackingUnderTest {
  const events: TrackingEvent[] = [];
  const log = recordingLogger();
  const sns = fakeSns();
  const failing = { on: false };
  const handler = amazonSesTrackingWebhook({
    secret: SECRET,
    verifySignature: { fetchCertificate: signer.fetchCertificate },
    logger: log.logger,
    createSnsClient: sns.createSnsClient,
    maxBodyBytes: 64 * 1024,
    ...overrides,
    onEvent: (event) => {
      if (failing.on) {
        throw new Error("application down");
      }
      events.push(event);
    },
  });
  return { handler, events, log, sns, failing };
}

/** A signed SES Delivery notification for one recipient. */
export function deliveryNotification(): SnsEnvelope {
  return signer.notification({ message: fixtureMessage("ses-tracking/event-delivery") });
}

/** Listen on 127.0.0.1 and a free port; resolves with the base URL. */
export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A plain HTTP answer. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One POST with SNS's headers (`extra` adds, replaces or, with "", removes), optionally with credentials. */
export function post(
  url: string,
  envelope: SnsEnvelope,
  options: { auth?: string; body?: string | Buffer; extra?: Record<string, string>; method?: string } = {},
): Promise<Answer> {
  // An empty value in `extra` removes the header.
  const headers = Object.fromEntries(
    Object.entries({ ...signer.httpHeaders(envelope), ...options.extra }).filter(([, value]) => value !== ""),
  );
  if (options.auth !== undefined) {
    headers.authorization = options.auth;
  }
  const body = options.body ?? JSON.stringify(envelope);
  const method = options.method ?? "POST";
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(["POST", "PUT", "PATCH"].includes(method) ? body : undefined);
  });
}

/**
 * Deliver `envelope` the way SNS does with credentials in the subscription URL: first without
 * them, then, after the 401 challenge, with them. Returns both answers.
 */
export async function deliverLikeSns(url: string, envelope: SnsEnvelope): Promise<[Answer, Answer]> {
  const challenge = await post(url, envelope);
  const delivery = await post(url, envelope, { auth: basic(SECRET) });
  return [challenge, delivery];
}

/**
 * POST an endless chunked body (no Content-Length), 16 KiB at a time, until the server answers;
 * resolves with the status.
 */
export function postEndless(url: string, envelope: SnsEnvelope, auth: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const req = httpRequest(url, {
      method: "POST",
      headers: { ...signer.httpHeaders(envelope), authorization: auth },
    });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    const pump = (): void => {
      if (!req.destroyed && !req.writableEnded && req.write(chunk)) {
        setImmediate(pump);
      }
    };
    req.on("drain", pump);
    pump();
  });
}
