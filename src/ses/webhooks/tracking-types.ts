/**
 * The JSON Amazon SES puts in an SNS notification's `Message` for sending events, as AWS documents
 * it. Two producers write it: identity feedback notifications (`notificationType`: Bounce,
 * Complaint, Delivery; never `mail.tags`) and configuration-set event publishing (`eventType`: all
 * ten types, with tags). Every field is optional because AWS omits many of them (headers only with
 * "include original headers", ARF fields only when the complaint came with a report) and reserves
 * the right to add more, so the converter validates what it reads instead of trusting these types.
 *
 * @module
 */

/**
 * One original header of the sent message (`mail.headers[]`).
 *
 * @example
 * ```ts
 * const header: SesHeader = { name: "X-Tag", value: "welcome" };
 * ```
 */
export interface SesHeader {
  /** The header name, as sent. */
  name?: string;
  /** The header value, as sent (folded lines and encoded-words kept). */
  value?: string;
}

/**
 * The decoded common headers SES adds next to `mail.headers`.
 *
 * @example
 * ```ts
 * const common: SesCommonHeaders = { from: ["shop@example.com"], subject: "Your order" };
 * ```
 */
export interface SesCommonHeaders {
  /** The `From` addresses. */
  from?: string[];
  /** The `To` addresses. */
  to?: string[];
  /** The `Cc` addresses. */
  cc?: string[];
  /** The `Bcc` addresses. */
  bcc?: string[];
  /** The `Reply-To` addresses. */
  replyTo?: string[];
  /** The `Return-Path` address. */
  returnPath?: string;
  /** The `Message-ID` header (SES's own, not the id SendEmail returned). */
  messageId?: string;
  /** The `Date` header. */
  date?: string;
  /** The `Subject` header, decoded. */
  subject?: string;
}

/**
 * The original message an event is about (`mail`).
 *
 * @example
 * ```ts
 * const mail: SesMail = { messageId: "0100017c…-000000", destination: ["alice@example.com"] };
 * ```
 */
export interface SesMail {
  /** When SES accepted the message (not the event time). */
  timestamp?: string;
  /** The id SendEmail returned; the message's own Message-ID is only in `headers`. */
  messageId?: string;
  /** The envelope MAIL FROM. */
  source?: string;
  /** The ARN of the identity the message was sent from. */
  sourceArn?: string;
  /** Identity notifications only. */
  sourceIp?: string;
  /** The IAM identity that made the send call. */
  callerIdentity?: string;
  /** The AWS account that sent the message. */
  sendingAccountId?: string;
  /** Every To, Cc and Bcc recipient of the original message. */
  destination?: string[];
  /** True when the headers exceeded 10 KB and SES cut them short. */
  headersTruncated?: boolean;
  /** Present only when "include original headers" is enabled. */
  headers?: SesHeader[];
  /** The usual headers, decoded by SES. */
  commonHeaders?: SesCommonHeaders;
  /** SES message tags, name → values; event publishing only (includes `ses:*` automatic tags). */
  tags?: Record<string, string[]>;
}

/**
 * One recipient of a bounce.
 *
 * @example
 * ```ts
 * const r: SesBouncedRecipient = { emailAddress: "jane@example.com", status: "5.1.1", diagnosticCode: "smtp; 550 5.1.1 user unknown" };
 * ```
 */
export interface SesBouncedRecipient {
  /** The address that bounced. */
  emailAddress?: string;
  /** The DSN action, e.g. `failed`. */
  action?: string;
  /** The DSN status code, e.g. `5.1.1`. */
  status?: string;
  /** The receiving server's diagnostic, e.g. `smtp; 550 5.1.1 user unknown`. */
  diagnosticCode?: string;
}

/**
 * The `bounce` object.
 *
 * @example
 * ```ts
 * const b: SesBounce = { bounceType: "Permanent", bounceSubType: "General", bouncedRecipients: [] };
 * ```
 */
export interface SesBounce {
  /** `Undetermined`, `Permanent` or `Transient` (pass unknown values through). */
  bounceType?: string;
  /** `General`, `NoEmail`, `Suppressed`, `OnAccountSuppressionList`, `MailboxFull`… */
  bounceSubType?: string;
  /** The recipients that bounced (not every recipient of the message). */
  bouncedRecipients?: SesBouncedRecipient[];
  /** When the bounce was reported. */
  timestamp?: string;
  /** SES's id for this feedback. */
  feedbackId?: string;
  /** The server that reported the bounce. */
  reportingMTA?: string;
  /** The IP address of the server SES tried to deliver to. */
  remoteMtaIp?: string;
}

