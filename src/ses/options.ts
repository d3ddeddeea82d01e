import type { SESv2ClientConfig } from "@aws-sdk/client-sesv2";

import type { Clock } from "../queue/clock";
import type { RateLimiter } from "../queue/rate-limiter";
import type { RetryOptions } from "../queue/retry-policy";

/**
 * The part of an SESv2 client Mailroom uses: anything with the SDK's `send(command)` works,
 * so a pre-configured `SESv2Client` (or a test double) can be injected.
 *
 * @example
 * ```ts
 * const client: SesClientLike = new SESv2Client({ region: "eu-west-1" });
 * amazonSes({ client });
 * ```
 */
export interface SesClientLike {
  /** Send one SESv2 command; resolves with its output, rejects with the SDK's error. */
  send(command: object, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

/**
 * Options of {@link amazonSes}.
 *
 * @example
 * ```ts
 * amazonSes({ region: "eu-west-1", configurationSetName: "Tracking", messageTagName: "Type" });
 * ```
 */
export interface AmazonSesOptions {
  /** An SESv2 client to use instead of creating one (its own configuration then applies). */
  client?: SesClientLike | undefined;
  /** AWS region; the SDK's default chain (AWS_REGION...) applies when absent. */
  region?: string | undefined;
  /** Credentials; the SDK's default credential chain applies when absent. */
  credentials?: SESv2ClientConfig["credentials"] | undefined;
  /**
   * Any further SESv2 client configuration (endpoint, requestHandler...). While Mailroom's retry
   * policy is on, the client Mailroom creates makes one attempt per call (`maxAttempts: 1`)
   * unless this sets `maxAttempts` or `retryStrategy` (then both retry, and attempts multiply).
   */
  clientConfig?: SESv2ClientConfig | undefined;
  /** SES configuration set for every send (event publishing); `espExtra` can override it per message. */
  configurationSetName?: string | undefined;
  /**
   * When set, the message's single tag is also sent as the SES message tag with this name
   * (`EmailTags` / `DefaultEmailTags`), so it shows in SES metrics and event `mail.tags`.
   */
  messageTagName?: string | undefined;
  /** Recipients per SendBulkEmail call for template sends (default 50, SES's limit). */
  batchSize?: number | undefined;
  /** SendBulkEmail calls in flight at once for one message (default 4). */
  batchConcurrency?: number | undefined;
  /**
   * Mailroom's retry policy around every SES call: backoff with full jitter on throttling, 5xx
   * and network failures, never on the daily quota or permanent errors. On by default; `false`
   * turns it off (the SDK's own retries then apply, which also retry the daily quota).
   */
  retry?: RetryOptions | false | undefined;
  /**
   * A recipient-weighted rate limit every SES call waits for. Off by default. `"account"` (or
   * options without `maxPerSecond`) reads SES GetAccount `SendQuota.MaxSendRate` on first use
   * and every `refreshIntervalMs`; a {@link RateLimiter} can be shared by several backends.
   */
  rateLimit?: SesRateLimitOptions | RateLimiter | "account" | false | undefined;
}

/**
 * The `rateLimit` option of `amazonSes()`.
 *
 * @example
 * ```ts
 * amazonSes({ rateLimit: { maxPerSecond: 14 } });
 * amazonSes({ rateLimit: { refreshIntervalMs: 300_000 } }); // from GetAccount, re-read every 5 minutes
 * ```
 */
export interface SesRateLimitOptions {
  /** Recipients per second; read from GetAccount `SendQuota.MaxSendRate` when absent. */
  maxPerSecond?: number | undefined;
  /** Recipients that may go at once after an idle spell (default half a second's worth). */
  burst?: number | undefined;
  /** How often MaxSendRate is read again (default 600,000 ms). */
  refreshIntervalMs?: number | undefined;
  /** The clock tokens refill by (tests pass a fake one). */
  clock?: Clock | undefined;
}

/** The options the pure payload builders read. */
export type SesPayloadOptions = Pick<AmazonSesOptions, "configurationSetName" | "messageTagName">;
