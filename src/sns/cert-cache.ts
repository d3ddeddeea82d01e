/**
 * A bounded, in-memory cache of SNS signing keys by certificate URL. SNS rotates keys by
 * publishing a certificate at a NEW URL, so an entry never needs refreshing; the bound only
 * protects memory from a flood of distinct (policy-approved) URLs. The certificate URL comes from
 * a request that is not authenticated yet, so downloads are bounded too: failures are remembered
 * for a short while, and only a few downloads run at once.
 *
 * @module
 */
import { X509Certificate, type KeyObject } from "node:crypto";

import { ConfigurationError, WebhookValidationError } from "../errors";
import { defaultCertificateFetcher, type CertificateFetcher } from "./cert-fetcher";

/**
 * Public keys of SNS signing certificates, by certificate URL. See {@link createCertificateCache}.
 *
 * @example
 * ```ts
 * const key = cache.peek(url) ?? (await cache.get(url));
 * ```
 */
export interface CertificateCache {
  /**
   * The public key of the certificate at `url`, downloading it on first use. Concurrent calls for
   * the same URL share one download. Does NOT check the URL: run `checkSigningCertUrl` first.
   */
  get(url: string): Promise<KeyObject>;
  /** The cached key, or `undefined` when it has not been downloaded yet (no I/O). */
  peek(url: string): KeyObject | undefined;
  /** Number of entries, downloads in flight included. */
  readonly size: number;
  /** Forget every entry. */
  clear(): void;
}

/**
 * Options of {@link createCertificateCache}.
 *
 * @example
 * ```ts
 * const options: CertificateCacheOptions = { fetcher: createCertificateFetcher({ timeoutMs: 2000 }), maxEntries: 20 };
 * ```
 */
export interface CertificateCacheOptions {
  /** Downloads PEM text; default {@link defaultCertificateFetcher}. */
  fetcher?: CertificateFetcher;
  /** The most certificates kept; the least recently used goes first. Default 100. */
  maxEntries?: number;
  /**
   * How long a failed download is remembered, in ms: a request naming the same URL meanwhile gets
   * the same error without a download. Default 10,000 (shorter than SNS's 20 s between retries,
   * so a network blip costs a genuine message at most one retry).
   */
  failureTtlMs?: number;
  /**
   * The most downloads in flight at once. A request that would start one more is answered 503
   * (retry later) without any download. Default 4: SNS signs with one certificate per region at
   * a time, so legitimate traffic needs one download per key rotation.
   */
  maxConcurrentDownloads?: number;
  /** The clock, in epoch milliseconds; for tests. Default `Date.now`. */
  now?: () => number;
}

/** Failures remembered at most (distinct URLs); the oldest is forgotten first. */
const MAX_FAILURES = 1024;

/**
 * A bounded cache of parsed SNS signing keys. Share one per process (or pass it to several
 * verifiers) so steady-state verification does no network I/O and no PEM parsing.
 *
 * A failed download is remembered for `failureTtlMs` (10 s), then tried again. Fetcher errors
 * other than `WebhookValidationError` become a `WebhookValidationError` with httpStatus 503
 * (retry later), as does a download refused because `maxConcurrentDownloads` (4) are running.
 *
 * @example
 * ```ts
 * const cache = createCertificateCache({ maxEntries: 20 });
 * const tracking = createSnsVerifier({ cache });
 * const inbound = createSnsVerifier({ cache });
 * ```
 */
