/**
 * The PURE converter from one SES sending event (the JSON inside an SNS `Message`) to normalized
 * {@link TrackingEvent}s. One small function per SES type, looked up in a table; Anymail 15.1's
 * mapping plus `DeliveryDelay`, `Subscription` and unknown types (DESIGN.md §3).
 *
 * @module
 */
import { ConfigurationError, WebhookValidationError } from "../../errors";
import { EventType, RejectReason, type SesBounceType, type TrackingEvent } from "../../events";
import { parseIsoTimestamp } from "./iso-timestamp";
import {
  addressEntries,
  isRecord,
  optionalRecord,
  optionalString,
  requireArray,
  requireRecord,
  requireString,
  requireStrings,
  type JsonRecord,
} from "./tracking-guards";
import { readMailAnnotations } from "./tracking-mail";
import { describeSubscription } from "./tracking-subscription";
import type { SesTrackingMessage } from "./tracking-types";

/**
 * What the converter needs from the SNS envelope around the SES event.
 *
 * @example
 * ```ts
 * const envelope: SnsEnvelopeInfo = { messageId: body.MessageId, timestamp: body.Timestamp, topicArn: body.TopicArn };
 * ```
 */
export interface SnsEnvelopeInfo {
  /** The SNS `MessageId`: becomes every event's `eventId`. */
  messageId?: string | undefined;
  /** The SNS `Timestamp` (ISO 8601): becomes every event's `timestamp`. */
  timestamp?: string | undefined;
  /** The SNS `TopicArn`: named in configuration errors. */
  topicArn?: string | undefined;
}

/** The fields the converter fills from the notification, the same for every event of it. */
type SharedKey =
  "sesEventType" | "timestamp" | "eventId" | "messageId" | "tags" | "metadata" | "sesTags" | "esp" | "raw";

/** `Omit` applied to each member of a union, so the result is still discriminated. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The type-specific part of one event; the converter adds the fields every event shares. */
type Details = DistributiveOmit<TrackingEvent, SharedKey>;

/**
 * Every detail field, unset: each handler spreads it and sets what its type has. The handlers
 * that build one object per recipient write the unset fields out instead: V8 builds
 * `{ ...spread, more }` on a slow path, microseconds an object.
 */
const NO_DETAILS = {
  description: undefined,
  rejectReason: undefined,
  mtaResponse: undefined,
  userAgent: undefined,
  clickUrl: undefined,
  bounceType: undefined,
  bounceSubType: undefined,
} as const;

/**
 * Turns one SES event into one {@link Details} per recipient.
 * `destination` is `mail.destination` (every To/Cc/Bcc): the recipients of events that do not
 * say which recipient they are about (Send, Open, Click…).
 */
type Handler = (event: JsonRecord, sesType: string, destination: readonly string[]) => Details[];

function forEach<D extends DistributiveOmit<Details, "recipient">>(
  destination: readonly string[],
  details: D,
): (D & { recipient: string })[] {
  // Object.assign, not `{ ...details, recipient }`: V8 builds a spread followed by more properties
  // on a slow path (microseconds an object), and a Send may name thousands of recipients.
  return destination.map((recipient) => Object.assign({}, details, { recipient }));
}

const BOUNCE_TYPES: ReadonlySet<string> = new Set<SesBounceType>(["Permanent", "Transient", "Undetermined"]);

const bounced: Handler = (event, t) => {
  const bounce = requireRecord(event.bounce, t, "bounce");
  const sesBounceType = requireString(bounce.bounceType, t, "bounce.bounceType");
  const bounceSubType = requireString(bounce.bounceSubType, t, "bounce.bounceSubType");
  // A bounce type newer than this library is not known to be permanent: report it as
  // Undetermined (SES's own word stays in `description` and `raw`) rather than refuse the event.
  const bounceType = BOUNCE_TYPES.has(sesBounceType) ? (sesBounceType as SesBounceType) : "Undetermined";
  const path = "bounce.bouncedRecipients";
  // Only the recipients that bounced, not all of mail.destination. Every bounce type, Transient
  // included, is reported as rejectReason "bounced" (Anymail): SES sends Transient bounces only
  // after it gave up retrying.
  return addressEntries(requireArray(bounce.bouncedRecipients, t, path), t, path).map((r, i) => ({
    eventType: EventType.bounced,
    recipient: r.address,
    rejectReason: RejectReason.bounced,
    description: `${sesBounceType}: ${bounceSubType}`,
    mtaResponse: optionalString(r.entry.diagnosticCode, t, `${path}[${i}].diagnosticCode`),
    bounceType,
    bounceSubType,
    userAgent: undefined,
    clickUrl: undefined,
  }));
};

