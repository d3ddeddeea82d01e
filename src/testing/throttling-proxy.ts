import { Agent, createServer, request as httpRequest } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import { sesRequestWeight } from "../queue/recipient-weight";

/**
 * Options of {@link startThrottlingProxy}.
 *
 * @example
 * ```ts
 * await startThrottlingProxy({ target: "http://127.0.0.1:8005", maxPerSecond: 50, serverErrorRatio: 0.05 });
 * ```
 */
export interface ThrottlingProxyOptions {
  /** The SES stand-in to forward to, e.g. aws-ses-v2-local's base URL. */
  target: string;
  /** Recipients per second (or requests, see `weigh`) above which sends get SES's throttling error. */
  maxPerSecond?: number | undefined;
  /** How many may go at once after an idle spell (default one second's worth). */
  burst?: number | undefined;
  /** What the rate counts: recipients, as SES does (default), or requests. */
  weigh?: "recipients" | "requests" | undefined;
  /** Share of sends answered with HTTP 500 InternalFailure, not forwarded (default 0). */
  serverErrorRatio?: number | undefined;
  /** Share of sends whose connection is reset after the request arrived, not forwarded (default 0). */
  resetRatio?: number | undefined;
  /** Recipients forwarded before every further send gets "Daily message quota exceeded." (default: none). */
  dailyQuota?: number | undefined;
  /** Randomness in [0, 1) for the injected failures (default Math.random). */
  random?: (() => number) | undefined;
  /** Milliseconds clock for the rate (default performance.now). */
  now?: (() => number) | undefined;
}

/**
 * What the proxy did with the sends it received (other requests are only counted as passedThrough).
 *
 * @example
 * ```ts
 * expect(proxy.counts.forwarded).toBe(2_000);
 * ```
 */
export interface ThrottlingProxyCounts {
  /** Send requests received. */
  received: number;
  /** Send requests passed on to SES (the stand-in). */
  forwarded: number;
  /** Recipients in the forwarded requests. */
  forwardedRecipients: number;
  /** Sends answered with SES's throttling error (over the rate). */
  throttled: number;
  /** Sends answered with an injected 5xx. */
  serverErrors: number;
  /** Sends whose connection was reset on purpose. */
  resets: number;
  /** Sends answered with the daily-quota error. */
  dailyQuotaErrors: number;
  /** Other requests (not sends), passed on untouched. */
  passedThrough: number;
}

/**
 * A running throttling proxy; see {@link startThrottlingProxy}.
 *
 * @example
 * ```ts
 * proxy.exhaustDailyQuota();
 * expect(proxy.counts.forwarded).toBe(20);
 * await proxy.close();
 * ```
 */
export interface ThrottlingProxy {
  /** Base URL to point the SES client at (`http://127.0.0.1:<port>`). */
  readonly url: string;
  /** A snapshot of the counters. */
  readonly counts: ThrottlingProxyCounts;
  /** From now on, answer every send with the daily-quota error (false: stop doing so). */
  exhaustDailyQuota(exhausted?: boolean): void;
  /** Stop the proxy and close its connections. */
  close(): Promise<void>;
}

const SEND_PATHS = new Set(["/v2/email/outbound-emails", "/v2/email/outbound-bulk-emails"]);

function sesError(res: ServerResponse, status: number, type: string, message: string): void {
  // The shape real SESv2 answers with; the SDK names the error from x-amzn-ErrorType.
  res.writeHead(status, {
    "content-type": "application/json",
    "x-amzn-errortype": `${type}:http://internal.amazon.com/coral/com.amazonaws.sesv2/`,
    "x-amzn-requestid": `throttling-proxy-${Date.now().toString(36)}`,
  });
  res.end(JSON.stringify({ message }));
}

function weightOf(body: Buffer, mode: "recipients" | "requests"): number {
  if (mode === "requests") {
    return 1;
  }
  try {
    return sesRequestWeight(JSON.parse(body.toString("utf8")));
  } catch {
    return 1;
  }
}

