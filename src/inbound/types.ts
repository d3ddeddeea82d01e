/**
 * The shapes of a parsed inbound email: what an inbound webhook hands the application. They are
 * ESP-neutral; the SES converter fills the receipt part (envelope and verdicts) from SES's JSON.
 *
 * @module
 */
import type { HeaderMap } from "./header-map";
import type { InboundAddress } from "./inbound-address";

/**
 * A receipt verdict as the receiving service reported it, upper-cased. SES writes `PASS`, `FAIL`,
 * `GRAY` and `PROCESSING_FAILED`, and `DISABLED` when scanning is turned off for the rule; other
 * values pass through unchanged so a newer status is never lost.
 *
 * @example
 * ```ts
 * const status: VerdictStatus = "GRAY";
 * ```
 */
export type VerdictStatus = "PASS" | "FAIL" | "GRAY" | "PROCESSING_FAILED" | "DISABLED" | (string & {});

/**
 * What the sending domain's DMARC record asks receivers to do with mail that fails DMARC. SES
 * reports it only when the DMARC check failed.
 *
 * @example
 * ```ts
 * if (message.verdicts.dmarc === "FAIL" && message.verdicts.dmarcPolicy === "reject") discard(message);
 * ```
 */
export type DmarcPolicy = "none" | "quarantine" | "reject" | (string & {});

/**
 * Every verdict the receiving service reported about one inbound message; `undefined` when it
 * reported none (a message parsed without a receipt, or a field SES left out).
 *
 * @example
 * ```ts
 * const verdicts: ReceiptVerdicts = {
 *   spam: "PASS", virus: "PASS", spf: "PASS", dkim: "GRAY", dmarc: "FAIL", dmarcPolicy: "none",
 * };
 * ```
 */
export interface ReceiptVerdicts {
  /** Spam scan. */
  spam: VerdictStatus | undefined;
  /** Virus scan. */
  virus: VerdictStatus | undefined;
  /** SPF check of the envelope sender. */
  spf: VerdictStatus | undefined;
  /** DKIM signature check. */
  dkim: VerdictStatus | undefined;
  /** DMARC alignment check. */
  dmarc: VerdictStatus | undefined;
  /** The sender's DMARC policy, present only when `dmarc` is `FAIL`. */
  dmarcPolicy: DmarcPolicy | undefined;
}

/**
 * What the receiving service knows about a message beyond its bytes: the SMTP envelope and its
 * verdicts. Pass it to {@link parseInboundMessage}; every field is optional.
 *
 * @example
 * ```ts
 * const receipt: InboundReceiptInfo = {
 *   envelopeSender: "bounces@example.org",
 *   envelopeRecipient: "support@example.com",
 *   verdicts: { spam: "PASS", virus: "PASS" },
 * };
 * ```
 */
export interface InboundReceiptInfo {
  /** The SMTP MAIL FROM (SES: `mail.source`). */
  envelopeSender?: string | undefined;
  /** The SMTP RCPT TO this copy was delivered for (SES: `receipt.recipients[0]`). */
  envelopeRecipient?: string | undefined;
  /** The verdicts; missing ones are `undefined`. */
  verdicts?: Partial<ReceiptVerdicts> | undefined;
}

/**
 * One non-body part of an inbound message: an attachment, an inline image, an attached email.
 *
 * @example
 * ```ts
 * for (const file of message.attachments) {
 *   await save(file.filename ?? "unnamed", file.content); // file.size === file.content.byteLength
 * }
 * ```
 */
