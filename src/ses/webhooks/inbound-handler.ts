/**
 * The Amazon SES inbound webhook: mail received by an SES receipt rule (SNS action, or S3 action
 * with an SNS notification), delivered to the application as one parsed {@link InboundEvent}.
 *
 * @module
 */
import type { InboundEvent } from "../../events";
import { invokeCallback } from "../../webhook/callback";
import { createSnsWebhook } from "../../webhook/handler";
import type { SnsWebhookHandler, SnsWebhookOptions } from "../../webhook/types";
import { sesReceivedToInboundEvent, type InboundDeps } from "./inbound";
import { createS3ObjectReader, type S3ObjectReaderOptions } from "./s3-object-reader";

/**
 * Options of {@link amazonSesInboundWebhook}: the shared SNS webhook options, the callback
 * (`onMessage`, or its alias `onEvent`) and how to read S3 objects.
 *
 * @example
 * ```ts
 * const options: AmazonSesInboundWebhookOptions = {
 *   secret: process.env.MAILROOM_WEBHOOK_SECRET,
 *   s3: { region: "us-east-1", allowedBuckets: ["example-mail"], maxBytes: 30 * 1024 * 1024 },
 *   onMessage: async (event) => { await tickets.create(event.message); },
 * };
 * ```
 */
export interface AmazonSesInboundWebhookOptions extends SnsWebhookOptions {
  /**
   * Called once per received message, awaited. Throwing makes the webhook answer 500, so SNS
   * delivers the notification again. Redeliveries of a handled notification are dropped by the
   * `dedupe` store (in memory by default); see docs/tracking.md, "Delivery guarantees".
   */
  onMessage?: ((event: InboundEvent) => unknown) | undefined;
  /** Alias of `onMessage`, the name the tracking webhook uses. Give one of the two. */
  onEvent?: ((event: InboundEvent) => unknown) | undefined;
  /**
   * Reading messages stored by an S3 receipt action: `allowedBuckets` (the buckets your receipt
   * rules write to; required for S3-action mail unless `allowedTopicArns` is set), an injected
   * `client`, or `clientConfig` / `region` for the client Mailroom creates on first use, and
   * `maxBytes` (default 40 MiB).
   */
  s3?: S3ObjectReaderOptions | undefined;
}

/**
 * Create the SES inbound webhook: a Fetch handler `(request) => Promise<Response>` for the HTTPS
 * subscription of the SNS topic a receipt rule notifies. With an SNS action the message comes
 * inline; with an S3 action it is read from the bucket (IAM: `s3:GetObject`), only when the
 * bucket is in `s3.allowedBuckets` or the topic is in `allowedTopicArns` (403 otherwise). SES's
 * `AMAZON_SES_SETUP_NOTIFICATION` is acknowledged without calling the application. Signatures,
 * secret, allow-list and confirmations work exactly as for the tracking webhook.
 *
 * The returned function also has `handleEnvelope(envelope)` for SNS-triggered Lambda functions.
 *
 * @throws TypeError when neither (or two different) callbacks are given, or an option is invalid.
 * @example
 * ```ts
 * import { amazonSesInboundWebhook } from "mailroom-ses";
 *
 * const inbound = amazonSesInboundWebhook({
 *   secret: process.env.MAILROOM_WEBHOOK_SECRET,
 *   onMessage: async ({ message }) => {
 *     if (!message.spamDetected) await tickets.create({ from: message.from?.addrSpec, text: message.text });
 *   },
 * });
 * export const POST = inbound; // a Next.js route handler
 * ```
 */
export function amazonSesInboundWebhook(options: AmazonSesInboundWebhookOptions): SnsWebhookHandler {
  const onMessage = callbackOption(options);
  const reader = createS3ObjectReader(options.s3);
  const deps: InboundDeps = {
    readS3Object: reader.readS3Object,
    allowedBuckets: reader.allowedBuckets,
    // A signed notification from an allow-listed topic comes from the operator's own receipt
    // rule, so the bucket it names is theirs. Anything less, and the bucket must be named.
    trustActionBucket: (options.allowedTopicArns?.length ?? 0) > 0 && options.verifySignature !== false,
  };
  return createSnsWebhook(options, "inbound", async (sesEvent, envelope) => {
    const event = await sesReceivedToInboundEvent(
      sesEvent,
      { messageId: envelope.MessageId, timestamp: envelope.Timestamp, topicArn: envelope.TopicArn },
      deps,
    );
    // undefined: SES's setup notification for a new S3 action, acknowledged and not passed on.
    if (event !== undefined) {
      await invokeCallback(() => onMessage.call(options, event));
    }
  });
}

function callbackOption(options: AmazonSesInboundWebhookOptions): (event: InboundEvent) => unknown {
  const { onMessage, onEvent } = options ?? {};
  if (onMessage !== undefined && onEvent !== undefined && onMessage !== onEvent) {
    throw new TypeError("amazonSesInboundWebhook: give onMessage or onEvent, not both");
  }
  const callback = onMessage ?? onEvent;
  if (typeof callback !== "function") {
    throw new TypeError("amazonSesInboundWebhook: onMessage (or onEvent) must be a function");
  }
  return callback;
}