/**
 * One recipient of a complaint.
 *
 * @example
 * ```ts
 * const r: SesComplainedRecipient = { emailAddress: "richard@example.com" };
 * ```
 */
export interface SesComplainedRecipient {
  /** The address that complained. */
  emailAddress?: string;
}

/**
 * The `complaint` object.
 *
 * @example
 * ```ts
 * const c: SesComplaint = { complainedRecipients: [{ emailAddress: "r@example.com" }], complaintFeedbackType: "abuse" };
 * ```
 */
export interface SesComplaint {
  /** The recipients that complained. */
  complainedRecipients?: SesComplainedRecipient[];
  /** When the complaint was reported. */
  timestamp?: string;
  /** SES's id for this feedback. */
  feedbackId?: string;
  /** `null`, or `OnAccountSuppressionList` when SES refused to send to a suppressed address. */
  complaintSubType?: string | null;
  /** The next three come only with an ARF feedback report. */
  userAgent?: string;
  /** IANA MARF type: `abuse`, `auth-failure`, `fraud`, `not-spam`, `other`, `virus`. */
  complaintFeedbackType?: string;
  /** When the feedback report arrived (from the ARF report). */
  arrivalDate?: string;
}

/**
 * The `delivery` object.
 *
 * @example
 * ```ts
 * const d: SesDelivery = { recipients: ["jane@example.com"], smtpResponse: "250 ok" };
 * ```
 */
export interface SesDelivery {
  /** When the receiving server accepted the message. */
  timestamp?: string;
  /** How long SES took, from accepting the send to delivery. */
  processingTimeMillis?: number;
  /** The recipients this delivery was for (plain addresses). */
  recipients?: string[];
  /** The receiving server's SMTP response. */
  smtpResponse?: string;
  /** The SES server that delivered the message. */
  reportingMTA?: string;
  /** The IP address of the server that accepted it. */
  remoteMtaIp?: string;
}

/**
 * The `send` object: empty today.
 *
 * @example
 * ```ts
 * const s: SesSend = {};
 * ```
 */
export interface SesSend {
  [key: string]: unknown;
}

/**
 * The `reject` object (SES found a virus and did not try to deliver).
 *
 * @example
 * ```ts
 * const r: SesReject = { reason: "Bad content" };
 * ```
 */
export interface SesReject {
  /** Why SES refused to send it, e.g. `Bad content`. */
  reason?: string;
}

/**
 * The `open` object. It does not say which recipient opened the message.
 *
 * @example
 * ```ts
 * const o: SesOpen = { ipAddress: "192.0.2.1", userAgent: "Mozilla/5.0 …" };
 * ```
 */
export interface SesOpen {
  /** The IP address that loaded the tracking image. */
  ipAddress?: string;
  /** When the message was opened. */
  timestamp?: string;
  /** The user agent that loaded the tracking image. */
  userAgent?: string;
}

/**
 * The `click` object. It does not say which recipient clicked.
 *
 * @example
 * ```ts
 * const c: SesClick = { link: "https://example.com/", linkTags: { samplekey0: ["samplevalue0"] } };
 * ```
 */
export interface SesClick {
  /** The IP address that followed the link. */
  ipAddress?: string;
  /** When the link was clicked. */
  timestamp?: string;
  /** The user agent that followed the link. */
  userAgent?: string;
  /** The link's URL. */
  link?: string;
  /** The link's `ses:tags`, name → values. */
  linkTags?: Record<string, string[]>;
}

/**
 * The `failure` object of a `Rendering Failure` event (a template could not be rendered).
 *
 * @example
 * ```ts
 * const f: SesRenderingFailure = { templateName: "welcome", errorMessage: "Attribute 'name' is not present in the rendering data." };
 * ```
 */
export interface SesRenderingFailure {
  /** The template that could not be rendered. */
  templateName?: string;
  /** SES's explanation, e.g. a missing attribute. */
  errorMessage?: string;
}

/**
 * One recipient of a delivery delay.
 *
 * @example
 * ```ts
 * const r: SesDelayedRecipient = { emailAddress: "jane@example.com", status: "4.4.1", diagnosticCode: "smtp; 421 4.4.1 Unable to connect" };
 * ```
 */
