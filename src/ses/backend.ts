import { SESv2Client, SendBulkEmailCommand, SendEmailCommand } from "@aws-sdk/client-sesv2";
import type {
  SendBulkEmailCommandOutput,
  SendEmailCommandOutput,
  SESv2ClientConfig,
} from "@aws-sdk/client-sesv2";

import type { MailerBackend } from "../backend";
import { classifySesError } from "../queue/classify-error";
import { createRateLimiter } from "../queue/rate-limiter";
import type { RateLimiter } from "../queue/rate-limiter";
import { sesRequestWeight } from "../queue/recipient-weight";
import { createRetryPolicy } from "../queue/retry-policy";
import type { RetryPolicy } from "../queue/retry-policy";
import { readSesMaxSendRate } from "../queue/ses-send-quota";
import { VERSION } from "../version";
import type { BulkBatchOutcome } from "./bulk-response";
import { mapLimited } from "./map-limited";
import type { AmazonSesOptions, SesClientLike } from "./options";
import { toApiError, withRfcMessageIds } from "./response";
import { buildSesPayload, parseSesResponse } from "./ses-payload";
import type { SesPayload, SesResponse, SesSendResponse } from "./ses-payload";

export type { SesPayload, SesResponse, SesSendResponse } from "./ses-payload";

/**
 * The SES backend: a mailer backend plus the client it sends with.
 *
 * @example
 * ```ts
 * const backend = amazonSes({ rateLimit: "account" });
 * await createMailer({ backend }).send(message);
 * backend.rateLimiter?.maxPerSecond; // e.g. 14, read from GetAccount
 * ```
 */
export interface AmazonSesBackend extends MailerBackend<SesPayload, SesResponse, SesSendResponse> {
  /** The SESv2 client (created on first use unless one was injected). */
  readonly client: SesClientLike;
  /** The rate limiter every SES call waits for, when `rateLimit` is set. */
  readonly rateLimiter: RateLimiter | undefined;
  /** The retry policy around every SES call, unless `retry: false`. */
  readonly retryPolicy: RetryPolicy | undefined;
}

const DEFAULT_BATCH_CONCURRENCY = 4;

function userAgent(config: SESv2ClientConfig | undefined): SESv2ClientConfig["customUserAgent"] {
  const ours: [string, string] = ["mailroom", VERSION];
  const theirs = config?.customUserAgent;
  if (theirs === undefined) {
    return [ours];
  }
  return typeof theirs === "string" ? `${theirs} mailroom/${VERSION}` : [...theirs, ours];
}

/**
 * Create the SESv2 client from the options. With nothing given, the AWS SDK's default region
 * and credential chains apply (environment, shared config files, instance or task roles).
 */
function createClient(options: AmazonSesOptions): SesClientLike {
  const sdkRetries = options.clientConfig?.maxAttempts ?? options.clientConfig?.retryStrategy;
  return new SESv2Client({
    // With our policy on, the SDK must not retry as well: its standard strategy would multiply
    // our attempts and, classifying by shape, retry the daily quota (429/LimitExceeded) too.
    ...(options.retry !== false && sdkRetries === undefined ? { maxAttempts: 1 } : {}),
    ...options.clientConfig,
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    customUserAgent: userAgent(options.clientConfig),
  });
}

/** The region the client sends to: its own configuration (a string or a provider), else the option. */
async function sesRegion(client: SesClientLike, option: string | undefined): Promise<string | undefined> {
  const configured = (client as { config?: { region?: unknown } }).config?.region;
  try {
    const value: unknown =
      typeof configured === "function" ? await (configured as () => unknown)() : configured;
    return typeof value === "string" ? value : option;
  } catch {
    return option;
  }
}

function isRateLimiter(value: unknown): value is RateLimiter {
  return typeof value === "object" && value !== null && typeof (value as RateLimiter).acquire === "function";
}

