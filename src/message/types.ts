import type { EmailAddress } from "./address";
import type { EspExtra } from "./esp-extra";

/**
 * A JSON value: what metadata and merge data may hold.
 *
 * @example
 * ```ts
 * const value: JsonValue = { orderId: 123, items: ["book", null] };
 * ```
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * A JSON object.
 *
 * @example
 * ```ts
 * const metadata: JsonObject = { orderId: 123 };
 * ```
 */
export type JsonObject = { [key: string]: JsonValue };

/**
 * An address as an object, the shape nodemailer takes: `{ name: "Bob", address: "b@example.com" }`.
 *
 * @example
 * ```ts
 * const bob: AddressObject = { name: "Bob, Jr.", address: "bob@example.com" };
 * ```
 */
export interface AddressObject {
  /** The display name (any Unicode; Mailroom quotes or encodes it). */
  name?: string | undefined;
  /** The addr-spec, `user@domain` (no display name, no angle brackets). */
  address: string;
}

/**
 * One or more addresses: `"a@example.com"`, `"Bob <b@example.com>, c@example.com"`, an
 * {@link AddressObject}, or a list of such strings and objects.
 *
 * @example
 * ```ts
 * const to: AddressInput = ["alice@example.com", { name: "Bob", address: "bob@example.com" }];
 * ```
 */
export type AddressInput = string | AddressObject | readonly (string | AddressObject)[];

/**
 * A file attached to the message, or an inline image referenced from the HTML as `cid:<contentId>`.
 *
 * @example
 * ```ts
 * const invoice: Attachment = { filename: "invoice.pdf", content: pdfBytes };
 * ```
 */
export interface Attachment {
  /** The file name shown to the recipient; also used to guess `contentType`. */
  filename?: string | undefined;
  /** The content: a string is sent as UTF-8; bytes are sent as they are. */
  content: string | Uint8Array;
  /** MIME type; guessed from `filename` when absent, else `application/octet-stream`. */
  contentType?: string | undefined;
  /** Content-ID (without angle brackets) for inline images; implies `disposition: "inline"`. */
  contentId?: string | undefined;
  /** `attachment` (default) or `inline` (default when `contentId` is set). */
  disposition?: "attachment" | "inline" | undefined;
}

/**
 * An extra body alternative beyond text and HTML (e.g. AMP: `text/x-amp-html`).
 *
 * @example
 * ```ts
 * const amp: Alternative = { content: "<!doctype html><html ⚡4email>…", contentType: "text/x-amp-html" };
 * ```
 */
export interface Alternative {
  /** The body in this type. */
  content: string;
  /** Its MIME type, e.g. `text/x-amp-html`. */
  contentType: string;
}

/**
 * Per-recipient values, keyed by the recipient's address (addr-spec, e.g. `alice@example.com`).
 *
 * @example
 * ```ts
 * const mergeData: PerRecipient<JsonObject> = { "alice@example.com": { name: "Alice" } };
 * ```
 */
export type PerRecipient<T> = Readonly<Record<string, T>>;

/**
 * The normalized message Mailroom sends. Every field is optional; `null` on a field suppresses
 * the mailer's send default for it, `undefined` (or absence) means "not set".
 *
 * @example
 * ```ts
 * const message: EmailMessage = {
 *   from: "Shop <shop@example.com>",
 *   to: ["alice@example.com", "Bob <bob@example.com>"],
 *   subject: "Your order",
 *   text: "Thanks!",
 *   tags: ["orders"],
 *   metadata: { orderId: 123 },
 * };
 * ```
 */
