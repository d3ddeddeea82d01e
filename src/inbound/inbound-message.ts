/**
 * Parsing a received email into an {@link InboundMessage}, on top of postal-mime.
 *
 * @module
 */
import type { Email } from "postal-mime";
import type PostalMime from "postal-mime";

import { HeaderMap } from "./header-map";
import { toInboundAddresses } from "./inbound-address";
import { sortParts } from "./inbound-parts";
import { InboundParseError } from "./parse-error";
import type { InboundMessage, InboundReceiptInfo } from "./types";
import { normalizeVerdicts, spamDetectedFrom } from "./verdicts";

// How deep attached emails (message/rfc822 inside message/rfc822…) are parsed. Each level is
// parsed from a copy of its own bytes, so an attacker nesting forwards could otherwise multiply
// the memory a message costs; deeper ones stay available as bytes. A constant, not an option, so
// a caller forwarding untrusted options cannot lift it.
const MAX_ATTACHED_MESSAGE_DEPTH = 5;

function toDate(value: string | undefined): Date | undefined {
  if (value === undefined) {
    return undefined;
  }
  // postal-mime gives an ISO string when the header parsed as a date, else the header as is.
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The message ids in a References header, angle brackets kept; bare words when there are none. */
function messageIds(value: string | undefined): string[] {
  if (value === undefined) {
    return [];
  }
  const bracketed = value.match(/<[^<>]*>/g);
  return bracketed ?? value.split(/\s+/).filter((word) => word !== "");
}

/**
 * What to hand postal-mime: it copies a view's bytes before parsing (so a view cannot read its
 * neighbours in a shared buffer) but reads a whole ArrayBuffer in place, and never writes to its
 * input. A 25 MB message read from S3 then lives in memory once instead of twice.
 */
function parserInput(raw: Uint8Array): ArrayBuffer | Uint8Array {
  const { buffer } = raw;
  return buffer instanceof ArrayBuffer && raw.byteOffset === 0 && raw.byteLength === buffer.byteLength
    ? buffer
    : raw;
}

type PostalMimeModule = { default: typeof PostalMime };
let postalMime: Promise<PostalMimeModule> | undefined;

/**
 * Loaded on first use, once: code that only sends (and imports "mailroom-ses" without its webhooks) never loads the
 * parser, and later parses do not pay for a module lookup each time.
 */
function loadPostalMime(): Promise<PostalMimeModule> {
  postalMime ??= import("postal-mime");
  return postalMime;
}

async function parseEmail(raw: Uint8Array): Promise<Email> {
  try {
    const { default: parser } = await loadPostalMime();
    return await parser.parse(parserInput(raw), {
      // Every attached email comes back as bytes, so it can be saved as the .eml the sender
      // attached and parsed by us into its own InboundMessage. postal-mime's default instead
      // merges an inline attached email's text and attachments into the outer message.
      forceRfc822Attachments: true,
      attachmentEncoding: "arraybuffer",
    });
  } catch (err) {
    // postal-mime throws only when a limit is exceeded (header size, nesting depth) or on a
    // bug; either way the caller gets one typed error, never a bare TypeError.
    const reason = err instanceof Error ? err.message : String(err);
    throw new InboundParseError(`Could not parse the inbound message: ${reason}`, { cause: err });
  }
}

async function parseAtDepth(
  raw: Uint8Array,
  receipt: InboundReceiptInfo | undefined,
  depth: number,
): Promise<InboundMessage> {
  const email = await parseEmail(raw);
  const parts = await sortParts(email.attachments, async (bytes) => {
    if (depth >= MAX_ATTACHED_MESSAGE_DEPTH) {
      return undefined;
    }
    try {
      return await parseAtDepth(bytes, undefined, depth + 1);
    } catch {
      return undefined; // a broken attached email stays an attachment (bytes only)
    }
  });
  const from = toInboundAddresses(email.from === undefined ? [] : [email.from]);
  const verdicts = normalizeVerdicts(receipt?.verdicts);
  return {
    from: from[0],
    to: toInboundAddresses(email.to),
    cc: toInboundAddresses(email.cc),
    bcc: toInboundAddresses(email.bcc),
    replyTo: toInboundAddresses(email.replyTo),
    subject: email.subject,
    date: toDate(email.date),
    messageId: email.messageId,
    inReplyTo: email.inReplyTo,
    references: messageIds(email.references),
    text: email.text,
    html: email.html,
    headers: new HeaderMap(email.headers.map((h) => [h.originalKey, h.value] as const)),
    attachments: parts.attachments,
    inlines: parts.inlines,
    contentIdMap: parts.contentIdMap,
    attachedMessages: parts.attachedMessages,
    envelopeSender: receipt?.envelopeSender,
    envelopeRecipient: receipt?.envelopeRecipient,
    verdicts,
    spamDetected: spamDetectedFrom(verdicts.spam),
    raw,
  };
}

/**
 * Parse a received email (the raw MIME bytes, as SES stores or sends them) into an
 * {@link InboundMessage}. Malformed headers and addresses never throw; they become empty,
 * partial or `undefined` values. Attached emails (`message/rfc822`) are available both as bytes
 * and parsed (`attachment.message`, `attachedMessages`), five levels deep.
 *
 * @param raw - the message bytes; kept as `message.raw`
 * @param receipt - the SMTP envelope and verdicts from the receiving service, when known
 * @throws InboundParseError only when the message cannot be parsed at all (more than 2 MiB of
 *   headers, MIME parts nested more than 256 deep)
 * @example
 * ```ts
 * const message = await parseInboundMessage(bytes, {
 *   envelopeSender: "bounces@example.org",
 *   envelopeRecipient: "support@example.com",
 *   verdicts: { spam: "PASS", virus: "PASS" },
 * });
 * message.subject; // "Test inbound message"
 * message.spamDetected; // false
 * for (const file of message.attachments) await save(file.filename, file.content);
 * ```
 */
export async function parseInboundMessage(
  raw: Uint8Array,
  receipt?: InboundReceiptInfo,
): Promise<InboundMessage> {
  if (!(raw instanceof Uint8Array)) {
    throw new TypeError("parseInboundMessage expects the message as a Uint8Array");
  }
  return parseAtDepth(raw, receipt, 0);
}
