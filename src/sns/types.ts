/**
 * The JSON envelopes Amazon SNS posts to an HTTP(S) subscriber, field for field as AWS spells them
 * (https://docs.aws.amazon.com/sns/latest/dg/http-header.html), so a parsed body can be signed,
 * verified and logged without renaming anything.
 *
 * @module
 */

/**
 * One SNS message attribute, as it appears in a Notification envelope.
 *
 * @example
 * ```ts
 * const attr: SnsMessageAttribute = { Type: "String", Value: "bounce" };
 * ```
 */
export interface SnsMessageAttribute {
  /** `String`, `String.Array`, `Number` or `Binary` (base64). */
  Type: string;
  /** The value, always a string on the wire. */
  Value: string;
}

/** Fields every SNS envelope carries. */
interface SnsEnvelopeBase {
  /** Unique per published message; the same id comes again on retries. */
  MessageId: string;
  /** `arn:<partition>:sns:<region>:<account>:<topic>`; the signing host is bound to its region. */
  TopicArn: string;
  /** The payload: for SES events, a JSON string; for confirmations, a human-readable text. */
  Message: string;
  /** ISO 8601 time SNS created the envelope, e.g. `2024-04-26T20:45:04.751Z`. */
  Timestamp: string;
  /** `"1"` (SHA1withRSA) or `"2"` (SHA256withRSA). */
  SignatureVersion: string;
  /** Base64 signature over the canonical string (see `canonicalString`). */
  Signature: string;
  /** Where the X.509 certificate of the signing key lives. Untrusted until checked. */
  SigningCertURL: string;
}

/**
 * A published message (for Mailroom, an SES event or an inbound mail).
 *
 * @example
 * ```ts
 * if (envelope.Type === "Notification") handle(JSON.parse(envelope.Message));
 * ```
 */
export interface SnsNotification extends SnsEnvelopeBase {
  Type: "Notification";
  /** Present only when the publisher set one; part of the signed string when present. */
  Subject?: string;
  /** Visiting it unsubscribes the endpoint. */
  UnsubscribeURL: string;
  /** Publisher-set attributes; not covered by the signature. */
  MessageAttributes?: Record<string, SnsMessageAttribute>;
}

/**
 * Sent once when a subscription is created; nothing is delivered until it is confirmed.
 *
 * @example
 * ```ts
 * if (envelope.Type === "SubscriptionConfirmation") await confirm(envelope.TopicArn, envelope.Token);
 * ```
 */
export interface SnsSubscriptionConfirmation extends SnsEnvelopeBase {
  Type: "SubscriptionConfirmation";
  /** Confirms the subscription through the `ConfirmSubscription` API. */
  Token: string;
  /** A GET on this URL confirms the subscription. */
  SubscribeURL: string;
}

/**
 * Sent when the endpoint was unsubscribed. Its `SubscribeURL`/`Token` would subscribe the endpoint
 * again, so it must never be visited automatically.
 *
 * @example
 * ```ts
 * if (envelope.Type === "UnsubscribeConfirmation") log.warn("unsubscribed from", envelope.TopicArn);
 * ```
 */
export interface SnsUnsubscribeConfirmation extends SnsEnvelopeBase {
  Type: "UnsubscribeConfirmation";
  /** Re-subscribes the endpoint through `ConfirmSubscription`. */
  Token: string;
  /** A GET on this URL re-subscribes the endpoint. */
  SubscribeURL: string;
}

/**
 * Any SNS HTTP(S) envelope, discriminated on `Type`.
 *
 * @example
 * ```ts
 * function describe(envelope: SnsEnvelope): string {
 *   switch (envelope.Type) {
 *     case "Notification": return envelope.Subject ?? "(no subject)";
 *     case "SubscriptionConfirmation": return "confirm " + envelope.TopicArn;
 *     case "UnsubscribeConfirmation": return "unsubscribed";
 *   }
 * }
 * ```
 */
export type SnsEnvelope = SnsNotification | SnsSubscriptionConfirmation | SnsUnsubscribeConfirmation;

/**
 * The `Type` values (and `x-amz-sns-message-type` header values) SNS sends.
 *
 * @example
 * ```ts
 * const type: SnsMessageType = "Notification";
 * ```
 */
export type SnsMessageType = SnsEnvelope["Type"];
