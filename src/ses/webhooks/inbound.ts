/**
 * The converter from one SES `Received` notification (the JSON inside an SNS `Message`) to a
 * normalized {@link InboundEvent}. Pure apart from the injected S3 reader: the message bytes
 * come inline for the SNS action and from S3 for the S3 action.
 *
 * @see https://docs.aws.amazon.com/ses/latest/dg/receiving-email-notifications-contents.html
 * @module
 */
import { ConfigurationError, WebhookValidationError } from "../../errors";
import { EventType, type InboundEvent } from "../../events";
import { parseInboundMessage } from "../../inbound/inbound-message";
import { InboundParseError } from "../../inbound/parse-error";
import type { SesReceivedNotification } from "./inbound-types";
import { readReceiptInfo } from "./inbound-receipt";
import { parseIsoTimestamp } from "./iso-timestamp";
import { bucketNotAllowed } from "./s3-bucket-policy";
import type { SnsEnvelopeInfo } from "./tracking";
import { isRecord, optionalRecord, optionalString, requireRecord, type JsonRecord } from "./tracking-guards";

/**
 * What the converter needs beyond the notification: a way to read the S3 object an S3 receipt
 * action wrote ({@link createS3ObjectReader} gives one). SNS-only setups can pass a reader that
 * throws.
 *
 * @example
 * ```ts
 * const deps: InboundDeps = createS3ObjectReader({ region: "us-east-1", allowedBuckets: ["example-mail"] });
 * ```
 */
export interface InboundDeps {
  /** The object's bytes; errors should be {@link ApiError}s naming the bucket and key. */
  readS3Object(bucket: string, key: string): Promise<Uint8Array>;
  /**
   * The buckets an S3 action may name (the operator's own). A notification naming another bucket
   * is refused with a 403 {@link WebhookValidationError} and `readS3Object` is not called.
   */
  readonly allowedBuckets?: ReadonlySet<string> | readonly string[] | undefined;
  /**
   * Read whatever bucket the S3 action names. Set it only when the notification is known to come
   * from your own topic (the webhook sets it when `allowedTopicArns` is configured); without it
   * and without `allowedBuckets`, S3-action mail is refused, so a forged notification cannot make
   * Mailroom read a bucket of its choosing.
   */
  readonly trustActionBucket?: boolean | undefined;
}

const RECEIVED = "Received";

// When a receipt rule with an S3 action is created, SES writes an object of this name to check
// it can, and publishes a notification for it. It is not mail.
const SETUP_NOTIFICATION_ID = "AMAZON_SES_SETUP_NOTIFICATION";

// Strict checks, because Buffer's decoder silently skips characters that are not base64: a damaged
// notification must fail loudly rather than parse as a different message.
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function asUint8Array(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** Strict base64 decoding; `undefined` for anything that is not base64. */
function decodeBase64(content: string): Uint8Array | undefined {
  const bytes = Buffer.from(content, "base64");
  // Fast path: canonical base64 (what SES writes, one unbroken line) encodes back to itself.
  // This is cheaper than a regular expression over the whole string, and stricter.
  if (bytes.toString("base64") === content) {
    return asUint8Array(bytes);
  }
  // Slow path: allow line breaks and non-canonical trailing bits, nothing outside the alphabet.
  const compact = content.replace(/\s+/g, "");
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) {
    return undefined;
  }
  return asUint8Array(Buffer.from(compact, "base64"));
}

/**
 * Fail closed: the bucket must be one the operator named, or the topic must be the operator's.
 * Never read a bucket the request chose on its own (the S3 confused deputy).
 */
function refuseUnnamedBucket(bucket: string, deps: InboundDeps): void {
  const allowed = deps.allowedBuckets;
  if (allowed !== undefined) {
    const named =
      allowed instanceof Set ? allowed.has(bucket) : (allowed as readonly string[]).includes(bucket);
    if (!named) {
      throw bucketNotAllowed(bucket, "it is not in s3.allowedBuckets");
    }
    return;
  }
  if (deps.trustActionBucket !== true) {
    throw bucketNotAllowed(
      bucket,
      "no bucket is allowed. Name your receipt rule's bucket in s3.allowedBuckets (or set allowedTopicArns)",
    );
  }
}

type ActionReader = (action: JsonRecord, sesEvent: JsonRecord, deps: InboundDeps) => Promise<Uint8Array>;

const readSnsContent: ActionReader = async (action, sesEvent) => {
  const content = sesEvent.content;
  if (typeof content !== "string") {
    throw new WebhookValidationError(
      `Malformed SES '${RECEIVED}' event: "content" is missing or not a string`,
    );
  }
  const encoding = optionalString(action.encoding, RECEIVED, "receipt.action.encoding");
  if (encoding?.toUpperCase() === "BASE64") {
    const bytes = decodeBase64(content);
    if (bytes === undefined) {
      throw new WebhookValidationError(`Malformed SES '${RECEIVED}' event: "content" is not valid base64`);
    }
    return bytes;
  }
  // "UTF8" (the default): SNS carried the message as text. Anything SES could not represent was
  // already lost on AWS's side (its docs recommend BASE64); encode what arrived back to bytes.
  return new TextEncoder().encode(content);
};

