import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { createCertificateFetcher, defaultCertificateFetcher } from "../../src/sns/cert-fetcher";
import { createSnsTestSigner } from "../../src/testing/sns-signing";
import { expectWebhookError } from "../helpers/sns-assertions";

// The fetcher leaves URL checks to the policy (which runs first), so a plain-HTTP server on
// 127.0.0.1 exercises the real network path: redirects, limits and timeouts.
const signer = createSnsTestSigner();
const pem = signer.certificatePem;
const LIMIT = 64 * 1024;
const requested: string[] = [];
let server: Server;
let base = "";
const hanging: ServerResponse[] = [];

const routes: Record<string, (res: ServerResponse) => void> = {
  "/ok": (res) => res.writeHead(200, { "content-type": "application/x-pem-file" }).end(pem),
  "/exactly-limit": (res) => res.writeHead(200).end("x".repeat(LIMIT)),
  "/redirect": (res) => res.writeHead(301, { location: "/ok" }).end(),
  "/redirect-302": (res) => res.writeHead(302, { location: `${base}/ok` }).end(),
  "/huge-chunked": (res) => {
    // No Content-Length: the limit must hold while streaming.
    res.writeHead(200, { "transfer-encoding": "chunked" });
    const chunk = "x".repeat(16 * 1024);
    let sent = 0;
    const pump = (): void => {
      while (sent < 64 && res.write(chunk)) {
        sent++;
      }
      if (sent < 64) {
        res.once("drain", pump);
      } else {
        res.end();
      }
    };
    res.on("error", () => undefined);
    pump();
  },
  "/huge-declared": (res) =>
    res.writeHead(200, { "content-length": String(LIMIT + 1) }).end("x".repeat(LIMIT + 1)),
  "/slow-body": (res) => {
    res.writeHead(200, { "content-type": "application/x-pem-file" });
    res.write("-----BEGIN CERTIFICATE-----\n");
    hanging.push(res); // never ends
  },
  "/slow-headers": (res) => {
    hanging.push(res); // never answers
  },
  "/not-found": (res) => res.writeHead(404).end("no such certificate"),
  "/forbidden": (res) => res.writeHead(403).end(),
  "/server-error": (res) => res.writeHead(500).end(),
  "/throttled": (res) => res.writeHead(429).end(),
  "/no-content": (res) => res.writeHead(204).end(),
};

beforeAll(async () => {
  server = createServer((req, res) => {
    requested.push(req.url ?? "");
    (routes[req.url ?? ""] ?? routes["/not-found"])?.(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of hanging) {
    res.destroy();
  }
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("default certificate fetcher against a real local server", () => {
  it("returns the PEM text of a 200 answer", async () => {
    await expect(defaultCertificateFetcher(`${base}/ok`)).resolves.toBe(pem);
  });

  it.each(["/redirect", "/redirect-302"])(
    "refuses to follow %s (never requests the target)",
    async (path) => {
      requested.length = 0;
      await expectWebhookError(() => defaultCertificateFetcher(`${base}${path}`), 503, /download/);
      expect(requested).toEqual([path]);
    },
  );

  it("accepts a body of exactly the limit and refuses one byte more (declared or streamed)", async () => {
    await expect(defaultCertificateFetcher(`${base}/exactly-limit`)).resolves.toHaveLength(LIMIT);
    await expectWebhookError(() => defaultCertificateFetcher(`${base}/huge-declared`), 403, /too large/);
    await expectWebhookError(() => defaultCertificateFetcher(`${base}/huge-chunked`), 403, /too large/);
  });

  it("honours a custom size limit", async () => {
    const fetcher = createCertificateFetcher({ maxBytes: 100 });
    await expectWebhookError(() => fetcher(`${base}/ok`), 403, /too large/);
  });

  it("times out a server that stalls in the body or before the headers (503: SNS retries)", async () => {
    const fetcher = createCertificateFetcher({ timeoutMs: 150 });
    const started = Date.now();
    await expectWebhookError(() => fetcher(`${base}/slow-body`), 503, /timed out/);
    await expectWebhookError(() => fetcher(`${base}/slow-headers`), 503, /timed out/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it.each([
    ["/not-found", 403],
    ["/forbidden", 403],
    ["/no-content", 403],
    ["/server-error", 503],
    ["/throttled", 503],
  ])("maps status of %s to %i", async (path, status) => {
    await expectWebhookError(() => defaultCertificateFetcher(`${base}${path}`), status, /HTTP status/);
  });

  it("reports a refused connection as retryable (503)", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expectWebhookError(() => defaultCertificateFetcher(`http://127.0.0.1:${port}/ok`), 503);
  });
});

describe("createCertificateFetcher with an injected fetch", () => {
  it("asks for no redirects and passes an abort signal", async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(async () => new Response(pem, { status: 200 }));
    await expect(
      createCertificateFetcher({ fetch })("https://sns.us-east-1.amazonaws.com/x.pem"),
    ).resolves.toBe(pem);
    const init = fetch.mock.calls[0]?.[1];
    expect(init?.redirect).toBe("error");
    expect(init?.signal).toBeInstanceOf(AbortSignal);
  });
});