export interface InboundAttachment {
  /** The decoded file name (RFC 2231 and RFC 2047 forms decoded); `undefined` when the part has none. */
  filename: string | undefined;
  /** The lower-cased MIME type, e.g. `application/pdf`. */
  contentType: string;
  /**
   * The content, byte-exact: what the sender encoded, with only the transfer encoding (base64,
   * quoted-printable) undone; 7bit, 8bit and binary parts are their bytes as received. It may
   * share memory with the message's `raw`: copy it before changing it.
   */
  content: Uint8Array;
  /** `content.byteLength`. */
  size: number;
  /** The Content-ID without angle brackets, e.g. `logo@example.com`. */
  contentId: string | undefined;
  /** The lower-cased Content-Disposition token (`attachment`, `inline`…); `undefined` when absent. */
  disposition: string | undefined;
  /** The decoded Content-Description header. */
  description: string | undefined;
  /**
   * For a `message/rfc822` (or `message/global`) part, a forwarded or bounced email: the attached
   * message, parsed from `content` (its original bytes) when first read, then kept. `undefined`
   * for other parts, for messages nested more than five levels deep, past the 1,000th attached
   * message parsed for one received message, and for attached messages over the parsing budget.
   */
  readonly message: InboundMessage | undefined;
}

/**
 * One received email, parsed. Header fields come from the message itself, envelope fields and
 * verdicts from the receiving service's receipt. Parsing is best-effort: a malformed header gives
 * an empty, partial or `undefined` value, never an exception.
 *
 * @example
 * ```ts
 * const message = await parseInboundMessage(bytes);
 * message.from?.addrSpec; // "from@example.org"
 * message.headers.getAll("Received").length; // 2
 * message.contentIdMap.get("logo@example.com")?.content; // the inline image's bytes
 * ```
 */
export interface InboundMessage {
  /** The first From address; `undefined` when the header is missing or holds no address. */
  from: InboundAddress | undefined;
  /** Every From address, from every From header, groups flattened (`from` is the first). */
  fromAddresses: InboundAddress[];
  /** The first Sender address; `undefined` when there is none. */
  sender: InboundAddress | undefined;
  /** Every Sender address, from every Sender header (RFC 5322 allows one; mail has more). */
  senderAddresses: InboundAddress[];
  /** Every To address, from every To header, groups flattened. */
  to: InboundAddress[];
  /** Every Cc address. */
  cc: InboundAddress[];
  /** Every Bcc address (rare in received mail). */
  bcc: InboundAddress[];
  /** Every Reply-To address. */
  replyTo: InboundAddress[];
  /** The decoded Subject. */
  subject: string | undefined;
  /** The Date header; `undefined` when missing or not a date. */
  date: Date | undefined;
  /** The Message-ID header, angle brackets kept (as the message writes it). */
  messageId: string | undefined;
  /** The In-Reply-To header. */
  inReplyTo: string | undefined;
  /** The message ids in the References header, in order, angle brackets kept. */
  references: string[];
  /**
   * The plain-text body: every inline text/plain part, decoded by transfer encoding and charset
   * and never re-wrapped (line breaks as the message has them, usually CRLF; the line break
   * before a boundary belongs to the boundary), joined with "\n" when there are several.
   */
  text: string | undefined;
  /** The HTML body: every inline text/html part, decoded the same way as `text`. */
  html: string | undefined;
  /** Every header of the message, in order, duplicates kept. */
  headers: HeaderMap;
  /** Parts that are not inline: files, attached emails, parts without a disposition. */
  attachments: InboundAttachment[];
  /** Inline parts (Content-Disposition `inline`, or a Content-ID inside multipart/related). */
  inlines: InboundAttachment[];
  /** Content-ID (no brackets) → part, for resolving `cid:` URLs in `html`; first part wins. */
  contentIdMap: ReadonlyMap<string, InboundAttachment>;
  /**
   * The parsed `message/rfc822` parts, in order (each is also the `message` of a part in
   * `attachments` or `inlines`); reading it parses them.
   */
  readonly attachedMessages: InboundMessage[];
  /** The SMTP MAIL FROM; may differ from `from`. */
  envelopeSender: string | undefined;
  /** The SMTP RCPT TO this copy was delivered for; may be absent from `to` and `cc` (Bcc). */
  envelopeRecipient: string | undefined;
  /** Every verdict the receiving service reported. */
  verdicts: ReceiptVerdicts;
  /** `verdicts.spam` as Anymail reads it: `PASS` → false, `FAIL` → true, anything else undefined. */
  spamDetected: boolean | undefined;
  /** The message bytes as received (for an attached message: the part's original bytes). */
  raw: Uint8Array;
}
