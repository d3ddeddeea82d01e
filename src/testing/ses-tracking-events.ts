/**
 * Builders of SES sending events (the JSON SES puts in an SNS `Message`), one per SES type, with
 * realistic defaults and overrides: what a test posts to a tracking webhook instead of a
 * hand-written payload.
 *
 * @module
 */
import type {
  SesBounce,
  SesBouncedRecipient,
  SesClick,
  SesComplaint,
  SesDelayedRecipient,
  SesDelivery,
  SesDeliveryDelay,
  SesMail,
  SesOpen,
  SesReject,
  SesRenderingFailure,
  SesSend,
  SesSubscription,
  SesTopicPreferences,
} from "../ses/webhooks/tracking-types";
import {
  buildSesMail,
  eventTimes,
  feedbackId,
  type SesEventFormat,
  type SesEventMailOptions,
} from "./ses-event-mail";

/**
 * An SES event the builders made: the type field of its format, `mail`, and the type's object.
 *
 * @example
 * ```ts
 * const event: SesEventOf<"bounce", SesBounce> = sesEvents.bounce();
 * event.bounce.bouncedRecipients; // never undefined
 * ```
 */
export type SesEventOf<Key extends string, Detail> = {
  /** Event publishing: the SES type (`Bounce`, `Rendering Failure`...). */
  eventType?: string;
  /** Identity notifications: the SES type (`Bounce`, `Complaint`, `Delivery`). */
  notificationType?: string;
  /** The message the event is about. */
  mail: SesMail;
} & { [K in Key]: Detail };

/**
 * Options of the three types SES also sends as identity notifications.
 *
 * @example
 * ```ts
 * sesEvents.delivery({ format: "notification" }); // { notificationType: "Delivery", ... }
 * ```
 */
export interface SesNotificationCapableOptions extends SesEventMailOptions {
  /** `event` (configuration-set event publishing, the default) or `notification` (identity notifications). */
  format?: SesEventFormat | undefined;
}

/** A recipient as the builders take it: an address, or SES's own recipient object. */
type RecipientInput<T> = string | (T & { emailAddress: string });

/**
 * Options of {@link sesEvents}`.bounce`.
 *
 * @example
 * ```ts
 * sesEvents.bounce({ recipients: ["alice@example.com"], bounceType: "Transient", bounceSubType: "MailboxFull" });
 * ```
 */
export interface SesBounceOptions extends SesNotificationCapableOptions {
  /** Who bounced; default every destination (the event's single sample recipient). */
  recipients?: readonly RecipientInput<SesBouncedRecipient>[] | undefined;
  /** Default `Permanent`. */
  bounceType?: "Permanent" | "Transient" | "Undetermined" | (string & {}) | undefined;
  /** Default `General` (`Undetermined` for an undetermined bounce). */
  bounceSubType?: string | undefined;
  /** Each recipient's diagnostic code, unless it brings its own; default one matching the type. */
  diagnosticCode?: string | undefined;
  /** Fields replacing the built `bounce` fields, last. */
  bounce?: SesBounce | undefined;
}

/**
 * Options of {@link sesEvents}`.complaint`.
 *
 * @example
 * ```ts
 * sesEvents.complaint({ recipients: ["alice@example.com"], complaintFeedbackType: "abuse" });
 * ```
 */
export interface SesComplaintOptions extends SesNotificationCapableOptions {
  /** Who complained; default every destination. */
  recipients?: readonly RecipientInput<object>[] | undefined;
  /** The ARF feedback type; default `abuse`. `null` leaves out the ARF fields (no report came). */
  complaintFeedbackType?: string | null | undefined;
  /** Fields replacing the built `complaint` fields, last. */
  complaint?: SesComplaint | undefined;
}

/**
 * Options of {@link sesEvents}`.delivery`.
 *
 * @example
 * ```ts
 * sesEvents.delivery({ recipients: ["alice@example.com"], smtpResponse: "250 OK" });
 * ```
 */
export interface SesDeliveryOptions extends SesNotificationCapableOptions {
  /** Who it was delivered to; default every destination. */
  recipients?: readonly string[] | undefined;
  /** The receiving server's answer; default `250 2.6.0 Message received`. */
  smtpResponse?: string | undefined;
  /** Fields replacing the built `delivery` fields, last. */
  delivery?: SesDelivery | undefined;
}

