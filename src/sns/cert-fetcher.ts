/**
 * Downloading an SNS signing certificate. The URL has passed the certificate URL policy before
 * this runs, but the download is still treated as hostile: no redirects (a redirect would leave
 * the checked host), a timeout, and a size cap (a PEM certificate is 1-2 KiB).
 *
 * @module
 */
import { WebhookValidationError } from "../errors";

/**
 * Fetches the PEM text at a certificate URL. Injectable, e.g. to serve a test certificate.
 *
 * @example
 * ```ts
 * const fetchCertificate: CertificateFetcher = async (url) => pemByUrl.get(url) ?? fail(url);
 * ```
 */
export type CertificateFetcher = (url: string) => Promise<string>;

/**
 * Options of {@link createCertificateFetcher}.
 *
 * @example
 * ```ts
 * const options: CertificateFetcherOptions = { timeoutMs: 2000, maxBytes: 16_384 };
 * ```
 */
export interface CertificateFetcherOptions {
  /** Give up after this long, body included. Default 5000 ms. */
  timeoutMs?: number;
  /** Refuse bodies larger than this. Default 65536 bytes. */
  maxBytes?: number;
  /** The Fetch implementation; default `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch;
}

const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_MAX_BYTES = 64 * 1024;

/**
 * A certificate fetcher with its own timeout, size limit or Fetch implementation.
 *
 * It does not check the URL: the webhook runs the certificate URL policy first. Failures
 * are `WebhookValidationError`s: httpStatus 503 when trying again later may work (network error,
 * timeout, a redirect, a 5xx or 429 answer), 403 when the URL cannot be a certificate (another
 * 4xx answer, an oversized body).
 *
 * @example
 * ```ts
 * import { amazonSesTrackingWebhook, createCertificateFetcher } from "mailroom-ses";
 *
 * const tracking = amazonSesTrackingWebhook({
 *   secret: process.env.MAILROOM_WEBHOOK_SECRET,
 *   verifySignature: { fetchCertificate: createCertificateFetcher({ timeoutMs: 2000 }) },
 *   onEvent: (event) => console.log(event.eventType),
 * });
 * ```
 */
export function createCertificateFetcher(options: CertificateFetcherOptions = {}): CertificateFetcher {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  return async (url) => {
    const fetchImpl = options.fetch ?? globalThis.fetch;
    let response: Response;
    try {
      response = await fetchImpl(url, {
        // Following a redirect would download from a host the policy never approved.
        redirect: "error",
        // One signal for headers and body, so a server trickling bytes still times out.
        signal: AbortSignal.timeout(timeoutMs),
        headers: { accept: "application/x-pem-file, application/x-x509-ca-cert, text/plain" },
      });
    } catch (cause) {
      throw downloadFailed(503, "request failed or timed out", cause);
    }
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      const retryable = response.status >= 500 || response.status === 429;
      throw downloadFailed(retryable ? 503 : 403, `HTTP status ${response.status}`);
    }
    const declared = Number(response.headers.get("content-length") ?? "0");
    if (declared > maxBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw downloadFailed(403, "certificate too large");
    }
    return readCapped(response, maxBytes);
  };
}

/**
 * The fetcher the webhooks use by default: global `fetch`, no redirects, 5 s timeout,
 * 64 KiB limit, status 200 only.
 *
 * @example
 * ```ts
 * const pem = await defaultCertificateFetcher(
 *   "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem",
 * );
 * ```
 */
export const defaultCertificateFetcher: CertificateFetcher = createCertificateFetcher();

/** Read the body as text, aborting as soon as it grows past `maxBytes` (Content-Length may lie). */
async function readCapped(response: Response, maxBytes: number): Promise<string> {
  if (response.body === null) {
    return "";
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        break;
      }
      total += value.byteLength;
      if (total > maxBytes) {
        void reader.cancel().catch(() => undefined);
        throw downloadFailed(403, "certificate too large");
      }
      chunks.push(value);
    }
  } catch (cause) {
    if (cause instanceof WebhookValidationError) {
      throw cause;
    }
    throw downloadFailed(503, "body read failed or timed out", cause);
  }
  return Buffer.concat(chunks, total).toString("utf8");
}

function downloadFailed(httpStatus: number, reason: string, cause?: unknown): WebhookValidationError {
  return new WebhookValidationError(`Could not download the SNS signing certificate: ${reason}`, {
    httpStatus,
    cause,
  });
}