export interface SesDelayedRecipient {
  /** The address whose delivery is delayed. */
  emailAddress?: string;
  /** The DSN status code, e.g. `4.4.1`. */
  status?: string;
  /** The receiving server's diagnostic, when there is one. */
  diagnosticCode?: string;
}

/**
 * The `deliveryDelay` object: SES keeps retrying until `expirationTime`.
 *
 * @example
 * ```ts
 * const d: SesDeliveryDelay = { delayType: "MailboxFull", delayedRecipients: [{ emailAddress: "jane@example.com" }] };
 * ```
 */
export interface SesDeliveryDelay {
  /** `InternalFailure`, `General`, `MailboxFull`, `SpamDetected`, `TransientCommunicationFailure`… */
  delayType?: string;
  /** The recipients whose delivery is delayed. */
  delayedRecipients?: SesDelayedRecipient[];
  /** When SES stops retrying (ISO 8601). */
  expirationTime?: string;
  /** The SES server that reported the delay. */
  reportingMTA?: string;
  /** When the delay was reported. */
  timestamp?: string;
}

/**
 * A contact's status for one topic of a contact list.
 *
 * @example
 * ```ts
 * const t: SesTopicSubscriptionStatus = { topicName: "Newsletter", subscriptionStatus: "OptOut" };
 * ```
 */
export interface SesTopicSubscriptionStatus {
  /** The topic's name in the contact list. */
  topicName?: string;
  /** `OptIn` or `OptOut`. */
  subscriptionStatus?: string;
}

/**
 * A contact's preferences for a contact list, before or after a change.
 *
 * @example
 * ```ts
 * const p: SesTopicPreferences = { unsubscribeAll: true, topicSubscriptionStatus: [] };
 * ```
 */
export interface SesTopicPreferences {
  /** True when the contact is unsubscribed from every topic of the list. */
  unsubscribeAll?: boolean;
  /** The contact's own status per topic. */
  topicSubscriptionStatus?: SesTopicSubscriptionStatus[];
  /** The list's default status per topic. */
  topicDefaultSubscriptionStatus?: SesTopicSubscriptionStatus[];
}

/**
 * The `subscription` object: a recipient changed their list-management preferences.
 *
 * @example
 * ```ts
 * const s: SesSubscription = { contactList: "Customers", newTopicPreferences: { unsubscribeAll: true } };
 * ```
 */
export interface SesSubscription {
  /** The contact list's name. */
  contactList?: string;
  /** When the preferences changed. */
  timestamp?: string;
  /** How the change arrived, e.g. `UnsubscribeHeader`. */
  source?: string;
  /** The preferences after the change. */
  newTopicPreferences?: SesTopicPreferences;
  /** The preferences before the change, when SES sends them. */
  oldTopicPreferences?: SesTopicPreferences;
}

/**
 * The whole SES event or notification, as parsed from the SNS `Message`. `eventType` (event
 * publishing) or `notificationType` (identity notifications) names the type; the matching
 * object (`bounce`, `failure` for "Rendering Failure", `deliveryDelay`…) carries the details.
 *
 * @example
 * ```ts
 * const event = JSON.parse(snsBody.Message) as SesTrackingMessage;
 * if (event.eventType === "Bounce") console.log(event.bounce?.bounceType);
 * ```
 */
export interface SesTrackingMessage {
  /** The type, from configuration-set event publishing (`Bounce`, `Rendering Failure`…). */
  eventType?: string;
  /** The type, from identity feedback notifications (`Bounce`, `Complaint`, `Delivery`). */
  notificationType?: string;
  /** The original message the event is about. */
  mail?: SesMail;
  /** For `Bounce`. */
  bounce?: SesBounce;
  /** For `Complaint`. */
  complaint?: SesComplaint;
  /** For `Delivery`. */
  delivery?: SesDelivery;
  /** For `Send`. */
  send?: SesSend;
  /** For `Reject`. */
  reject?: SesReject;
  /** For `Open`. */
  open?: SesOpen;
  /** For `Click`. */
  click?: SesClick;
  /** For `Rendering Failure`. */
  failure?: SesRenderingFailure;
  /** For `DeliveryDelay`. */
  deliveryDelay?: SesDeliveryDelay;
  /** For `Subscription`. */
  subscription?: SesSubscription;
  /** Fields AWS adds later, and the objects of event types newer than this library. */
  [key: string]: unknown;
}