/**
 * Options of {@link sesEvents}`.send`.
 *
 * @example
 * ```ts
 * sesEvents.send({ destination: ["alice@example.com", "bob@example.com"] });
 * ```
 */
export interface SesSendOptions extends SesEventMailOptions {
  /** The `send` object (empty today). */
  send?: SesSend | undefined;
}

/**
 * Options of {@link sesEvents}`.reject`.
 *
 * @example
 * ```ts
 * sesEvents.reject({ reason: "Bad content" });
 * ```
 */
export interface SesRejectOptions extends SesEventMailOptions {
  /** Why SES refused to send; default `Bad content` (SES found a virus). */
  reason?: string | undefined;
}

/**
 * Options of {@link sesEvents}`.open`.
 *
 * @example
 * ```ts
 * sesEvents.open({ userAgent: "Mozilla/5.0" });
 * ```
 */
export interface SesOpenOptions extends SesEventMailOptions {
  /** The opener's user agent. */
  userAgent?: string | undefined;
  /** Fields replacing the built `open` fields, last. */
  open?: SesOpen | undefined;
}

/**
 * Options of {@link sesEvents}`.click`.
 *
 * @example
 * ```ts
 * sesEvents.click({ link: "https://example.com/orders/42", linkTags: { campaign: ["spring"] } });
 * ```
 */
export interface SesClickOptions extends SesEventMailOptions {
  /** The link clicked; default `https://example.com/`. */
  link?: string | undefined;
  /** The link's tags. */
  linkTags?: Record<string, string[]> | undefined;
  /** The clicker's user agent. */
  userAgent?: string | undefined;
  /** Fields replacing the built `click` fields, last. */
  click?: SesClick | undefined;
}

/**
 * Options of {@link sesEvents}`.renderingFailure`.
 *
 * @example
 * ```ts
 * sesEvents.renderingFailure({ templateName: "welcome" });
 * ```
 */
export interface SesRenderingFailureOptions extends SesEventMailOptions {
  /** Default `MyTemplate`. */
  templateName?: string | undefined;
  /** Default: a missing attribute. */
  errorMessage?: string | undefined;
}

/**
 * Options of {@link sesEvents}`.deliveryDelay`.
 *
 * @example
 * ```ts
 * sesEvents.deliveryDelay({ recipients: ["alice@example.com"], delayType: "MailboxFull" });
 * ```
 */
export interface SesDeliveryDelayOptions extends SesEventMailOptions {
  /** Who is delayed; default every destination. */
  recipients?: readonly RecipientInput<SesDelayedRecipient>[] | undefined;
  /** Default `TransientCommunicationFailure`. */
  delayType?: string | undefined;
  /** Fields replacing the built `deliveryDelay` fields, last. */
  deliveryDelay?: SesDeliveryDelay | undefined;
}

/**
 * Options of {@link sesEvents}`.subscription`.
 *
 * @example
 * ```ts
 * sesEvents.subscription({ unsubscribeAll: true });
 * sesEvents.subscription({ topics: { Newsletter: "OptOut" } });
 * ```
 */
export interface SesSubscriptionOptions extends SesEventMailOptions {
  /** The contact list; default `Customers`. */
  contactList?: string | undefined;
  /** The recipient left every topic (the default when `topics` is not given). */
  unsubscribeAll?: boolean | undefined;
  /** The new status per topic (the old one is the opposite). */
  topics?: Record<string, "OptIn" | "OptOut"> | undefined;
  /** Fields replacing the built `subscription` fields, last. */
  subscription?: SesSubscription | undefined;
}

function typeField(format: SesEventFormat | undefined, type: string) {
  return format === "notification" ? { notificationType: type } : { eventType: type };
}

function addressOf(recipient: RecipientInput<object>): string {
  return typeof recipient === "string" ? recipient : recipient.emailAddress;
}

/** The recipients an event is about and its `mail`. */
function mailAndRecipients(
  options: SesEventMailOptions,
  given: readonly RecipientInput<object>[] | undefined,
  format: SesEventFormat,
): { mail: SesMail; recipients: string[] } {
  const addresses = given?.map(addressOf) ?? [];
  const mail = buildSesMail(options, addresses, format);
  return { mail, recipients: given === undefined ? [...(mail.destination ?? [])] : addresses };
}