/**
 * Start an HTTP proxy on 127.0.0.1 (ephemeral port) in front of an SES stand-in such as
 * aws-ses-v2-local, which has no throttling of its own. Above `maxPerSecond` it answers SESv2
 * sends the way SES does (HTTP 429, `TooManyRequestsException`, "Maximum sending rate
 * exceeded."); it injects 5xx answers and connection resets at the given ratios without
 * forwarding those requests (so the stand-in's store only holds what "SES" accepted), can
 * answer the daily-quota error, and counts everything. Requests other than SendEmail and
 * SendBulkEmail (GetAccount, the emulator's /store) pass through untouched.
 *
 * @example
 * ```ts
 * import { startThrottlingProxy } from "mailroom-ses/testing";
 *
 * const proxy = await startThrottlingProxy({ target: sesEmulatorUrl, maxPerSecond: 50, serverErrorRatio: 0.05 });
 * const backend = amazonSes({ clientConfig: { endpoint: proxy.url }, rateLimit: { maxPerSecond: 50 } });
 * ```
 */
export async function startThrottlingProxy(options: ThrottlingProxyOptions): Promise<ThrottlingProxy> {
  const target = new URL(options.target);
  const random = options.random ?? Math.random;
  const now = options.now ?? (() => performance.now());
  const rate = options.maxPerSecond;
  const burst = Math.max(1, options.burst ?? rate ?? 1);
  const weigh = options.weigh ?? "recipients";
  const counts: ThrottlingProxyCounts = {
    received: 0,
    forwarded: 0,
    forwardedRecipients: 0,
    throttled: 0,
    serverErrors: 0,
    resets: 0,
    dailyQuotaErrors: 0,
    passedThrough: 0,
  };
  let quotaExhausted = false;
  let tokens = burst;
  let last = now();
  const agent = new Agent({ keepAlive: true });

  function takeTokens(weight: number): boolean {
    if (rate === undefined) {
      return true;
    }
    const t = now();
    tokens = Math.min(burst, tokens + ((t - last) / 1000) * rate);
    last = t;
    if (tokens < Math.min(weight, burst)) {
      return false;
    }
    tokens -= weight;
    return true;
  }

  function forward(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const upstream = httpRequest(
      {
        agent,
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    upstream.end(body);
  }

  function handleSend(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    counts.received += 1;
    // Injected failures come first and are never forwarded: the stand-in only stores real sends.
    const draw = random();
    const resetRatio = options.resetRatio ?? 0;
    if (draw < resetRatio) {
      counts.resets += 1;
      req.socket.destroy();
      return;
    }
    if (draw < resetRatio + (options.serverErrorRatio ?? 0)) {
      counts.serverErrors += 1;
      sesError(
        res,
        500,
        "InternalFailure",
        "An internal failure occurred (injected by the throttling proxy).",
      );
      return;
    }
    const weight = weightOf(body, weigh);
    if (
      quotaExhausted ||
      (options.dailyQuota !== undefined && counts.forwardedRecipients + weight > options.dailyQuota)
    ) {
      quotaExhausted = true;
      counts.dailyQuotaErrors += 1;
      sesError(res, 429, "TooManyRequestsException", "Daily message quota exceeded.");
      return;
    }
    if (!takeTokens(weight)) {
      counts.throttled += 1;
      sesError(res, 429, "TooManyRequestsException", "Maximum sending rate exceeded.");
      return;
    }
    counts.forwarded += 1;
    counts.forwardedRecipients += weight;
    forward(req, res, body);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const path = (req.url ?? "").split("?")[0] ?? "";
      if (req.method === "POST" && SEND_PATHS.has(path)) {
        handleSend(req, res, body);
      } else {
        counts.passedThrough += 1;
        forward(req, res, body);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get counts() {
      return { ...counts };
    },
    exhaustDailyQuota(exhausted = true) {
      quotaExhausted = exhausted;
    },
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
