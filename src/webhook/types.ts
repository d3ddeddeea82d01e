/**
 * The vocabulary of the webhook core: the Fetch handler shape, its options, the logger and the
 * outcome of one SNS envelope. Runtime-agnostic: only Web Fetch types appear here.
 *
 * @module
 */
import type { SNSClientConfig } from "@aws-sdk/client-sns";

import type { CertificateFetcher } from "../sns/cert-fetcher";
import type { CertUrlPolicy } from "../sns/cert-url-policy";
import type { SnsEnvelope, SnsNotification } from "../sns/types";
import type { DedupeStore } from "../store/dedupe-store";

/**
 * A Web-standard request handler: what Hono, Next.js route handlers, Bun, Deno and Workers call
 * directly, and what the `mailroom-ses/node`, `/express`, `/fastify` and `/lambda` adapters wrap.
 *
 * @example
 * ```ts
 * const handler: FetchHandler = amazonSesTrackingWebhook({ onEvent });
 * Bun.serve({ fetch: handler });
 * ```
 */
export type FetchHandler = (request: Request) => Promise<Response>;

/**
 * Where the webhook reports refusals and failures. Each call gets a one-line message and a
 * details object (status, reason, topic, message id, the error); never a secret or an
 * `Authorization` header. Pass your application's logger (pino, winston…) or a test double.
 *
 * @example
 * ```ts
 * const logger: WebhookLogger = {
 *   warn: (message, details) => pino.warn(details, message),
 *   error: (message, details) => pino.error(details, message),
 * };
 * ```
 */
export interface WebhookLogger {
  /** A refused request (4xx) or an ignored message worth knowing about. */
  warn(message: string, details: Record<string, unknown>): void;
  /** A failure SNS will retry (5xx): the application, the configuration or AWS. */
  error(message: string, details: Record<string, unknown>): void;
}

/**
 * A body a framework's JSON parser already turned into a value (Express with `express.json()`,
 * Fastify's default parser). The core turns it back into JSON text itself, after authentication
 * and inside its one error mapping: the value is untrusted (a 40 KB `[[[...]]]` nests 20,000 deep).
 *
 * @example
 * ```ts
 * const body: ParsedJsonBody = { parsedJson: req.body };
 * ```
 */
export interface ParsedJsonBody {
  /** What the parser produced: any JSON value, untrusted. */
  readonly parsedJson: unknown;
}

/**
 * A request body as the core accepts it: text or bytes a framework already read, a value a JSON
 * parser already produced, chunks still to be read (a Node stream's iterator, a Fetch body
 * stream), or nothing. Chunks are pulled one at a time and no longer than the size limit allows.
 *
 * @example
 * ```ts
 * const body: WebhookBody = req.iterator({ destroyOnReturn: false }); // node:http, unread
 * ```
 */
export type WebhookBody =
  string | Uint8Array | ParsedJsonBody | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | null;

/**
 * The little the core needs from an HTTP request, so that adapters for runtimes with their own
 * request objects (node:http, Express, Fastify) can skip building a Fetch `Request` and a
 * `Response` for every delivery: that round trip costs more than verifying the signature.
 *
 * @example
 * ```ts
 * const request: WebhookRequest = {
 *   method: req.method ?? "GET",
 *   header: (name) => req.headers[name]?.toString() ?? null,
 *   body: req.iterator({ destroyOnReturn: false }),
 * };
 * ```
 */
export interface WebhookRequest {
  /** The HTTP method, any case. */
  method: string;
  /** A header's value by lower-case name, `null` when absent (several values joined by ", "). */
  header(name: string): string | null;
  body: WebhookBody;
}

/**
 * What one SNS envelope (or one HTTP request) came to: the HTTP status SNS sees, a short plain
 * text reason, and extra response headers (the 401 challenge, `Allow`).
 *
 * @example
 * ```ts
 * const outcome: WebhookOutcome = await tracking.handleEnvelope(envelope);
 * if (outcome.status >= 500) throw new Error(outcome.body); // let Lambda retry
 * ```
 */
export interface WebhookOutcome {
  /** 200 handled or deliberately ignored; 4xx refused (SNS does not retry); 5xx retry later. */
  status: number;
  /** A short reason, safe to show to the caller: no stack trace, no secret. */
  body: string;
  /** Response headers: `Content-Type` always, plus the 401 challenge or `Allow` when they apply. */
  headers?: Record<string, string>;
}

/**
 * Settings of SNS signature verification when it is on (the default).
 *
 * @example
 * ```ts
 * const verifySignature: SignatureVerificationOptions = { maxAgeSeconds: 7200 };
 * ```
 */
export interface SignatureVerificationOptions {
  /** Downloads certificates; default: HTTPS, no redirects, 5 s timeout, 64 KiB cap. */
  fetchCertificate?: CertificateFetcher;
  /** Which `SigningCertURL`s may be downloaded; default bound to the TopicArn's region and partition. */
  certUrlPolicy?: CertUrlPolicy;
  /**
   * Refuse messages whose Timestamp is further than this from now, in seconds (replay protection).
   * Default 3600 (SNS retries for up to an hour), at least 3600; `Infinity` turns the window off.
   */
  maxAgeSeconds?: number;
}