const complained: Handler = (event, t) => {
  const complaint = requireRecord(event.complaint, t, "complaint");
  const path = "complaint.complainedRecipients";
  // The feedback type and user agent come only with an ARF report; a complaint SES made up
  // itself (complaintSubType OnAccountSuppressionList) has neither.
  const description = optionalString(complaint.complaintFeedbackType, t, "complaint.complaintFeedbackType");
  const userAgent = optionalString(complaint.userAgent, t, "complaint.userAgent");
  return addressEntries(requireArray(complaint.complainedRecipients, t, path), t, path).map((r) => ({
    eventType: EventType.complained,
    recipient: r.address,
    rejectReason: RejectReason.spam,
    description,
    userAgent,
    mtaResponse: undefined,
    clickUrl: undefined,
    bounceType: undefined,
    bounceSubType: undefined,
  }));
};

const delivered: Handler = (event, t) => {
  const delivery = requireRecord(event.delivery, t, "delivery");
  const mtaResponse = optionalString(delivery.smtpResponse, t, "delivery.smtpResponse");
  // Unlike bounce and complaint recipients, delivery recipients are plain strings.
  return requireStrings(delivery.recipients, t, "delivery.recipients").map((recipient) => ({
    eventType: EventType.delivered,
    recipient,
    mtaResponse,
    description: undefined,
    rejectReason: undefined,
    userAgent: undefined,
    clickUrl: undefined,
    bounceType: undefined,
    bounceSubType: undefined,
  }));
};

const sent: Handler = (_event, _t, destination) =>
  forEach(destination, { ...NO_DETAILS, eventType: EventType.sent });

const rejected: Handler = (event, t, destination) => {
  const reject = requireRecord(event.reject, t, "reject");
  return forEach(destination, {
    ...NO_DETAILS,
    eventType: EventType.rejected,
    rejectReason: RejectReason.blocked,
    description: requireString(reject.reason, t, "reject.reason"),
  });
};

// Open and click events never say which recipient acted, so every recipient gets one (Anymail).
const opened: Handler = (event, t, destination) => {
  const open = optionalRecord(event.open, t, "open");
  return forEach(destination, {
    ...NO_DETAILS,
    eventType: EventType.opened,
    userAgent: optionalString(open.userAgent, t, "open.userAgent"),
  });
};

const clicked: Handler = (event, t, destination) => {
  // A click without its link tells the application nothing it can act on: malformed.
  const click = requireRecord(event.click, t, "click");
  return forEach(destination, {
    ...NO_DETAILS,
    eventType: EventType.clicked,
    userAgent: optionalString(click.userAgent, t, "click.userAgent"),
    clickUrl: requireString(click.link, t, "click.link"),
  });
};

const failed: Handler = (event, t, destination) => {
  // The type is "Rendering Failure" (with a space), but its object is `failure`.
  const failure = requireRecord(event.failure, t, "failure");
  return forEach(destination, {
    ...NO_DETAILS,
    eventType: EventType.failed,
    description: optionalString(failure.errorMessage, t, "failure.errorMessage"),
  });
};

const deferred: Handler = (event, t) => {
  const delay = requireRecord(event.deliveryDelay, t, "deliveryDelay");
  const delayType = optionalString(delay.delayType, t, "deliveryDelay.delayType");
  const expires = optionalString(delay.expirationTime, t, "deliveryDelay.expirationTime");
  const path = "deliveryDelay.delayedRecipients";
  return addressEntries(requireArray(delay.delayedRecipients, t, path), t, path).map((r, i) => ({
    eventType: EventType.deferred,
    recipient: r.address,
    description: delayType,
    mtaResponse: optionalString(r.entry.diagnosticCode, t, `${path}[${i}].diagnosticCode`),
    delayType,
    // A Date per event, like `timestamp`: a handler that mutates one must not change its siblings'.
    expirationTime: parseIsoTimestamp(expires),
    rejectReason: undefined,
    userAgent: undefined,
    clickUrl: undefined,
    bounceType: undefined,
    bounceSubType: undefined,
  }));
};

