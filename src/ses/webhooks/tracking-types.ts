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
  name?: string;
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
  from?: string[];
  to?: string[];
  cc?: string[];
  bcc?: string[];
  replyTo?: string[];
  returnPath?: string;
  messageId?: string;
  date?: string;
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
  sourceArn?: string;
  /** Identity notifications only. */
  sourceIp?: string;
  callerIdentity?: string;
  sendingAccountId?: string;
  /** Every To, Cc and Bcc recipient of the original message. */
  destination?: string[];
  /** True when the headers exceeded 10 KB and SES cut them short. */
  headersTruncated?: boolean;
  /** Present only when "include original headers" is enabled. */
  headers?: SesHeader[];
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
  emailAddress?: string;
  action?: string;
  status?: string;
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
  bouncedRecipients?: SesBouncedRecipient[];
  timestamp?: string;
  feedbackId?: string;
  reportingMTA?: string;
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
  complainedRecipients?: SesComplainedRecipient[];
  timestamp?: string;
  feedbackId?: string;
  /** `null`, or `OnAccountSuppressionList` when SES refused to send to a suppressed address. */
  complaintSubType?: string | null;
  /** The next three come only with an ARF feedback report. */
  userAgent?: string;
  /** IANA MARF type: `abuse`, `auth-failure`, `fraud`, `not-spam`, `other`, `virus`. */
  complaintFeedbackType?: string;
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
  timestamp?: string;
  processingTimeMillis?: number;
  recipients?: string[];
  smtpResponse?: string;
  reportingMTA?: string;
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
  ipAddress?: string;
  timestamp?: string;
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
  ipAddress?: string;
  timestamp?: string;
  userAgent?: string;
  link?: string;
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
  templateName?: string;
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
  emailAddress?: string;
  status?: string;
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
  delayedRecipients?: SesDelayedRecipient[];
  expirationTime?: string;
  reportingMTA?: string;
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
  unsubscribeAll?: boolean;
  topicSubscriptionStatus?: SesTopicSubscriptionStatus[];
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
  contactList?: string;
  timestamp?: string;
  /** How the change arrived, e.g. `UnsubscribeHeader`. */
  source?: string;
  newTopicPreferences?: SesTopicPreferences;
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
  eventType?: string;
  notificationType?: string;
  mail?: SesMail;
  bounce?: SesBounce;
  complaint?: SesComplaint;
  delivery?: SesDelivery;
  send?: SesSend;
  reject?: SesReject;
  open?: SesOpen;
  click?: SesClick;
  failure?: SesRenderingFailure;
  deliveryDelay?: SesDeliveryDelay;
  subscription?: SesSubscription;
  /** Fields AWS adds later, and the objects of event types newer than this library. */
  [key: string]: unknown;
}