export function createCertificateCache(options: CertificateCacheOptions = {}): CertificateCache {
  const fetcher = options.fetcher ?? defaultCertificateFetcher;
  const maxEntries = options.maxEntries ?? 100;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new ConfigurationError("createCertificateCache: maxEntries must be a positive integer");
  }
  const failureTtlMs = options.failureTtlMs ?? 10_000;
  if (typeof failureTtlMs !== "number" || !Number.isFinite(failureTtlMs) || failureTtlMs < 0) {
    throw new ConfigurationError(
      "createCertificateCache: failureTtlMs must be a number of milliseconds, 0 or more",
    );
  }
  const maxConcurrent = options.maxConcurrentDownloads ?? 4;
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
    throw new ConfigurationError("createCertificateCache: maxConcurrentDownloads must be a positive integer");
  }
  const now = options.now ?? Date.now;
  // URL -> the error and when it stops being remembered. Insertion order: oldest first.
  const failures = new Map<string, { error: unknown; until: number }>();
  let downloading = 0;

  function recentFailure(url: string): unknown {
    const failure = failures.get(url);
    if (failure === undefined) {
      return undefined;
    }
    if (failure.until <= now()) {
      failures.delete(url);
      return undefined;
    }
    return failure.error;
  }

  function rememberFailure(url: string, error: unknown): void {
    if (failureTtlMs === 0) {
      return;
    }
    failures.delete(url);
    if (failures.size >= MAX_FAILURES) {
      const oldest = failures.keys().next();
      if (oldest.done !== true) {
        failures.delete(oldest.value);
      }
    }
    failures.set(url, { error, until: now() + failureTtlMs });
  }
  // Map iteration order is insertion order, so re-inserting on use gives LRU order for free.
  const entries = new Map<string, KeyObject | Promise<KeyObject>>();
  let newest: string | undefined;

  function store(url: string, value: KeyObject | Promise<KeyObject>): void {
    entries.delete(url);
    while (entries.size >= maxEntries) {
      const oldest = entries.keys().next();
      if (oldest.done === true) {
        break;
      }
      entries.delete(oldest.value);
    }
    entries.set(url, value);
    newest = url;
  }

  async function download(url: string): Promise<KeyObject> {
    let pem: string;
    try {
      pem = await fetcher(url);
    } catch (cause) {
      if (cause instanceof WebhookValidationError) {
        throw cause;
      }
      throw new WebhookValidationError("Could not download the SNS signing certificate", {
        httpStatus: 503,
        cause,
      });
    }
    return publicKeyOf(pem);
  }

  return {
    peek(url) {
      const entry = entries.get(url);
      if (entry === undefined || entry instanceof Promise) {
        return undefined;
      }
      // Move to the most-recently-used end; skipped when already there (the common case).
      if (url !== newest) {
        entries.delete(url);
        entries.set(url, entry);
        newest = url;
      }
      return entry;
    },
    get(url) {
      const cached = this.peek(url);
      if (cached !== undefined) {
        return Promise.resolve(cached);
      }
      const inFlight = entries.get(url);
      if (inFlight instanceof Promise) {
        return inFlight;
      }
      const failed = recentFailure(url);
      if (failed !== undefined) {
        return Promise.reject(failed);
      }
      if (downloading >= maxConcurrent) {
        // Not remembered as a failure: nothing is known about this URL yet.
        return Promise.reject(
          new WebhookValidationError("Too many SNS certificate downloads in progress; retry later", {
            httpStatus: 503,
          }),
        );
      }
      downloading += 1;
      const pending = download(url).then(
        (key) => {
          downloading -= 1;
          // Only replace our own placeholder: it may have been evicted or cleared meanwhile.
          if (entries.get(url) === pending) {
            entries.set(url, key);
          }
          return key;
        },
        (error: unknown) => {
          downloading -= 1;
          if (entries.get(url) === pending) {
            entries.delete(url);
          }
          rememberFailure(url, error);
          throw error;
        },
      );
      store(url, pending);
      return pending;
    },
    get size() {
      return entries.size;
    },
    clear() {
      entries.clear();
      failures.clear();
      newest = undefined;
    },
  };
}

/** Parse once, keep only the RSA public key: the verifier needs nothing else. */
function publicKeyOf(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = new X509Certificate(pem).publicKey;
  } catch (cause) {
    throw new WebhookValidationError("SigningCertURL did not serve a valid X.509 certificate", {
      httpStatus: 403,
      cause,
    });
  }
  if (key.asymmetricKeyType !== "rsa") {
    throw new WebhookValidationError("SNS signing certificate does not hold an RSA key", { httpStatus: 403 });
  }
  return key;
}