const readS3Content: ActionReader = async (action, _sesEvent, deps) => {
  const bucket = optionalString(action.bucketName, RECEIVED, "receipt.action.bucketName");
  // objectKey already includes the rule's objectKeyPrefix.
  const key = optionalString(action.objectKey, RECEIVED, "receipt.action.objectKey");
  if (bucket === undefined || bucket === "" || key === undefined || key === "") {
    throw new WebhookValidationError(
      `Malformed SES '${RECEIVED}' event: an S3 action needs "receipt.action.bucketName" and "receipt.action.objectKey"`,
    );
  }
  refuseUnnamedBucket(bucket, deps);
  return deps.readS3Object(bucket, key);
};

const ACTION_READERS: ReadonlyMap<string, ActionReader> = new Map([
  ["SNS", readSnsContent],
  ["S3", readS3Content],
]);

function topic(envelope: SnsEnvelopeInfo): string {
  return `(SNS TopicArn ${envelope.topicArn ?? "unknown"})`;
}

/**
 * Convert one SES `Received` notification — the JSON object inside an SNS `Message` — into a
 * normalized inbound event: the message bytes (inline for the SNS action, read from S3 for the S3
 * action) parsed with {@link parseInboundMessage}, plus the envelope and every verdict.
 *
 * @param sesEvent - the parsed SNS `Message`
 * @param envelope - fields of the SNS envelope around it (only `topicArn` is used, in errors)
 * @param deps - how to read an S3 object
 * @returns the event, or `undefined` for SES's `AMAZON_SES_SETUP_NOTIFICATION` test notification
 *   (acknowledge it and carry on)
 * @throws ConfigurationError when a sending event reached the inbound webhook, or the receipt
 *   action is neither SNS nor S3
 * @throws WebhookValidationError when the notification is malformed (400), the message is over
 *   the parsing budget (400), or an S3 action names a bucket `deps` does not allow (403)
 * @throws ApiError (from `deps.readS3Object`) when the S3 object cannot be read
 * @example
 * ```ts
 * const body = JSON.parse(await request.text());
 * const event = await sesReceivedToInboundEvent(
 *   JSON.parse(body.Message),
 *   { messageId: body.MessageId, timestamp: body.Timestamp, topicArn: body.TopicArn },
 *   createS3ObjectReader({ allowedBuckets: ["example-mail"] }),
 * );
 * if (event) await onInbound(event);
 * ```
 */
export async function sesReceivedToInboundEvent(
  sesEvent: unknown,
  envelope: SnsEnvelopeInfo,
  deps: InboundDeps,
): Promise<InboundEvent | undefined> {
  if (!isRecord(sesEvent)) {
    throw new WebhookValidationError("The SES notification (the SNS Message) is not a JSON object");
  }
  // Anymail checks only notificationType: sending events use eventType and have none.
  if (sesEvent.notificationType !== RECEIVED) {
    throw new ConfigurationError(
      "You seem to have set an Amazon SES *sending* event or notification to publish to an SNS Topic " +
        "that posts to Mailroom's *inbound* webhook URL. Point that topic's subscription at the " +
        `tracking webhook instead. ${topic(envelope)}`,
    );
  }
  const mail = optionalRecord(sesEvent.mail, RECEIVED, "mail");
  const messageId = optionalString(mail.messageId, RECEIVED, "mail.messageId");
  if (messageId === SETUP_NOTIFICATION_ID) {
    return undefined;
  }
  const receipt = requireRecord(sesEvent.receipt, RECEIVED, "receipt");
  const action = optionalRecord(receipt.action, RECEIVED, "receipt.action");
  const actionType = optionalString(action.type, RECEIVED, "receipt.action.type");
  const reader = actionType === undefined ? undefined : ACTION_READERS.get(actionType);
  if (reader === undefined) {
    const what = actionType === undefined ? "actions without a type" : `'${actionType}' actions`;
    throw new ConfigurationError(
      "Mailroom's Amazon SES inbound webhook works only with 'SNS' or 'S3' receipt rule actions, " +
        `not SNS notifications for ${what}. ${topic(envelope)}`,
    );
  }
  const receiptInfo = readReceiptInfo(mail, receipt);
  const raw = await reader(action, sesEvent, deps);
  if (!(raw instanceof Uint8Array)) {
    throw new ConfigurationError("readS3Object must resolve to the object's bytes (a Uint8Array)");
  }
  const message = await parseInboundMessage(raw, receiptInfo).catch((err: unknown) => {
    // A message that cannot be parsed at all will not parse on a retry either: answer 4xx so SNS
    // stops. (An S3 object stays in its bucket for a manual look.)
    throw err instanceof InboundParseError ? new WebhookValidationError(err.message, { cause: err }) : err;
  });
  return {
    eventType: EventType.inbound,
    timestamp: parseIsoTimestamp(mail.timestamp),
    eventId: messageId,
    message,
    esp: "Amazon SES",
    raw: sesEvent as SesReceivedNotification,
  };
}
