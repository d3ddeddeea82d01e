/**
 * The normalized event model: what a tracking webhook hands the application, whatever the ESP
 * wrote. The vocabulary is Anymail's, in camelCase, so the same handler code works for any
 * backend Mailroom gains later.
 *
 * @module
 */
import type { JsonValue } from "./message/types";
import type { InboundMessage } from "./inbound/types";
import type { SesTrackingMessage } from "./ses/webhooks/tracking-types";
import type { SesReceivedNotification } from "./ses/webhooks/inbound-types";

/**
 * The normalized event types (Anymail's vocabulary). Amazon SES produces `sent`, `rejected`,
 * `failed`, `bounced`, `deferred`, `delivered`, `opened`, `clicked`, `complained`,
 * `unsubscribed`, `subscribed` and `unknown`; the rest exist for other ESPs and inbound mail.
 *
 * @example
 * ```ts
 * if (event.eventType === EventType.bounced) suppress(event.recipient);
 * ```
 */
export const EventType = {
  queued: "queued",
  sent: "sent",
  rejected: "rejected",
  failed: "failed",
  bounced: "bounced",
  deferred: "deferred",
  delivered: "delivered",
  autoresponded: "autoresponded",
  opened: "opened",
  clicked: "clicked",
  complained: "complained",
  unsubscribed: "unsubscribed",
  subscribed: "subscribed",
  inbound: "inbound",
  inboundFailed: "inbound_failed",
  unknown: "unknown",
} as const;

/**
 * One of the {@link EventType} values.
 *
 * @example
 * ```ts
 * const interesting: EventType[] = ["bounced", "complained"];
 * ```
 */
export type EventType = (typeof EventType)[keyof typeof EventType];

/**
 * Why a message was not delivered, for `bounced`, `complained`, `rejected` (and other ESPs'
 * refusals). Amazon SES produces `bounced`, `spam` and `blocked`.
 *
 * @example
 * ```ts
 * if (event.rejectReason === RejectReason.spam) unsubscribe(event.recipient);
 * ```
 */
export const RejectReason = {
  invalid: "invalid",
  bounced: "bounced",
  timedOut: "timed_out",
  blocked: "blocked",
  spam: "spam",
  unsubscribed: "unsubscribed",
  other: "other",
} as const;

/**
 * One of the {@link RejectReason} values.
 *
 * @example
 * ```ts
 * const reason: RejectReason = "bounced";
 * ```
 */
export type RejectReason = (typeof RejectReason)[keyof typeof RejectReason];

/**
 * One normalized tracking event, about one recipient of one sent message. SES reports some events
 * for several recipients at once (a bounce of two addresses, an open of a message sent to three);
 * Mailroom turns each into one event per recipient.
 *
 * @example
 * ```ts
 * const tracking = amazonSesTrackingWebhook({
 *   onEvent(event: TrackingEvent) {
 *     if (event.eventType === "bounced" && event.bounceType === "Permanent") suppress(event.recipient);
 *     if (event.eventType === "delivered") markDelivered(event.messageId, event.recipient, event.timestamp);
 *   },
 * });
 * ```
 */
export interface TrackingEvent {
  /** The normalized type. */
  eventType: EventType;
  /** The type as the ESP named it (SES: `Bounce`, `Rendering Failure`, `DeliveryDelay`…). */
  sesEventType: string;
  /**
   * When the ESP reported the event (SES: the SNS publish time, as Anymail does — not the SES
   * event's own timestamp, which `raw` keeps). Undefined when missing or unparsable.
   */
  timestamp: Date | undefined;
  /** Unique per notification (SES: the SNS MessageId); identical on SNS retries, so use it to dedupe. */
  eventId: string | undefined;
  /** The id the send call returned (`SendStatus.messageId`). */
  messageId: string | undefined;
  /** The recipient this event is about (addr-spec, as the ESP reported it). */
  recipient: string | undefined;
  /** Why the message was refused, for bounces, complaints and rejections. */
  rejectReason: RejectReason | undefined;
  /** A human-readable explanation (SES: "Permanent: General", the complaint feedback type…). */
  description: string | undefined;
  /** The receiving server's SMTP response or diagnostic code. */
  mtaResponse: string | undefined;
  /** The user agent that opened, clicked or complained. */
  userAgent: string | undefined;
  /** The link clicked, for `clicked`. */
  clickUrl: string | undefined;
  /** SES `bounceType` (`Permanent`, `Transient`, `Undetermined`), for `bounced`. */
  bounceType: string | undefined;
  /** SES `bounceSubType` (`General`, `MailboxFull`, `OnAccountSuppressionList`…), for `bounced`. */
  bounceSubType: string | undefined;
  /** The message's tags, in order (recovered from the sent `X-Tag` headers). */
  tags: string[];
  /** The message's metadata (recovered from the sent `X-Metadata` header); `{}` when none. */
  metadata: Record<string, JsonValue>;
  /** SES message tags (`mail.tags`, event publishing only), name → values, including `ses:*` ones. */
  sesTags: Record<string, string[]>;
  /** The ESP that reported the event. */
  esp: "Amazon SES";
  /** The ESP's own event, as parsed (SES: the JSON inside the SNS `Message`), shared by its fan-out. */
  raw: SesTrackingMessage;
}

/**
 * One received email, normalized: what an inbound webhook hands the application. SES publishes
 * exactly one per receipt-rule notification.
 *
 * @example
 * ```ts
 * async function onInbound(event: InboundEvent) {
 *   const { message } = event;
 *   if (message.spamDetected || message.verdicts.virus === "FAIL") return;
 *   await tickets.create({ from: message.from?.addrSpec, subject: message.subject, body: message.text });
 * }
 * ```
 */
export interface InboundEvent {
  /** Always `inbound`. */
  eventType: typeof EventType.inbound;
  /** When the ESP received the message (SES: `mail.timestamp`, not the SNS publish time). */
  timestamp: Date | undefined;
  /**
   * The ESP's id for the received message (SES: `mail.messageId`, which is also the S3 object's
   * name after the rule's prefix). Identical on SNS retries, so use it to dedupe.
   */
  eventId: string | undefined;
  /** The parsed message, with the envelope and verdicts from the receipt. */
  message: InboundMessage;
  /** The ESP that reported the event. */
  esp: "Amazon SES";
  /** The ESP's own notification, as parsed (SES: the JSON inside the SNS `Message`). */
  raw: SesReceivedNotification;
}