export interface EmailMessage {
  /** The sender: one address, as a string or `{ name, address }`. */
  from?: string | AddressObject | null | undefined;
  /** The `To` recipients: one address or a list (`"Bob <bob@example.com>"`, or `{ name, address }`). */
  to?: AddressInput | null | undefined;
  /** The `Cc` recipients. */
  cc?: AddressInput | null | undefined;
  /** The `Bcc` recipients (in the envelope, never in the headers). */
  bcc?: AddressInput | null | undefined;
  /** The `Reply-To` addresses. */
  replyTo?: AddressInput | null | undefined;
  /** The subject line (non-ASCII is encoded for you). */
  subject?: string | null | undefined;
  /** The plain-text body. */
  text?: string | null | undefined;
  /** The HTML body. */
  html?: string | null | undefined;
  /** Extra body alternatives (AMP...), beyond `text` and `html`. */
  alternatives?: readonly Alternative[] | null | undefined;
  /** Files to attach, or to show inline (`contentId`, see `inlineImage()`). */
  attachments?: readonly Attachment[] | null | undefined;
  /** Extra headers. `To`, `From` and `Reply-To` here change the visible header only (see docs). */
  headers?: Readonly<Record<string, string>> | null | undefined;
  /** Where SES forwards bounces and complaints (SES `FeedbackForwardingEmailAddress`). */
  envelopeSender?: string | AddressObject | null | undefined;
  /** Your own data, returned on every tracking event for this message. */
  metadata?: Readonly<JsonObject> | null | undefined;
  /** Labels, returned on every tracking event for this message. */
  tags?: readonly string[] | null | undefined;
  /** Per-message open tracking override (needs a configuration set with tracking). */
  trackOpens?: boolean | null | undefined;
  /** Per-message click tracking override (needs a configuration set with tracking). */
  trackClicks?: boolean | null | undefined;
  /** Send later (needs a queue). */
  sendAt?: Date | null | undefined;
  /** Name (or ARN) of a stored SES template. */
  templateId?: string | null | undefined;
  /** Template data per `to` recipient. */
  mergeData?: PerRecipient<JsonObject> | null | undefined;
  /** Template data shared by every recipient. */
  mergeGlobalData?: Readonly<JsonObject> | null | undefined;
  /** Extra headers per `to` recipient (template sends). */
  mergeHeaders?: PerRecipient<Readonly<Record<string, string>>> | null | undefined;
  /** Metadata per `to` recipient, merged over `metadata` (template sends). */
  mergeMetadata?: PerRecipient<JsonObject> | null | undefined;
  /**
   * Extra SESv2 parameters merged last into the request (top-level keys replace), typed by the
   * AWS SDK so a misspelt key does not compile; `uncheckedEspExtra({...})` for newer parameters.
   */
  espExtra?: EspExtra | null | undefined;
  /** The suppression scope of this message (a topic/list) and the entries it may ignore (docs/reputation.md). */
  suppression?: MessageSuppression | null | undefined;
  /** Add RFC 8058 one-click `List-Unsubscribe` headers, one signed link per recipient (docs/reputation.md). */
  unsubscribe?: MessageUnsubscribe | true | null | undefined;
  /** SES's own subscription management: SESv2 `ListManagementOptions` (SendEmail only). */
  listManagement?: ListManagement | null | undefined;
}

/**
 * How a message meets the mailer's suppression list. Entries of the account-wide scope and of
 * `scope` block a recipient; `ignoreReasons` lets mail that must go (a password reset) pass
 * entries of those reasons. Bounces and complaints can never be ignored.
 *
 * @example
 * ```ts
 * const marketing: MessageSuppression = { scope: "marketing" };
 * const passwordReset: MessageSuppression = { scope: "transactional", ignoreReasons: ["unsubscribe"] };
 * ```
 */
export interface MessageSuppression {
  /** The topic or list this message belongs to: entries of this scope (and account-wide ones) apply. */
  scope?: string | undefined;
  /** Reasons whose entries do not block this message: only `unsubscribe` and `manual` are allowed. */
  ignoreReasons?: readonly ("unsubscribe" | "manual")[] | undefined;
}

/**
 * One-click unsubscribe options of a message (`true` takes every default).
 *
 * @example
 * ```ts
 * const unsubscribe: MessageUnsubscribe = { scope: "newsletter", mailto: "unsubscribe@example.com" };
 * ```
 */
export interface MessageUnsubscribe {
  /** The scope the recipient leaves (default: `suppression.scope`, else account-wide). */
  scope?: string | undefined;
  /** Also offer a `mailto:` unsubscribe address (RFC 2369). */
  mailto?: string | undefined;
}

/**
 * SES subscription management (SESv2 `ListManagementOptions`): SES adds its own unsubscribe
 * link and headers and honours the contact's topic preferences.
 *
 * @example
 * ```ts
 * const listManagement: ListManagement = { contactListName: "Customers", topicName: "newsletter" };
 * ```
 */
