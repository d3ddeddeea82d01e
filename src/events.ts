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
 * The normalized types of tracking events: exactly what the Amazon SES tracking webhook emits
 * (Anymail's vocabulary). An exhaustive `switch` over {@link TrackingEvent} needs one branch per
 * value and no dead ones.
 *
 * @example
 * ```ts
 * import { TrackingEventType, type TrackingEvent } from "mailroom-ses";
 *
 * function isFailure(event: TrackingEvent): boolean {
 *   return event.eventType === TrackingEventType.bounced || event.eventType === TrackingEventType.complained;
 * }
 * ```
 */
export const TrackingEventType = {
  sent: "sent",
  rejected: "rejected",
  failed: "failed",
  bounced: "bounced",
  deferred: "deferred",
  delivered: "delivered",
  opened: "opened",
  clicked: "clicked",
  complained: "complained",
  unsubscribed: "unsubscribed",
  subscribed: "subscribed",
  unknown: "unknown",
} as const;

/**
 * One of the {@link TrackingEventType} values: the discriminant of {@link TrackingEvent}.
 *
 * @example
 * ```ts
 * import type { TrackingEventType } from "mailroom-ses";
 *
 * const interesting: TrackingEventType[] = ["bounced", "complained"];
 * ```
 */
export type TrackingEventType = (typeof TrackingEventType)[keyof typeof TrackingEventType];

/**
 * The normalized types of inbound events. SES receipt rules produce one kind: `inbound`.
 *
 * @example
 * ```ts
 * import { InboundEventType, type InboundEvent } from "mailroom-ses";
 *
 * declare const event: InboundEvent;
 * console.log(event.eventType === InboundEventType.inbound); // true
 * ```
 */
export const InboundEventType = {
  inbound: "inbound",
} as const;

/**
 * One of the {@link InboundEventType} values.
 *
 * @example
 * ```ts
 * import type { InboundEventType } from "mailroom-ses";
 *
 * const type: InboundEventType = "inbound";
 * ```
 */
export type InboundEventType = (typeof InboundEventType)[keyof typeof InboundEventType];

/**
 * Every normalized event type, tracking and inbound together. Prefer {@link TrackingEventType} or
 * {@link InboundEventType} where only one kind of event can arrive.
 *
 * @example
 * ```ts
 * import { EventType } from "mailroom-ses";
 *
 * const label = (type: EventType): string => (type === EventType.inbound ? "received" : "sent mail");
 * ```
 */
export const EventType = { ...TrackingEventType, ...InboundEventType } as const;

/**
 * One of the {@link EventType} values.
 *
 * @example
 * ```ts
 * import type { EventType } from "mailroom-ses";
 *
 * const interesting: EventType[] = ["bounced", "inbound"];
 * ```
 */
export type EventType = TrackingEventType | InboundEventType;

/**
 * Why a message was not delivered, for `bounced`, `complained`, `rejected` (and other ESPs'
 * refusals). Amazon SES produces `bounced`, `spam` and `blocked`.
 *
 * @example
 * ```ts
 * import { RejectReason, type TrackingEvent } from "mailroom-ses";
 *
 * declare const event: TrackingEvent;
 * if (event.rejectReason === RejectReason.spam) console.log(`${event.recipient} complained`);
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
 * import type { RejectReason } from "mailroom-ses";
 *
 * const reason: RejectReason = "bounced";
 * ```
 */
export type RejectReason = (typeof RejectReason)[keyof typeof RejectReason];

/**
 * SES's bounce type. A value SES adds later is reported as `Undetermined` (the event's
 * `description` and `raw` keep SES's own word).
 *
 * @example
 * ```ts
 * import type { SesBounceType } from "mailroom-ses";
 *
 * const hard: SesBounceType = "Permanent";
 * ```
 */
export type SesBounceType = "Permanent" | "Transient" | "Undetermined";

/**
 * SES's bounce subtype, as documented by AWS; open, because SES adds subtypes (any string is
 * accepted, the known ones autocomplete).
 *
 * @example
 * ```ts
 * import type { SesBounceSubType } from "mailroom-ses";
 *
 * const full: SesBounceSubType = "MailboxFull";
 * ```
 */
export type SesBounceSubType =
  | "Undetermined"
  | "General"
  | "NoEmail"
  | "Suppressed"
  | "OnAccountSuppressionList"
  | "MailboxFull"
  | "MessageTooLarge"
  | "CustomTimeoutExceeded"
  | "ContentRejected"
  | "AttachmentRejected"
  | (string & {});

/**
 * Why SES is still retrying a delivery (`deliveryDelay.delayType`); open, because SES adds types.
 *
 * @example
 * ```ts
 * import type { SesDelayType } from "mailroom-ses";
 *
 * const delay: SesDelayType = "MailboxFull";
 * ```
 */
export type SesDelayType =
  | "InternalFailure"
  | "General"
  | "MailboxFull"
  | "SpamDetected"
  | "RecipientServerError"
  | "IPFailure"
  | "TransientCommunicationFailure"
  | "BYOIPHostNameLookupUnavailable"
  | "Undetermined"
  | "SendingDeferral"
  | (string & {});

/**
 * The complaint's feedback type (IANA MARF registry, from the ARF report); open, because
 * mailbox providers may send others.
 *
 * @example
 * ```ts
 * import type { ComplaintFeedbackType } from "mailroom-ses";
 *
 * const feedback: ComplaintFeedbackType = "abuse";
 * ```
 */
export type ComplaintFeedbackType =
  "abuse" | "auth-failure" | "fraud" | "not-spam" | "other" | "virus" | (string & {});

/**
 * What every tracking event carries, whatever its type.
 *
 * @typeParam T - the event's type
 * @example
 * ```ts
 * import type { TrackingEventBase } from "mailroom-ses";
 *
 * const log = (event: TrackingEventBase): string => `${event.eventType} ${event.recipient}`;
 * ```
 */
export interface TrackingEventBase<T extends TrackingEventType = TrackingEventType> {
  /** The normalized type: narrow on it to reach the type's own fields. */
  eventType: T;
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
  recipient: string;
  /** A human-readable explanation (SES: "Permanent: General", the complaint feedback type…). */
  description: string | undefined;
  /**
   * The message's tags, in order (recovered from the sent `X-Tag` headers). Frozen: one copy is
   * shared by every event of a notification.
   */
  tags: readonly string[];
  /** The message's metadata (recovered from the sent `X-Metadata` header); `{}` when none. Frozen, shared. */
  metadata: Readonly<Record<string, JsonValue>>;
  /** SES message tags (`mail.tags`, event publishing only), name → values, including `ses:*` ones. Frozen, shared. */
  sesTags: Readonly<Record<string, readonly string[]>>;
  /** The ESP that reported the event. */
  esp: "Amazon SES";
  /** The ESP's own event, as parsed (SES: the JSON inside the SNS `Message`), shared by its fan-out. */
  raw: SesTrackingMessage;
}

/**
 * Anymail's normalized detail fields. Every tracking event has all of them (so code that logs any
 * event can read them before narrowing); on the types they do not apply to they are `undefined`.
 *
 * @example
 * ```ts
 * import type { TrackingEventDetails } from "mailroom-ses";
 *
 * const none: TrackingEventDetails = {
 *   rejectReason: undefined, mtaResponse: undefined, userAgent: undefined,
 *   clickUrl: undefined, bounceType: undefined, bounceSubType: undefined,
 * };
 * ```
 */
export interface TrackingEventDetails {
  /** Why the message was refused: `bounced`, `spam` (complaints) or `blocked` (rejections). */
  rejectReason: RejectReason | undefined;
  /** The receiving server's SMTP response or diagnostic code (delivered, bounced, deferred). */
  mtaResponse: string | undefined;
  /** The user agent that opened, clicked or complained. */
  userAgent: string | undefined;
  /** The link clicked, for `clicked`. */
  clickUrl: string | undefined;
  /** SES's bounce type, for `bounced`. */
  bounceType: SesBounceType | undefined;
  /** SES's bounce subtype, for `bounced`. */
  bounceSubType: SesBounceSubType | undefined;
}

/** The detail fields that do not apply to a type: present, always `undefined`. */
type NotApplicable<K extends keyof TrackingEventDetails> = {
  [P in keyof Pick<TrackingEventDetails, K>]: undefined;
};

/**
 * SES accepted the message for delivery (SES `Send`). One per recipient of the message.
 *
 * @example
 * ```ts
 * import type { SentEvent } from "mailroom-ses";
 *
 * const onSent = (event: SentEvent): void => console.log(`accepted for ${event.recipient}`);
 * ```
 */
export interface SentEvent
  extends
    TrackingEventBase<"sent">,
    NotApplicable<
      "rejectReason" | "mtaResponse" | "userAgent" | "clickUrl" | "bounceType" | "bounceSubType"
    > {
  /** Always `undefined`: SES says nothing more about a send. */
  description: undefined;
}

/**
 * SES refused to send the message (SES `Reject`: it found a virus). One per recipient.
 *
 * @example
 * ```ts
 * import type { RejectedEvent } from "mailroom-ses";
 *
 * const onRejected = (event: RejectedEvent): void => console.log(event.description); // "Bad content"
 * ```
 */
export interface RejectedEvent
  extends
    TrackingEventBase<"rejected">,
    NotApplicable<"mtaResponse" | "userAgent" | "clickUrl" | "bounceType" | "bounceSubType"> {
  /** Always `blocked`. */
  rejectReason: typeof RejectReason.blocked;
  /** SES's reason (`reject.reason`, e.g. "Bad content"). */
  description: string;
}

/**
 * SES could not render the message's template (SES `Rendering Failure`). One per recipient.
 *
 * @example
 * ```ts
 * import type { FailedEvent } from "mailroom-ses";
 *
 * const onFailed = (event: FailedEvent): void => console.error(event.description);
 * ```
 */
export interface FailedEvent
  extends
    TrackingEventBase<"failed">,
    NotApplicable<
      "rejectReason" | "mtaResponse" | "userAgent" | "clickUrl" | "bounceType" | "bounceSubType"
    > {
  /** SES's error message (`failure.errorMessage`), when it gave one. */
  description: string | undefined;
}

/**
 * The recipient's server refused the message, or SES gave up retrying it (SES `Bounce`).
 * One per bounced recipient.
 *
 * @example
 * ```ts
 * import type { BouncedEvent } from "mailroom-ses";
 *
 * declare const suppressions: { add(address: string): Promise<void> };
 * async function onBounce(event: BouncedEvent) {
 *   if (event.bounceType === "Permanent") await suppressions.add(event.recipient);
 * }
 * ```
 */
export interface BouncedEvent extends TrackingEventBase<"bounced">, NotApplicable<"userAgent" | "clickUrl"> {
  /** Always `bounced`, whatever the bounce type (SES reports a transient bounce once it gave up). */
  rejectReason: typeof RejectReason.bounced;
  /** `"<bounceType>: <bounceSubType>"` in SES's own words, e.g. "Permanent: General". */
  description: string;
  /** The recipient's diagnostic code (`bouncedRecipients[].diagnosticCode`), when SES gave one. */
  mtaResponse: string | undefined;
  /** `Permanent` (stop sending), `Transient` or `Undetermined`. */
  bounceType: SesBounceType;
  /** Why, more precisely: `General`, `NoEmail`, `MailboxFull`, `OnAccountSuppressionList`… */
  bounceSubType: SesBounceSubType;
}

/**
 * SES could not deliver yet and keeps retrying (SES `DeliveryDelay`). One per delayed recipient.
 *
 * @example
 * ```ts
 * import type { DeferredEvent } from "mailroom-ses";
 *
 * const onDeferred = (event: DeferredEvent): void =>
 *   console.log(`${event.recipient}: ${event.delayType} until ${event.expirationTime?.toISOString()}`);
 * ```
 */
export interface DeferredEvent
  extends
    TrackingEventBase<"deferred">,
    NotApplicable<"rejectReason" | "userAgent" | "clickUrl" | "bounceType" | "bounceSubType"> {
  /** The delay type, as in `delayType`. */
  description: SesDelayType | undefined;
  /** The recipient's diagnostic code (`delayedRecipients[].diagnosticCode`), when SES gave one. */
  mtaResponse: string | undefined;
  /** Why SES is retrying (`deliveryDelay.delayType`). */
  delayType: SesDelayType | undefined;
  /** When SES stops retrying and bounces the message; undefined when missing or unparsable. */
  expirationTime: Date | undefined;
}

/**
 * The recipient's server accepted the message (SES `Delivery`). One per delivered recipient.
 *
 * @example
 * ```ts
 * import type { DeliveredEvent } from "mailroom-ses";
 *
 * const onDelivered = (event: DeliveredEvent): void => console.log(event.mtaResponse); // "250 2.6.0 ok"
 * ```
 */
export interface DeliveredEvent
  extends
    TrackingEventBase<"delivered">,
    NotApplicable<"rejectReason" | "userAgent" | "clickUrl" | "bounceType" | "bounceSubType"> {
  /** Always `undefined`. */
  description: undefined;
  /** The receiving server's SMTP response (`delivery.smtpResponse`). */
  mtaResponse: string | undefined;
}

/**
 * The message was opened (SES `Open`). SES does not say which recipient opened it, so every
 * recipient of the message gets one (as in Anymail).
 *
 * @example
 * ```ts
 * import type { OpenedEvent } from "mailroom-ses";
 *
 * const onOpened = (event: OpenedEvent): void => console.log(event.userAgent);
 * ```
 */
export interface OpenedEvent
  extends
    TrackingEventBase<"opened">,
    NotApplicable<"rejectReason" | "mtaResponse" | "clickUrl" | "bounceType" | "bounceSubType"> {
  /** Always `undefined`. */
  description: undefined;
  /** The user agent that loaded the tracking image, when SES reported it. */
  userAgent: string | undefined;
}

/**
 * A link in the message was clicked (SES `Click`). SES does not say which recipient clicked, so
 * every recipient of the message gets one (as in Anymail).
 *
 * @example
 * ```ts
 * import type { ClickedEvent } from "mailroom-ses";
 *
 * const onClicked = (event: ClickedEvent): URL => new URL(event.clickUrl);
 * ```
 */
export interface ClickedEvent
  extends
    TrackingEventBase<"clicked">,
    NotApplicable<"rejectReason" | "mtaResponse" | "bounceType" | "bounceSubType"> {
  /** Always `undefined`. */
  description: undefined;
  /** The user agent that followed the link, when SES reported it. */
  userAgent: string | undefined;
  /** The link that was clicked (`click.link`). */
  clickUrl: string;
}

/**
 * The recipient marked the message as spam, or SES refused to send to an address on the
 * account's suppression list (SES `Complaint`). One per complaining recipient.
 *
 * @example
 * ```ts
 * import type { ComplainedEvent } from "mailroom-ses";
 *
 * declare const suppressions: { add(address: string): Promise<void> };
 * const onComplaint = (event: ComplainedEvent) => suppressions.add(event.recipient);
 * ```
 */
export interface ComplainedEvent
  extends
    TrackingEventBase<"complained">,
    NotApplicable<"mtaResponse" | "clickUrl" | "bounceType" | "bounceSubType"> {
  /** Always `spam`. */
  rejectReason: typeof RejectReason.spam;
  /** The feedback type from the ARF report; undefined when the complaint came without one. */
  description: ComplaintFeedbackType | undefined;
  /** The feedback loop's user agent, from the ARF report. */
  userAgent: string | undefined;
}

/**
 * The recipient unsubscribed from a contact list or one of its topics (SES `Subscription`).
 *
 * @example
 * ```ts
 * import type { UnsubscribedEvent } from "mailroom-ses";
 *
 * const onUnsubscribed = (event: UnsubscribedEvent): void => console.log(event.description);
 * ```
 */
export interface UnsubscribedEvent
  extends
    TrackingEventBase<"unsubscribed">,
    NotApplicable<
      "rejectReason" | "mtaResponse" | "userAgent" | "clickUrl" | "bounceType" | "bounceSubType"
    > {
  /** Which contact list and topics, e.g. "Opted out of topic 'Newsletter' of contact list 'Customers'". */
  description: string;
}

/**
 * The recipient subscribed (again) to a contact list or one of its topics (SES `Subscription`).
 *
 * @example
 * ```ts
 * import type { SubscribedEvent } from "mailroom-ses";
 *
 * const onSubscribed = (event: SubscribedEvent): void => console.log(event.description);
 * ```
 */
export interface SubscribedEvent
  extends
    TrackingEventBase<"subscribed">,
    NotApplicable<
      "rejectReason" | "mtaResponse" | "userAgent" | "clickUrl" | "bounceType" | "bounceSubType"
    > {
  /** Which contact list and topics, e.g. "Opted in to topic 'Newsletter' of contact list 'Customers'". */
  description: string;
}

/**
 * An SES event type newer than this library (or a notification without a type). It is
 * acknowledged, not refused, so SNS does not retry it; `raw` and `sesEventType` hold what SES sent.
 *
 * @example
 * ```ts
 * import type { UnknownTrackingEvent } from "mailroom-ses";
 *
 * const onUnknown = (event: UnknownTrackingEvent): void => console.warn(event.sesEventType, event.raw);
 * ```
 */
export interface UnknownTrackingEvent
  extends
    TrackingEventBase<"unknown">,
    NotApplicable<
      "rejectReason" | "mtaResponse" | "userAgent" | "clickUrl" | "bounceType" | "bounceSubType"
    > {
  /** "Unknown SES eventType '<type>'". */
  description: string;
}

/**
 * One normalized tracking event, about one recipient of one sent message: a union discriminated
 * by `eventType`, so narrowing on it gives the type's own fields (`bounceType` on `bounced`,
 * `clickUrl` on `clicked`…). SES reports some events for several recipients at once (a bounce of
 * two addresses, an open of a message sent to three); Mailroom turns each into one event per
 * recipient, so `recipient` is always set.
 *
 * @example
 * ```ts
 * import { amazonSesTrackingWebhook, type TrackingEvent } from "mailroom-ses";
 *
 * declare const suppressions: { add(address: string): Promise<void> };
 * const tracking = amazonSesTrackingWebhook({
 *   secret: process.env.MAILROOM_WEBHOOK_SECRET,
 *   async onEvent(event: TrackingEvent) {
 *     if (event.eventType === "bounced" && event.bounceType === "Permanent") await suppressions.add(event.recipient);
 *     if (event.eventType === "clicked") console.log(new URL(event.clickUrl).hostname);
 *   },
 * });
 * ```
 */
export type TrackingEvent =
  | SentEvent
  | RejectedEvent
  | FailedEvent
  | BouncedEvent
  | DeferredEvent
  | DeliveredEvent
  | OpenedEvent
  | ClickedEvent
  | ComplainedEvent
  | UnsubscribedEvent
  | SubscribedEvent
  | UnknownTrackingEvent;

/**
 * The member of {@link TrackingEvent} for one event type.
 *
 * @typeParam T - the event type
 * @example
 * ```ts
 * import type { TrackingEventOf } from "mailroom-ses";
 *
 * const url = (event: TrackingEventOf<"clicked">): string => event.clickUrl;
 * ```
 */
export type TrackingEventOf<T extends TrackingEventType> = Extract<TrackingEvent, { eventType: T }>;

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
  eventType: typeof InboundEventType.inbound;
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