const subscriptionChanged: Handler = (event, t, destination) =>
  forEach(destination, {
    ...NO_DETAILS,
    ...describeSubscription(requireRecord(event.subscription, t, "subscription"), t),
  });

const unknown: Handler = (_event, t, destination) =>
  // Acknowledge types newer than this library instead of failing: SNS would retry a failure
  // for an hour and then drop the event anyway.
  forEach(destination, {
    ...NO_DETAILS,
    eventType: EventType.unknown,
    description: `Unknown SES eventType '${t}'`,
  });

const HANDLERS: ReadonlyMap<string, Handler> = new Map([
  ["Bounce", bounced],
  ["Complaint", complained],
  ["Delivery", delivered],
  ["Send", sent],
  ["Reject", rejected],
  ["Open", opened],
  ["Click", clicked],
  ["Rendering Failure", failed],
  ["DeliveryDelay", deferred],
  ["Subscription", subscriptionChanged],
]);

const TYPE_MISSING = "<<type missing>>";

/**
 * Convert one SES sending event or identity notification — the JSON object inside an SNS
 * `Message` — into normalized tracking events, one per recipient (none when SES names no
 * recipient). Pure: no I/O, no signature checks (the webhook does those first).
 *
 * `eventId` and `timestamp` come from the SNS envelope (as in Anymail), `messageId` from
 * `mail.messageId`, tags and metadata from the original `X-Tag`/`X-Metadata` headers when SES
 * includes them. Every event keeps the SES object as `raw`.
 *
 * @param sesEvent - the parsed SNS `Message`
 * @param envelope - fields of the SNS envelope around it
 * @throws ConfigurationError for a `Received` notification: an inbound receipt rule's topic is
 *   wired to the tracking webhook
 * @throws WebhookValidationError when `sesEvent` is not an object, or an object the mapping needs
 *   is missing or malformed (a bounce without `bouncedRecipients`…)
 * @example
 * ```ts
 * const body = JSON.parse(await request.text());
 * const events = sesEventToTrackingEvents(JSON.parse(body.Message), {
 *   messageId: body.MessageId,
 *   timestamp: body.Timestamp,
 *   topicArn: body.TopicArn,
 * });
 * // [{ eventType: "bounced", recipient: "jane@example.com", description: "Permanent: General", … }]
 * ```
 */
export function sesEventToTrackingEvents(sesEvent: unknown, envelope: SnsEnvelopeInfo): TrackingEvent[] {
  return Array.from(trackingEventsOf(sesEvent, envelope));
}

/**
 * The events of one SES notification, built one at a time as they are iterated. Everything is
 * validated when it is created (a malformed notification throws before any event exists); only
 * the events themselves are deferred.
 *
 * @example
 * ```ts
 * const fanOut: TrackingEventFanOut = trackingEventsOf(sesEvent, { messageId, timestamp });
 * for (const event of fanOut) await onEvent(event);
 * ```
 */
export interface TrackingEventFanOut extends Iterable<TrackingEvent> {
  /** How many events iterating yields (one per recipient). */
  readonly size: number;
  /** Why `X-Tag` / `X-Metadata` values were left out (over a bound, or not a JSON object). */
  readonly dropped: readonly string[];
}

const NO_EVENTS: TrackingEventFanOut = Object.freeze({
  size: 0,
  dropped: [],
  [Symbol.iterator]: () => [][Symbol.iterator](),
});

/**
 * Like {@link sesEventToTrackingEvents}, but lazy: a `Send` to 12,000 recipients yields its
 * events one at a time instead of holding 12,000 of them. The tags, metadata and SES tags are
 * read once and shared, frozen, by every event of the notification (so a handler cannot change
 * what its siblings see, and no event pays for a copy); `raw` is shared as well.
 *
 * @throws the same errors as {@link sesEventToTrackingEvents}, when called (not while iterating)
 * @example
 * ```ts
 * const fanOut = trackingEventsOf(JSON.parse(body.Message), { messageId: body.MessageId, timestamp: body.Timestamp });
 * for (const reason of fanOut.dropped) logger.warn(reason);
 * for (const event of fanOut) await onEvent(event);
 * ```
 */
