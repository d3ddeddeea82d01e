/**
 * SNS message signature verification (SignatureVersion 1 = SHA1withRSA, 2 = SHA256withRSA) with
 * node:crypto, following
 * https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message-verify-message-signature.html
 *
 * @module
 */
import { verify as cryptoVerify } from "node:crypto";

import { ConfigurationError, WebhookValidationError } from "../errors";
import { canonicalString } from "./canonical";
import { createCertificateCache, type CertificateCache } from "./cert-cache";
import { checkSignedFieldControls } from "./envelope";
import type { CertificateFetcher } from "./cert-fetcher";
import { checkSigningCertUrl, defaultCertUrlPolicy, type CertUrlPolicy } from "./cert-url-policy";
import type { SnsEnvelope } from "./types";

/**
 * Options of {@link createSnsVerifier}.
 *
 * @example
 * ```ts
 * const options: SnsVerifierOptions = { maxAgeSeconds: 3600, fetchCertificate: signer.fetchCertificate };
 * ```
 */
export interface SnsVerifierOptions {
  /** Downloads certificates; default `defaultCertificateFetcher`. Not allowed together with `cache`. */
  fetchCertificate?: CertificateFetcher;
  /** Which certificate URLs may be downloaded; default `defaultCertUrlPolicy`. Must be pure. */
  certUrlPolicy?: CertUrlPolicy;
  /** A cache to share between verifiers; default a private cache of 100 entries. */
  cache?: CertificateCache;
  /**
   * Refuse messages whose `Timestamp` is further than this from now (replay protection). Default
   * 3600, and at least 3600: SNS may retry a delivery for up to one hour under a custom retry
   * policy, and a shorter window would drop those legitimate late retries. `Infinity` turns the
   * window off (a captured request is then accepted forever).
   */
  maxAgeSeconds?: number;
  /** The clock, in epoch milliseconds; for tests. Default `Date.now`. */
  now?: () => number;
}

/**
 * Verifies SNS envelopes. See {@link createSnsVerifier}.
 *
 * @example
 * ```ts
 * await verifier.verify(envelope); // resolves, or throws WebhookValidationError
 * ```
 */
export interface SnsVerifier {
  /**
   * Resolve when `envelope` carries a valid SNS signature from a policy-approved certificate URL;
   * otherwise reject with a `WebhookValidationError` whose `httpStatus` is 400 (malformed:
   * unknown SignatureVersion, no Signature, unparsable Timestamp or TopicArn), 403 (bad
   * signature, refused certificate URL or certificate, stale message) or 503 (the certificate
   * could not be downloaded right now: SNS should retry).
   */
  verify(envelope: SnsEnvelope): Promise<void>;
}

/** SNS's longest retry span (custom delivery policies are capped at 3,600 s): minimum and default. */
const MIN_MAX_AGE_SECONDS = 3600;
// Accepted-URL memo size: a handful of (certificate, topic) pairs is the steady state.
const URL_MEMO_LIMIT = 256;

/**
 * Create an SNS signature verifier. The certificate URL is checked BEFORE any download; keys are
 * cached parsed, so steady-state verification does no network I/O and no PEM parsing.
 *
 * @throws ConfigurationError for an invalid `maxAgeSeconds`, or `cache` together with `fetchCertificate`.
 * @example
 * ```ts
 * import { createSnsVerifier, parseSnsEnvelope } from "mailroom-ses/sns";
 *
 * const verifier = createSnsVerifier(); // refuses messages more than 3600 s from now
 * const envelope = parseSnsEnvelope(body, { messageType: request.headers.get("x-amz-sns-message-type") });
 * await verifier.verify(envelope);
 * ```
 */
