/**
 * Posting SES notifications to a webhook the way SNS delivers them: wrapped in a signed SNS
 * envelope, `text/plain` body with the `x-amz-sns-*` headers, first without credentials and, after
 * a `401` with a Basic challenge, again with them. The target is a URL (real HTTP) or a Fetch
 * handler called in-process.
 *
 * @module
 */
import type { SnsEnvelope } from "../sns/types";
import type { FetchHandler } from "../webhook/types";
import type { SnsSignatureVersion, SnsTestSigner } from "./sns-signer-types";
import { createSnsTestSigner } from "./sns-signing";

/**
 * Where to post: an `http(s)://` URL (credentials in it, `https://user:password@host/path`, are
 * used like SNS uses a subscription URL's), or a Fetch handler such as
 * `amazonSesTrackingWebhook(...)`, called in-process.
 *
 * @example
 * ```ts
 * const target: WebhookTarget = "http://127.0.0.1:3000/mailroom/ses/tracking";
 * const inProcess: WebhookTarget = tracking; // amazonSesTrackingWebhook({...})
 * ```
 */
export type WebhookTarget = string | URL | FetchHandler;

/**
 * Options of {@link postSnsEnvelope}.
 *
 * @example
 * ```ts
 * const options: PostSnsEnvelopeOptions = { secret: "mailroom:correct-horse-battery", signer };
 * ```
 */
export interface PostSnsEnvelopeOptions {
  /** Basic-auth credentials `"user:password"`, sent only after a 401 challenge (as SNS does). */
  secret?: string | undefined;
  /** The signer whose headers describe the envelope; default {@link defaultSnsTestSigner}. */
  signer?: SnsTestSigner | undefined;
  /** The request URL a Fetch handler target sees; default `https://webhook.test/`. */
  url?: string | undefined;
  /** Give up on a URL target after this long; default 10,000 ms. */
  timeoutMs?: number | undefined;
}

/**
 * Options of {@link postToWebhook}: how to deliver, and the envelope's fields.
 *
 * @example
 * ```ts
 * const options: PostToWebhookOptions = { secret: "mailroom:correct-horse-battery", messageId: "retry-me" };
 * ```
 */
export interface PostToWebhookOptions extends PostSnsEnvelopeOptions {
  /** The envelope's TopicArn; default the signer's topic. */
  topicArn?: string | undefined;
  /** The envelope's MessageId (the events' `eventId`); default a random UUID. Reuse it to replay a delivery. */
  messageId?: string | undefined;
  /** The envelope's Timestamp (the events' `timestamp`); default now. */
  timestamp?: string | Date | undefined;
  /** The envelope's Subject, if any. */
  subject?: string | undefined;
  /** SNS signature version; default the signer's. */
  signatureVersion?: SnsSignatureVersion | undefined;
}

let sharedSigner: SnsTestSigner | undefined;

/**
 * The signer {@link postToWebhook} uses when given none: one per process, made on first use (key
 * generation takes a moment). Give your webhook its certificate fetcher so it trusts these
 * signatures, and only these.
 *
 * @example
 * ```ts
 * import { amazonSesTrackingWebhook } from "mailroom-ses";
 * import { defaultSnsTestSigner } from "mailroom-ses/testing";
 *
 * const tracking = amazonSesTrackingWebhook({
 *   secret: "mailroom:correct-horse-battery",
 *   verifySignature: { fetchCertificate: defaultSnsTestSigner().fetchCertificate },
 *   onEvent: () => undefined,
 * });
 * ```
 */
export function defaultSnsTestSigner(): SnsTestSigner {
  sharedSigner ??= createSnsTestSigner();
  return sharedSigner;
}

function basicAuthorization(credentials: string): string {
  return `Basic ${Buffer.from(credentials, "utf8").toString("base64")}`;
}

/** A URL target without its credentials (fetch refuses URLs with them), and those credentials. */
function splitCredentials(target: string | URL): { url: URL; credentials: string | undefined } {
  const url = new URL(target);
  if (url.username === "" && url.password === "") {
    return { url, credentials: undefined };
  }
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  url.username = "";
  url.password = "";
  return { url, credentials };
}

