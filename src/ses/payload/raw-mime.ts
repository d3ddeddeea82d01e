import { randomUUID } from "node:crypto";

import MailComposer from "nodemailer/lib/mail-composer";
import type { MailComposerAttachment, MailComposerOptions } from "nodemailer/lib/mail-composer";

import type { EmailAddress } from "../../message/address";
import type { NormalizedAttachment, NormalizedMessage } from "../../message/types";
import { foldAtSpaces } from "./fold-header";
import { serializeMimeTree } from "./mime-serializer";

/** Headers Mailroom adds to carry tags and metadata to tracking events. */
export interface TrackingHeaders {
  /** The X-Metadata JSON (ASCII), or undefined for none. */
  metadataJson: string | undefined;
  /** One X-Tag header per tag. */
  tags: string[];
}

function addressList(addresses: EmailAddress[]): { name: string; address: string }[] | undefined {
  if (addresses.length === 0) {
    return undefined;
  }
  // The composer encodes display names itself (RFC 2047); give it the IDNA domain so the
  // header stays 7-bit and matches what SES's Destination holds.
  return addresses.map((addr) => ({ name: addr.displayName, address: addr.asciiAddrSpec }));
}

/**
 * Bodies go out with CRLF line breaks: the composer leaves a 7-bit body's bare LFs as they are,
 * and RFC 5322 allows CR and LF only together.
 */
function crlf<T extends string | undefined>(text: T): T {
  return (text === undefined ? text : text.replace(/\r?\n|\r/g, "\r\n")) as T;
}

/**
 * A body part for the composer. It sends plain ASCII as 7bit, DEL (0x7F) included; DEL is not
 * printable and the serializer refuses it, so such a body goes quoted-printable instead.
 */
function bodyPart(
  text: string | undefined,
): string | { content: string; contentTransferEncoding: string } | undefined {
  const content = crlf(text);
  return content?.includes("\u007f") ? { content, contentTransferEncoding: "quoted-printable" } : content;
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const LINE_BREAK_OR_UNSAFE = /[^\t\x20-\x7e]/;

/**
 * Whether bytes can go out as they are in a 7-bit message: printable ASCII and TAB, lines
 * ending in CR LF, none over 998 octets. Anything else (8-bit bytes, NUL, bare LF) must be
 * encoded, or it would be rewritten (or refused) on the way.
 */
function isSevenBitClean(bytes: Uint8Array): boolean {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  let start = 0;
  for (;;) {
    const end = text.indexOf("\r\n", start);
    const line = text.slice(start, end === -1 ? text.length : end);
    if (line.length > 998 || LINE_BREAK_OR_UNSAFE.test(line)) {
      return false;
    }
    if (end === -1) {
      return true;
    }
    start = end + 2;
  }
}

/**
 * The transfer encoding of a text or message attachment. Left to the composer, an attached
 * message goes out "8bit" with its NULs and bare LFs, and a text file with bare LFs as "7bit":
 * both would break the 7-bit guarantee. Base64 keeps every byte exactly; it is only used when
 * the bytes are not already 7-bit clean.
 */
function transferEncoding(att: NormalizedAttachment): { contentTransferEncoding?: string } {
  const isMessage = /^message\//i.test(att.contentType);
  if (!isMessage && !/^text\//i.test(att.contentType)) {
    return {}; // the composer base64-encodes every other type
  }
  if (!isSevenBitClean(att.content)) {
    return { contentTransferEncoding: "base64" };
  }
  return isMessage ? { contentTransferEncoding: "7bit" } : {};
}

function attachments(message: NormalizedMessage): MailComposerAttachment[] {
  return message.attachments.map((att) => ({
    content: toBuffer(att.content),
    contentType: att.contentType,
    filename: att.filename ?? false,
    contentDisposition: att.disposition,
    ...transferEncoding(att),
    ...(att.contentId === undefined ? {} : { cid: att.contentId }),
  }));
}

function headers(message: NormalizedMessage, tracking: TrackingHeaders): MailComposerOptions["headers"] {
  const list: { key: string; value: string | { prepared: true; value: string } }[] = message.headers.map(
    ([key, value]) => ({ key, value }),
  );
  if (tracking.metadataJson !== undefined) {
    // Handed over prepared (folded by us at spaces): the composer would otherwise Q-encode any
    // value containing a double quote, and SES would pass the encoded form on to events.
    list.push({
      key: "X-Metadata",
      value: { prepared: true, value: foldAtSpaces("X-Metadata", tracking.metadataJson) },
    });
  }
  for (const tag of tracking.tags) {
    list.push({ key: "X-Tag", value: tag });
  }
  return list;
}

/**
 * A Message-ID made here, unless the message brings its own: nodemailer's generator draws five
 * separate random buffers, a measurable share of a small message's build time.
 */
function messageId(message: NormalizedMessage): string | undefined {
  if (message.headers.some(([name]) => name.toLowerCase() === "message-id")) {
    return undefined;
  }
  const domain = (message.fromHeader ?? message.from)[0]?.asciiDomain ?? "mailroom.invalid";
  return `<${randomUUID()}@${domain}>`;
}

/**
 * Build the raw MIME message for SESv2 SendEmail `Content.Raw`: CRLF line endings, every part
 * 7-bit clean (quoted-printable or base64), no Bcc header, IDNA domains, RFC 2047 for
 * non-ASCII header text.
 *
 * Why 7-bit: SES open/click tracking rewrites 8bit bodies and mangles non-ASCII characters
 * (Anymail issue #115), so nothing 8bit is ever handed to SES.
 *
 * @example
 * ```ts
 * const bytes = await buildRawMime(normalizeMessage(message), { metadataJson: undefined, tags: [] });
 * ```
 */
export function buildRawMime(message: NormalizedMessage, tracking: TrackingHeaders): Uint8Array {
  const options: MailComposerOptions = {
    from: addressList(message.fromHeader ?? message.from),
    to: addressList(message.spoofedTo ?? message.to),
    cc: addressList(message.cc),
    replyTo: addressList(message.replyTo),
    subject: message.subject,
    messageId: messageId(message),
    text: bodyPart(message.text),
    html: bodyPart(message.html),
    alternatives: message.alternatives.map((alt) => {
      const part = bodyPart(alt.content) ?? "";
      return { ...(typeof part === "string" ? { content: part } : part), contentType: alt.contentType };
    }),
    attachments: attachments(message),
    headers: headers(message, tracking),
    // Nothing in a message may make the composer read files or fetch URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
  return serializeMimeTree(new MailComposer(options).compile());
}