export interface ListManagement {
  /** The SES contact list. */
  contactListName: string;
  /** The topic within it. */
  topicName?: string | undefined;
}

/**
 * A message field name.
 *
 * @example
 * ```ts
 * const field: MessageField = "subject";
 * ```
 */
export type MessageField = keyof EmailMessage;

/**
 * An attachment after normalization: bytes, a resolved content type and disposition.
 *
 * @example
 * ```ts
 * const pdf: NormalizedAttachment = normalizeMessage(message).attachments[0];
 * ```
 */
export interface NormalizedAttachment {
  /** The file name shown to the recipient, if any. */
  filename: string | undefined;
  /** The bytes, exactly as they will be sent. */
  content: Uint8Array;
  /** The MIME type (given, or guessed from the file name). */
  contentType: string;
  /** The Content-ID an inline part is referenced by (`cid:` in the HTML). */
  contentId: string | undefined;
  /** `attachment`, or `inline` for parts shown in the body. */
  disposition: "attachment" | "inline";
}

/**
 * A message after send defaults were applied and every field was validated: addresses are
 * parsed, headers checked for injection, attachments turned into bytes. Backends receive this.
 *
 * @example
 * ```ts
 * const normalized: NormalizedMessage = normalizeMessage({ from: "shop@example.com", to: "alice@example.com" });
 * normalized.to[0]?.addrSpec; // "alice@example.com"
 * ```
 */
export interface NormalizedMessage {
  /** The sender, parsed. */
  from: EmailAddress[];
  /** The `To` recipients, parsed. */
  to: EmailAddress[];
  /** The `Cc` recipients, parsed. */
  cc: EmailAddress[];
  /** The `Bcc` recipients, parsed. */
  bcc: EmailAddress[];
  /** The `Reply-To` addresses, parsed. */
  replyTo: EmailAddress[];
  /** The subject line. */
  subject: string | undefined;
  /** The plain-text body. */
  text: string | undefined;
  /** The HTML body. */
  html: string | undefined;
  /** Further bodies in other types. */
  alternatives: Alternative[];
  /** The attachments, validated. */
  attachments: NormalizedAttachment[];
  /** Extra headers, in order, with From/To/Reply-To taken out (see the fields below). */
  headers: [name: string, value: string][];
  /** A `To` header given in `headers`: shown to recipients instead of the real `to` list. */
  spoofedTo: EmailAddress[] | undefined;
  /** A `From` header given in `headers`: shown instead of `from`, which becomes the envelope sender. */
  fromHeader: EmailAddress[] | undefined;
  /** The envelope sender (MAIL FROM), when it differs from `from`. */
  envelopeSender: EmailAddress | undefined;
  /** Your own data for the tracking events. */
  metadata: JsonObject | undefined;
  /** The message's tags. */
  tags: string[];
  /** The open-tracking override, if any. */
  trackOpens: boolean | undefined;
  /** The click-tracking override, if any. */
  trackClicks: boolean | undefined;
  /** When to send (with a queue). */
  sendAt: Date | undefined;
  /** The stored SES template's name or ARN. */
  templateId: string | undefined;
  /** Template data per `to` recipient, keyed by addr-spec. */
  mergeData: Record<string, JsonObject> | undefined;
  /** Template data shared by every recipient. */
  mergeGlobalData: JsonObject | undefined;
  /** Extra headers per `to` recipient, keyed by addr-spec. */
  mergeHeaders: Record<string, Record<string, string>> | undefined;
  /** Metadata per `to` recipient, keyed by addr-spec. */
  mergeMetadata: Record<string, JsonObject> | undefined;
  /** Extra SESv2 parameters, merged last into the request(s). */
  espExtra: Record<string, unknown> | undefined;
  /** The suppression scope and ignored reasons (validated). */
  suppression: { scope: string | undefined; ignoreReasons: ("unsubscribe" | "manual")[] } | undefined;
  /** One-click unsubscribe, when asked for (validated; `true` became `{}`). */
  unsubscribe: MessageUnsubscribe | undefined;
  /** SES list management (validated). */
  listManagement: ListManagement | undefined;
}