export function trackingEventsOf(sesEvent: unknown, envelope: SnsEnvelopeInfo): TrackingEventFanOut {
  if (!isRecord(sesEvent)) {
    throw new WebhookValidationError("The SES event (the SNS Message) is not a JSON object");
  }
  // Event publishing writes `eventType`, identity notifications `notificationType`.
  const typeField = "eventType" in sesEvent ? sesEvent.eventType : sesEvent.notificationType;
  const sesType = typeof typeField === "string" ? typeField : TYPE_MISSING;
  if (sesType === "Received") {
    throw new ConfigurationError(
      "You seem to have set an Amazon SES *inbound* receipt rule to publish to an SNS Topic that posts " +
        "to Mailroom's *tracking* webhook URL. Point that topic's subscription at the inbound webhook " +
        `instead. (SNS TopicArn ${envelope.topicArn ?? "unknown"})`,
    );
  }
  const mail = optionalRecord(sesEvent.mail, sesType, "mail");
  const destination =
    mail.destination === undefined || mail.destination === null
      ? []
      : requireStrings(mail.destination, sesType, "mail.destination");
  const handler = HANDLERS.get(sesType) ?? unknown;
  const details = handler(sesEvent, sesType, destination);
  if (details.length === 0) {
    return NO_EVENTS;
  }

  const { tags, metadata, sesTags, dropped } = readMailAnnotations(mail);
  const shared: SharedFields = {
    sesEventType: sesType === TYPE_MISSING ? "" : sesType,
    timestamp: parseIsoTimestamp(envelope.timestamp),
    eventId: envelope.messageId,
    messageId: optionalString(mail.messageId, sesType, "mail.messageId"),
    tags,
    metadata,
    sesTags,
    raw: sesEvent as SesTrackingMessage,
  };
  return new LazyFanOut(details, dropped, shared);
}

/**
 * What every event of one notification shares: the tags, metadata, SES tags and `raw` are one
 * copy, frozen by readMailAnnotations; `timestamp` is copied into a new Date per event.
 */
interface SharedFields {
  readonly sesEventType: string;
  readonly timestamp: Date | undefined;
  readonly eventId: string | undefined;
  readonly messageId: string | undefined;
  readonly tags: TrackingEvent["tags"];
  readonly metadata: TrackingEvent["metadata"];
  readonly sesTags: TrackingEvent["sesTags"];
  readonly raw: SesTrackingMessage;
}

/** The events of one notification, each built when the iteration reaches it. */
class LazyFanOut implements TrackingEventFanOut {
  /** How many events iterating yields. */
  readonly size: number;

  constructor(
    private readonly details: readonly Details[],
    /** Why header values were left out. */
    readonly dropped: readonly string[],
    private readonly shared: SharedFields,
  ) {
    this.size = details.length;
  }

  // A plain iterator class rather than a generator or closures: creating a generator per
  // notification costs more than building the event itself, and so do a few closures when a
  // transpiler names each one with a property definition.
  [Symbol.iterator](): Iterator<TrackingEvent> {
    return new FanOutIterator(this.details, this.shared);
  }
}

/** One pass over a {@link LazyFanOut}. */
class FanOutIterator implements Iterator<TrackingEvent> {
  private index = 0;

  constructor(
    private readonly details: readonly Details[],
    private readonly shared: SharedFields,
  ) {}

  next(): IteratorResult<TrackingEvent> {
    const d = this.details[this.index];
    if (d === undefined) {
      return { value: undefined, done: true };
    }
    this.index += 1;
    const shared = this.shared;
    // The shared fields first and the spread last: V8 builds `{ ...d, more }` on a slow path
    // (microseconds an event), `{ fields, ...d }` on its fast one.
    const event: TrackingEvent = {
      sesEventType: shared.sesEventType,
      // A Date per event (Dates are mutable and cannot be frozen).
      timestamp: shared.timestamp && new Date(shared.timestamp),
      eventId: shared.eventId,
      messageId: shared.messageId,
      tags: shared.tags,
      metadata: shared.metadata,
      sesTags: shared.sesTags,
      esp: "Amazon SES",
      raw: shared.raw,
      ...d,
    };
    return { value: event, done: false };
  }
}