interface BounceDefaults {
  subType: string;
  status: string;
  diagnosticCode: string;
}

const UNDETERMINED: BounceDefaults = {
  subType: "Undetermined",
  status: "5.0.0",
  diagnosticCode: "smtp; 550 5.0.0 Undetermined",
};

const BOUNCE_DEFAULTS: Record<string, BounceDefaults> = {
  Permanent: { subType: "General", status: "5.1.1", diagnosticCode: "smtp; 550 5.1.1 user unknown" },
  Transient: { subType: "General", status: "4.4.7", diagnosticCode: "smtp; 421 4.4.7 Message expired" },
  Undetermined: UNDETERMINED,
};

function bounce(options: SesBounceOptions = {}): SesEventOf<"bounce", SesBounce> {
  const format = options.format ?? "event";
  const { mail } = mailAndRecipients(options, options.recipients, format);
  const bounceType = options.bounceType ?? "Permanent";
  const defaults = BOUNCE_DEFAULTS[bounceType] ?? UNDETERMINED;
  const given = options.recipients ?? mail.destination ?? [];
  const { at } = eventTimes(options.timestamp);
  return {
    ...typeField(format, "Bounce"),
    bounce: {
      bounceType,
      bounceSubType: options.bounceSubType ?? defaults.subType,
      bouncedRecipients: given.map((recipient) => ({
        emailAddress: addressOf(recipient),
        action: "failed",
        status: defaults.status,
        diagnosticCode: options.diagnosticCode ?? defaults.diagnosticCode,
        ...(typeof recipient === "string" ? {} : recipient),
      })),
      timestamp: at,
      feedbackId: feedbackId(),
      reportingMTA: "dsn; a8-70.smtp-out.amazonses.com",
      ...options.bounce,
    },
    mail,
  };
}

function complaint(options: SesComplaintOptions = {}): SesEventOf<"complaint", SesComplaint> {
  const format = options.format ?? "event";
  const { mail, recipients } = mailAndRecipients(options, options.recipients, format);
  const { at, sentAt } = eventTimes(options.timestamp);
  const feedbackType = options.complaintFeedbackType === undefined ? "abuse" : options.complaintFeedbackType;
  return {
    ...typeField(format, "Complaint"),
    complaint: {
      complainedRecipients: recipients.map((emailAddress) => ({ emailAddress })),
      timestamp: at,
      feedbackId: feedbackId(),
      // The user agent, feedback type and arrival date come only with an ARF report.
      ...(feedbackType === null
        ? {}
        : {
            userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36",
            complaintFeedbackType: feedbackType,
            arrivalDate: sentAt,
          }),
      ...options.complaint,
    },
    mail,
  };
}

function delivery(options: SesDeliveryOptions = {}): SesEventOf<"delivery", SesDelivery> {
  const format = options.format ?? "event";
  const { mail, recipients } = mailAndRecipients(options, options.recipients, format);
  const { at } = eventTimes(options.timestamp);
  return {
    ...typeField(format, "Delivery"),
    delivery: {
      timestamp: at,
      processingTimeMillis: 1_203,
      recipients,
      smtpResponse: options.smtpResponse ?? "250 2.6.0 Message received",
      reportingMTA: "a8-70.smtp-out.amazonses.com",
      ...options.delivery,
    },
    mail,
  };
}

function send(options: SesSendOptions = {}): SesEventOf<"send", SesSend> {
  return { eventType: "Send", mail: buildSesMail(options, [], "event"), send: { ...options.send } };
}

function reject(options: SesRejectOptions = {}): SesEventOf<"reject", SesReject> {
  return {
    eventType: "Reject",
    mail: buildSesMail(options, [], "event"),
    reject: { reason: options.reason ?? "Bad content" },
  };
}

const USER_AGENT =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148";

function open(options: SesOpenOptions = {}): SesEventOf<"open", SesOpen> {
  const { at } = eventTimes(options.timestamp);
  return {
    eventType: "Open",
    mail: buildSesMail(options, [], "event"),
    open: {
      ipAddress: "192.0.2.1",
      timestamp: at,
      userAgent: options.userAgent ?? USER_AGENT,
      ...options.open,
    },
  };
}