/** The limiter the `rateLimit` option asks for; GetAccount is read through the backend's client. */
function makeRateLimiter(
  option: AmazonSesOptions["rateLimit"],
  client: () => SesClientLike,
  policy: RetryPolicy | undefined,
): RateLimiter | undefined {
  if (option === undefined || option === false) {
    return undefined;
  }
  if (isRateLimiter(option)) {
    return option;
  }
  const settings = option === "account" ? {} : option;
  const read = () => readSesMaxSendRate(client());
  return createRateLimiter({
    maxPerSecond:
      settings.maxPerSecond ??
      (() => (policy === undefined ? read() : policy.run(read, { operation: "GetAccount" }))),
    burst: settings.burst,
    refreshIntervalMs: settings.refreshIntervalMs,
    clock: settings.clock,
  });
}

/**
 * The Amazon SES backend (SESv2 API). Non-template messages go out with SendEmail and raw MIME;
 * template messages (a stored `templateId`, or merge fields with inline content) with
 * SendBulkEmail, split into batches of 50 recipients sent with bounded concurrency. Every SES
 * call goes through the retry policy (on by default) and, when `rateLimit` is set, waits for
 * as many rate tokens as it has recipients.
 *
 * @example
 * ```ts
 * import { createMailer, amazonSes } from "mailroom-ses";
 *
 * const mailer = createMailer({
 *   backend: amazonSes({ region: "us-east-1", configurationSetName: "Tracking", messageTagName: "Type" }),
 * });
 * // Paced at the account's MaxSendRate (read with GetAccount), retries observable:
 * amazonSes({ rateLimit: "account", retry: { onRetry: (e) => console.warn(e.code, e.delayMs) } });
 * ```
 */
export function amazonSes(options: AmazonSesOptions = {}): AmazonSesBackend {
  let client = options.client;
  const payloadOptions = {
    configurationSetName: options.configurationSetName,
    messageTagName: options.messageTagName,
    batchSize: options.batchSize,
  };
  const concurrency = options.batchConcurrency ?? DEFAULT_BATCH_CONCURRENCY;
  const retryPolicy = options.retry === false ? undefined : createRetryPolicy(options.retry);
  const rateLimiter = makeRateLimiter(options.rateLimit, () => backend.client, retryPolicy);

  /** One SES call: wait for rate tokens, send, map the error; the whole under the retry policy. */
  async function call<T>(command: { input: unknown }, operation: string): Promise<T> {
    const weight = sesRequestWeight(command.input);
    // Waiting for the first tokens is queueing, not trying: it stays out of the policy's time cap.
    await rateLimiter?.acquire(weight);
    const attempt = async (n = 1): Promise<T> => {
      if (n > 1) {
        // A retried call is another request SES may count: it takes tokens again.
        await rateLimiter?.acquire(weight);
      }
      try {
        return (await backend.client.send(command)) as T;
      } catch (err) {
        const error = toApiError(err, operation);
        if (rateLimiter !== undefined && classifySesError(error).kind === "throttling") {
          // SES says we are too fast (another process may share the account): back off together.
          rateLimiter.drain();
        }
        throw error;
      }
    };
    return retryPolicy === undefined ? attempt() : retryPolicy.run(attempt, { operation });
  }

  let region: string | undefined;
  const backend: AmazonSesBackend = {
    name: "Amazon SES",
    rateLimiter,
    retryPolicy,
    get client(): SesClientLike {
      client ??= createClient(options);
      return client;
    },
    buildPayload: (message, context) => buildSesPayload(message, payloadOptions, context),
    async callApi(payload) {
      // The region names the Message-ID SES gives the message (see sesRfcMessageId).
      region ??= await sesRegion(backend.client, options.region);
      if (payload.operation === "SendEmail") {
        return {
          operation: "SendEmail",
          output: await call<SendEmailCommandOutput>(new SendEmailCommand(payload.input), "SendEmail"),
        };
      }
      // One batch failing must not hide what the others sent: keep each call's outcome.
      const outcomes = await mapLimited(
        payload.inputs,
        concurrency,
        async (input): Promise<BulkBatchOutcome> => {
          try {
            return {
              output: await call<SendBulkEmailCommandOutput>(
                new SendBulkEmailCommand(input),
                "SendBulkEmail",
              ),
            };
          } catch (err) {
            return { error: toApiError(err, "SendBulkEmail") };
          }
        },
      );
      return { operation: "SendBulkEmail", outcomes };
    },
    parseResult(response, payload, message) {
      const result = parseSesResponse(response, payload, message);
      return { ...result, recipients: withRfcMessageIds(result.recipients, region) };
    },
  };
  return backend;
}