function isBasicChallenge(response: Response): boolean {
  return response.status === 401 && /^\s*basic\b/i.test(response.headers.get("www-authenticate") ?? "");
}

/**
 * Post an SNS envelope as it is (already signed, or tampered with on purpose), the way SNS
 * delivers it: see {@link postToWebhook}.
 *
 * @example
 * ```ts
 * import { createSnsTestSigner, postSnsEnvelope } from "mailroom-ses/testing";
 *
 * const signer = createSnsTestSigner();
 * const envelope = signer.subscriptionConfirmation();
 * const response = await postSnsEnvelope("http://127.0.0.1:3000/ses", envelope, { signer, secret: "mailroom:correct-horse-battery" });
 * ```
 */
export async function postSnsEnvelope(
  target: WebhookTarget,
  envelope: SnsEnvelope,
  options: PostSnsEnvelopeOptions = {},
): Promise<Response> {
  const signer = options.signer ?? defaultSnsTestSigner();
  const headers = signer.httpHeaders(envelope);
  const body = JSON.stringify(envelope);
  let send: (authorization: string | undefined) => Promise<Response>;
  let credentials = options.secret;
  if (typeof target === "function") {
    const url = options.url ?? "https://webhook.test/";
    send = (authorization) =>
      target(
        new Request(url, {
          method: "POST",
          headers: authorization === undefined ? headers : { ...headers, authorization },
          body,
        }),
      );
  } else {
    const split = splitCredentials(target);
    credentials ??= split.credentials;
    const timeoutMs = options.timeoutMs ?? 10_000;
    send = (authorization) =>
      fetch(split.url, {
        method: "POST",
        headers: authorization === undefined ? headers : { ...headers, authorization },
        body,
        // SNS does not follow redirects: neither does the poster.
        redirect: "manual",
        signal: AbortSignal.timeout(timeoutMs),
      });
  }
  // SNS sends the subscription URL's credentials only when challenged for them.
  const first = await send(undefined);
  if (credentials === undefined || !isBasicChallenge(first)) {
    return first;
  }
  await first.body?.cancel().catch(() => undefined);
  return send(basicAuthorization(credentials));
}

/**
 * Post an SES notification (an object from `sesEvents`, any JSON object, or a string) to a
 * webhook exactly as SNS would: wrapped in an SNS Notification envelope signed by the test signer,
 * first without credentials, then with `secret` after the webhook's `401` Basic challenge. Returns
 * the final response. Give the webhook the signer's certificate fetcher
 * (`verifySignature: { fetchCertificate: signer.fetchCertificate }`) so signature verification
 * stays on in your tests.
 *
 * @example
 * ```ts
 * import { amazonSesTrackingWebhook, type TrackingEvent } from "mailroom-ses";
 * import { defaultSnsTestSigner, postToWebhook, sesEvents } from "mailroom-ses/testing";
 *
 * const events: TrackingEvent[] = [];
 * const secret = "mailroom:correct-horse-battery";
 * const tracking = amazonSesTrackingWebhook({
 *   secret,
 *   verifySignature: { fetchCertificate: defaultSnsTestSigner().fetchCertificate },
 *   onEvent: (event) => void events.push(event),
 * });
 * const response = await postToWebhook(tracking, sesEvents.bounce({ recipients: ["alice@example.com"] }), { secret });
 * console.log(response.status, events[0]?.eventType); // 200 "bounced"
 * ```
 */
export async function postToWebhook(
  target: WebhookTarget,
  notification: object | string,
  options: PostToWebhookOptions = {},
): Promise<Response> {
  const signer = options.signer ?? defaultSnsTestSigner();
  const envelope = signer.notification({
    message: notification,
    ...(options.topicArn === undefined ? {} : { topicArn: options.topicArn }),
    ...(options.messageId === undefined ? {} : { messageId: options.messageId }),
    ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
    ...(options.subject === undefined ? {} : { subject: options.subject }),
    ...(options.signatureVersion === undefined ? {} : { signatureVersion: options.signatureVersion }),
  });
  return postSnsEnvelope(target, envelope, { ...options, signer });
}