export function createSnsVerifier(options: SnsVerifierOptions = {}): SnsVerifier {
  if (options.cache !== undefined && options.fetchCertificate !== undefined) {
    throw new ConfigurationError(
      "createSnsVerifier: pass fetchCertificate to createCertificateCache, not together with cache",
    );
  }
  const maxAgeMs = maxAgeMilliseconds(options.maxAgeSeconds);
  const now = options.now ?? Date.now;
  const policy = options.certUrlPolicy ?? defaultCertUrlPolicy;
  const cache = options.cache ?? createCertificateCache({ fetcher: options.fetchCertificate });
  // Accepted (URL, topic) pairs: parsing the URL on every message would cost more than the
  // cache lookup. Only acceptances are memoized, so a refusal is always re-evaluated.
  const acceptedUrls = new Set<string>();
  // The last accepted pair: steady traffic repeats one (certificate, topic) pair, and comparing
  // two short strings costs less than building and hashing the memo key on every message.
  let lastUrl: string | undefined;
  let lastTopicArn: string | undefined;

  function checkUrl(url: string, topicArn: string): void {
    if (url === lastUrl && topicArn === lastTopicArn) {
      return;
    }
    const memoKey = topicArn + " " + url;
    if (!acceptedUrls.has(memoKey)) {
      checkSigningCertUrl(url, topicArn, policy);
      if (acceptedUrls.size >= URL_MEMO_LIMIT) {
        acceptedUrls.clear();
      }
      acceptedUrls.add(memoKey);
    }
    lastUrl = url;
    lastTopicArn = topicArn;
  }

  return {
    async verify(envelope) {
      const algorithm = algorithmOf(envelope.SignatureVersion);
      if (typeof envelope.Signature !== "string" || envelope.Signature === "") {
        throw new WebhookValidationError("SNS message has no Signature");
      }
      if (maxAgeMs !== undefined) {
        checkFreshness(envelope.Timestamp, now(), maxAgeMs);
      }
      const signature = decodeSignature(envelope.Signature);
      // A line break inside a field could move a signed value into another field (issue 11 §7).
      // Message may hold line breaks by design; parseSnsEnvelope checks the rest of it.
      checkSignedFieldControls(envelope);
      const url = envelope.SigningCertURL;
      checkUrl(url, envelope.TopicArn);
      const key = cache.peek(url) ?? (await cache.get(url));
      let valid: boolean;
      try {
        valid = cryptoVerify(algorithm, Buffer.from(canonicalString(envelope), "utf8"), key, signature);
      } catch {
        // OpenSSL refuses some malformed signatures outright instead of answering false.
        valid = false;
      }
      if (!valid) {
        throw new WebhookValidationError("SNS message signature is invalid", { httpStatus: 403 });
      }
    },
  };
}

function algorithmOf(signatureVersion: string): "sha1" | "sha256" {
  if (signatureVersion === "1") {
    return "sha1";
  }
  if (signatureVersion === "2") {
    return "sha256";
  }
  throw new WebhookValidationError("Unsupported SNS SignatureVersion (expected 1 or 2)");
}

/**
 * The signature's bytes. Buffer's decoder skips characters it does not know and ignores data
 * after padding, so many spellings would decode to the same bytes: only the one canonical base64
 * text SNS sends is accepted.
 */
function decodeSignature(text: string): Buffer {
  const bytes = Buffer.from(text, "base64");
  // Re-encoding gives the one canonical spelling of these bytes (standard alphabet, padding, no
  // whitespace): any other spelling -- skipped characters, base64url, data after "=", missing
  // padding, stray low bits -- differs from it.
  if (bytes.toString("base64") !== text) {
    throw new WebhookValidationError("SNS message Signature is not canonical base64");
  }
  return bytes;
}

function maxAgeMilliseconds(maxAgeSeconds: number | undefined): number | undefined {
  if (maxAgeSeconds === undefined) {
    return MIN_MAX_AGE_SECONDS * 1000;
  }
  if (maxAgeSeconds === Number.POSITIVE_INFINITY) {
    return undefined; // explicitly off
  }
  if (
    typeof maxAgeSeconds !== "number" ||
    Number.isNaN(maxAgeSeconds) ||
    maxAgeSeconds < MIN_MAX_AGE_SECONDS
  ) {
    throw new ConfigurationError(
      `createSnsVerifier: maxAgeSeconds must be at least ${MIN_MAX_AGE_SECONDS} (SNS retries a ` +
        "delivery for up to one hour; a shorter window drops legitimate retries)",
    );
  }
  return maxAgeSeconds * 1000;
}

function checkFreshness(timestamp: string, nowMs: number, maxAgeMs: number): void {
  const sentAt = Date.parse(timestamp);
  if (Number.isNaN(sentAt)) {
    throw new WebhookValidationError("SNS message Timestamp is not a valid date");
  }
  // Symmetric: a Timestamp far in the future is as suspicious as one far in the past.
  if (Math.abs(nowMs - sentAt) > maxAgeMs) {
    throw new WebhookValidationError("SNS message Timestamp is outside the accepted window", {
      httpStatus: 403,
    });
  }
}