/**
 * Confirms an SNS subscription. The default calls the SNS `ConfirmSubscription` API in `region`
 * (the topic's own) with `AuthenticateOnUnsubscribe: "true"`. Inject one to confirm some other way.
 *
 * @example
 * ```ts
 * const confirmSubscription: ConfirmSubscription = async (topicArn, token, region) => {
 *   await mySnsClients[region].confirm(topicArn, token);
 * };
 * ```
 */
export type ConfirmSubscription = (topicArn: string, token: string, region: string) => Promise<void>;

/**
 * The part of an SNS client the default confirmation uses; `SNSClient` fits, so does a test double.
 *
 * @example
 * ```ts
 * const client: SnsClientLike = new SNSClient({ region: "eu-west-1" });
 * ```
 */
export interface SnsClientLike {
  /** Send one SNS command; resolves with its output, rejects with the SDK's error. */
  send(command: object): Promise<unknown>;
  /** Release the client's sockets (called on clients Mailroom created itself). */
  destroy?(): void;
}

/**
 * Options every SNS webhook handler takes (tracking and inbound).
 *
 * @example
 * ```ts
 * const options: SnsWebhookOptions = {
 *   secret: process.env.MAILROOM_WEBHOOK_SECRET, // "user:password"
 *   allowedTopicArns: ["arn:aws:sns:us-east-1:123456789012:ses-events"],
 * };
 * ```
 */
export interface SnsWebhookOptions {
  /**
   * Basic-auth credentials, `"user:password"`, or several (any one matches) while rotating. Put
   * them in the subscription URL: `https://user:password@example.com/mailroom/ses/tracking`.
   * The password needs 8 characters or more (the CLI's rule); `undefined` means no secret.
   */
  secret?: string | readonly string[] | undefined;
  /** Only these topics are accepted (403 otherwise). Also authenticates subscription confirmations. */
  allowedTopicArns?: readonly string[] | undefined;
  /**
   * Accept every topic, from any AWS account, when neither `secret` nor `allowedTopicArns` is set.
   * Without it such a handler cannot be created (ConfigurationError): an unset environment
   * variable must not silently open the webhook. Default false.
   */
  allowAnyTopic?: boolean | undefined;
  /** SNS signature verification: on unless this is exactly `false`; an object tunes it. */
  verifySignature?: boolean | SignatureVerificationOptions | undefined;
  /** Confirm subscriptions automatically when the request is verified and authenticated. Default true. */
  autoConfirm?: boolean | undefined;
  /** The largest request body accepted, in bytes (413 beyond). Default 1 MiB. */
  maxBodyBytes?: number | undefined;
  /** Settings of the SNS client used to confirm subscriptions (its region is always the topic's). */
  snsClientConfig?: SNSClientConfig | undefined;
  /** Creates that SNS client; for tests or a custom client. */
  createSnsClient?: ((config: SNSClientConfig & { region: string }) => SnsClientLike) | undefined;
  /** Replaces the whole confirmation call. */
  confirmSubscription?: ConfirmSubscription | undefined;
  /** Where refusals and failures are reported; default `console`. */
  logger?: WebhookLogger | undefined;
  /**
   * Effectively-once handling, keyed by the SNS `MessageId`: a redelivered notification is
   * answered 200 without calling the application again, and two concurrent deliveries never both
   * run it. Default: an in-memory store (this process only); pass `createRedisDedupeStore(...)`
   * to share it across instances, your own {@link DedupeStore}, or `false` to turn it off.
   */
  dedupe?: DedupeStore | false | undefined;
  /**
   * How long a delivery holds its claim while the application runs (default 30,000 ms). A
   * delivery of the same message meanwhile is answered 503 (SNS retries it); a claim left by a
   * process that died lapses after this, so the next redelivery runs the callback.
   */
  dedupeLeaseMs?: number | undefined;
  /** How long a handled `MessageId` is remembered (default 7,200,000 ms; at least 3,600,000). */
  dedupeKeepMs?: number | undefined;
}

/**
 * A webhook handler: a {@link FetchHandler}, plus two entry points for adapters: `handleRequest`
 * (HTTP without the Fetch objects) and `handleEnvelope` (SNS envelopes that arrived without HTTP:
 * an SNS-triggered Lambda function).
 *
 * @example
 * ```ts
 * const response = await tracking(request);                 // a Fetch Request
 * const outcome = await tracking.handleEnvelope(envelope);  // SNS -> Lambda
 * ```
 */
export interface SnsWebhookHandler extends FetchHandler {
  /**
   * The same as calling the handler, without the Fetch objects: what the node:http, Express and
   * Fastify adapters use. Never throws.
   */
  handleRequest(request: WebhookRequest): Promise<WebhookOutcome>;
  /**
   * Run an already-parsed envelope through the same allow-list, signature verification and
   * dispatch as an HTTP request (there are no basic-auth credentials on this path). Never throws:
   * the outcome's `status` says what happened, exactly as the HTTP response would.
   */
  handleEnvelope(envelope: SnsEnvelope): Promise<WebhookOutcome>;
}

/**
 * What a concrete webhook (tracking, inbound) does with one verified Notification: convert the
 * parsed `Message` and hand the results to the application through `invokeCallback`.
 *
 * @example
 * ```ts
 * const process: NotificationProcessor = async (sesEvent, envelope) => {
 *   for (const event of convert(sesEvent, envelope)) await invokeCallback(() => onEvent(event));
 * };
 * ```
 */
export type NotificationProcessor = (sesEvent: unknown, envelope: SnsNotification) => Promise<void>;