function click(options: SesClickOptions = {}): SesEventOf<"click", SesClick> {
  const { at } = eventTimes(options.timestamp);
  return {
    eventType: "Click",
    mail: buildSesMail(options, [], "event"),
    click: {
      ipAddress: "192.0.2.1",
      link: options.link ?? "https://example.com/",
      linkTags: options.linkTags ?? {},
      timestamp: at,
      userAgent: options.userAgent ?? USER_AGENT,
      ...options.click,
    },
  };
}

function renderingFailure(
  options: SesRenderingFailureOptions = {},
): SesEventOf<"failure", SesRenderingFailure> {
  return {
    eventType: "Rendering Failure",
    mail: buildSesMail(options, [], "event"),
    failure: {
      errorMessage: options.errorMessage ?? "Attribute 'attributeName' is not present in the rendering data.",
      templateName: options.templateName ?? "MyTemplate",
    },
  };
}

function deliveryDelay(options: SesDeliveryDelayOptions = {}): SesEventOf<"deliveryDelay", SesDeliveryDelay> {
  const { mail } = mailAndRecipients(options, options.recipients, "event");
  const given = options.recipients ?? mail.destination ?? [];
  const { at } = eventTimes(options.timestamp);
  return {
    eventType: "DeliveryDelay",
    mail,
    deliveryDelay: {
      timestamp: at,
      delayType: options.delayType ?? "TransientCommunicationFailure",
      // SES keeps trying for a while; the expiration is when it will give up (and bounce).
      expirationTime: new Date(Date.parse(at) + 10 * 60_000).toISOString(),
      delayedRecipients: given.map((recipient) => ({
        emailAddress: addressOf(recipient),
        status: "4.4.1",
        diagnosticCode: "smtp; 421 4.4.1 Unable to connect to remote host",
        ...(typeof recipient === "string" ? {} : recipient),
      })),
      reportingMTA: "a8-70.smtp-out.amazonses.com",
      ...options.deliveryDelay,
    },
  };
}

function preferences(options: SesSubscriptionOptions, after: boolean): SesTopicPreferences {
  const topics = Object.entries(options.topics ?? {});
  const flip = (status: "OptIn" | "OptOut") => (status === "OptIn" ? "OptOut" : "OptIn");
  return {
    unsubscribeAll: after ? (options.unsubscribeAll ?? topics.length === 0) : false,
    topicSubscriptionStatus: topics.map(([topicName, status]) => ({
      topicName,
      subscriptionStatus: after ? status : flip(status),
    })),
  };
}

function subscription(options: SesSubscriptionOptions = {}): SesEventOf<"subscription", SesSubscription> {
  const { at } = eventTimes(options.timestamp);
  return {
    eventType: "Subscription",
    mail: buildSesMail(options, [], "event"),
    subscription: {
      contactList: options.contactList ?? "Customers",
      timestamp: at,
      source: "UnsubscribeHeader",
      newTopicPreferences: preferences(options, true),
      oldTopicPreferences: preferences(options, false),
      ...options.subscription,
    },
  };
}

/**
 * The tracking event builders, one per SES sending event type.
 *
 * @example
 * ```ts
 * sesTrackingEvents.bounce({ recipients: ["alice@example.com"], bounceType: "Permanent" });
 * ```
 */
export const sesTrackingEvents = {
  /** A `Bounce`: SES gave up delivering to `recipients`. */
  bounce,
  /** A `Complaint`: a recipient marked the message as spam. */
  complaint,
  /** A `Delivery`: the receiving server accepted the message. */
  delivery,
  /** A `Send`: SES accepted the send call. */
  send,
  /** A `Reject`: SES refused to send (a virus). */
  reject,
  /** An `Open` (no recipient named: every destination gets an event). */
  open,
  /** A `Click` (no recipient named: every destination gets an event). */
  click,
  /** A `Rendering Failure`: a template could not be rendered. */
  renderingFailure,
  /** A `DeliveryDelay`: SES keeps trying. */
  deliveryDelay,
  /** A `Subscription`: a recipient changed their list-management preferences. */
  subscription,
} as const;
