/**
 * Parsing a received email into an {@link InboundMessage}: Mailroom splits the MIME tree itself
 * (so bodies and attachments are exactly the sender's bytes, and the work is bounded), and reads
 * addresses and RFC 2047 encoded-words with postal-mime's header helpers.
 *
 * @module
 */
import type { Address } from "postal-mime";

import { decodeCharset } from "./charset";
import { HeaderMap } from "./header-map";
import { toInboundAddresses } from "./inbound-address";
import { isInlinePart, toAttachment } from "./inbound-parts";
import type { MimePart } from "./mime-tree";
import { splitMime } from "./mime-tree";
import { InboundParseError } from "./parse-error";
import { decodeTransferEncoding } from "./transfer-decoding";
import type { InboundAttachment, InboundMessage, InboundReceiptInfo } from "./types";
import { normalizeVerdicts, spamDetectedFrom } from "./verdicts";
import { AttachedParseBudget, MAX_ATTACHED_DEPTH, WorkBudget } from "./work-budget";

/** The header helpers taken from postal-mime. */
interface HeaderHelpers {
  addressParser(value: string): Address[];
  decodeWords(value: string): string;
}

let helpers: Promise<HeaderHelpers> | undefined;

/**
 * Loaded on first use, once: code that only sends (and imports "mailroom-ses" without its
 * webhooks) never loads the parser, and later parses do not pay for a module lookup each time.
 */
function loadHelpers(): Promise<HeaderHelpers> {
  helpers ??= import("postal-mime").then((module) => ({
    addressParser: (value) => module.addressParser(value),
    decodeWords: (value) => module.decodeWords(value),
  }));
  return helpers;
}

/** What every parse in one family (a received message and its attached ones) shares. */
interface ParseContext {
  helpers: HeaderHelpers;
  family: AttachedParseBudget;
  depth: number;
}

function toDate(value: string | undefined): Date | undefined {
  if (value === undefined) {
    return undefined;
  }
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

/** The text bodies: inline text/plain and text/html leaves, decoded, in tree order. */
interface Bodies {
  text: string[];
  html: string[];
}

function isBodyText(part: MimePart): boolean {
  return (
    part.disposition !== "attachment" &&
    (part.contentType === "text/plain" || part.contentType === "text/html")
  );
}

function joinBodies(bodies: readonly string[]): string | undefined {
  if (bodies.length === 0) {
    return undefined;
  }
  return bodies.filter((body, index) => body !== "" || index === bodies.length - 1).join("\n");
}

class MessageBuilder {
  readonly bodies: Bodies = { text: [], html: [] };
  readonly parts: InboundAttachment[] = [];
  readonly attachments: InboundAttachment[] = [];
  readonly inlines: InboundAttachment[] = [];
  readonly contentIdMap = new Map<string, InboundAttachment>();

  constructor(
    private readonly raw: Uint8Array,
    private readonly budget: WorkBudget,
    private readonly context: ParseContext,
  ) {}

  walk(part: MimePart, related: boolean): void {
    if (part.multipart !== undefined) {
      const inRelated = related || part.multipart === "related";
      for (const child of part.children) {
        this.walk(child, inRelated);
      }
      return;
    }
    const body = this.raw.subarray(part.bodyStart, part.bodyEnd);
    const content = decodeTransferEncoding(body, part.transferEncoding);
    if (content !== body) {
      this.budget.addDecodedBytes(content.byteLength);
    }
    if (isBodyText(part)) {
      const text = decodeCharset(content, part.contentTypeParams.get("charset"));
      const bodies = part.contentType === "text/html" ? this.bodies.html : this.bodies.text;
      // An empty part adds nothing, not even the separator (a stray delimiter at the end opens one).
      if (text !== "" || bodies.length === 0) {
        bodies.push(text);
      }
      return;
    }
    const attachment = toAttachment(part, content, this.context.helpers.decodeWords, (bytes) =>
      parseAttached(bytes, this.context),
    );
    this.parts.push(attachment);
    (isInlinePart(part, related) ? this.inlines : this.attachments).push(attachment);
    // First wins: a later part cannot take over a cid the HTML already points at.
    if (attachment.contentId !== undefined && !this.contentIdMap.has(attachment.contentId)) {
      this.contentIdMap.set(attachment.contentId, attachment);
    }
  }
}

function addresses(headers: HeaderMap, name: string, context: ParseContext) {
  const parsed: Address[] = [];
  for (const value of headers.getAll(name)) {
    if (value !== "") {
      parsed.push(...context.helpers.addressParser(value));
    }
  }
  return toInboundAddresses(parsed);
}

function parseWithin(
  raw: Uint8Array,
  receipt: InboundReceiptInfo | undefined,
  context: ParseContext,
): InboundMessage {
  const budget = new WorkBudget(raw.byteLength, context.family);
  const root = splitMime(raw, budget);
  const builder = new MessageBuilder(raw, budget, context);
  builder.walk(root, false);
  const headers = new HeaderMap(root.headers);
  const decoded = (name: string): string | undefined => {
    const value = headers.get(name);
    return value === undefined || value === "" ? undefined : context.helpers.decodeWords(value);
  };
  const fromAddresses = addresses(headers, "from", context);
  const senderAddresses = addresses(headers, "sender", context);
  const verdicts = normalizeVerdicts(receipt?.verdicts);
  const { parts } = builder;
  let attached: InboundMessage[] | undefined;
  return {
    from: fromAddresses[0],
    fromAddresses,
    sender: senderAddresses[0],
    senderAddresses,
    to: addresses(headers, "to", context),
    cc: addresses(headers, "cc", context),
    bcc: addresses(headers, "bcc", context),
    replyTo: addresses(headers, "reply-to", context),
    subject: decoded("subject"),
    date: toDate(headers.get("date")),
    messageId: decoded("message-id"),
    inReplyTo: decoded("in-reply-to"),
    references: messageIds(decoded("references")),
    text: joinBodies(builder.bodies.text),
    html: joinBodies(builder.bodies.html),
    headers,
    attachments: builder.attachments,
    inlines: builder.inlines,
    contentIdMap: builder.contentIdMap,
    get attachedMessages(): InboundMessage[] {
      attached ??= parts.flatMap((part) => (part.message === undefined ? [] : [part.message]));
      return attached;
    },
    envelopeSender: receipt?.envelopeSender,
    envelopeRecipient: receipt?.envelopeRecipient,
    verdicts,
    spamDetected: spamDetectedFrom(verdicts.spam),
    raw,
  };
}

/** Parse an attached email on demand, within the family's depth and count budget. */
function parseAttached(bytes: Uint8Array, context: ParseContext): InboundMessage | undefined {
  if (context.depth >= MAX_ATTACHED_DEPTH || !context.family.take()) {
    return undefined; // the bytes stay available as the attachment's content
  }
  try {
    return parseWithin(bytes, undefined, { ...context, depth: context.depth + 1 });
  } catch (err) {
    if (err instanceof InboundParseError) {
      return undefined; // a broken attached email stays an attachment (bytes only)
    }
    throw err;
  }
}

/**
 * Parse a received email (the raw MIME bytes, as SES stores or sends them) into an
 * {@link InboundMessage}, losslessly: attachments are the exact bytes the sender encoded (only
 * the transfer encoding is undone), bodies are decoded by transfer encoding and charset and
 * never re-wrapped, and attached emails keep their original bytes. Malformed headers and
 * addresses never throw; they become empty, partial or `undefined` values. Attached emails
 * (`message/rfc822`) are parsed when first read (`attachment.message`, `attachedMessages`), up
 * to five levels deep and 1,000 per received message.
 *
 * The work is bounded: at most 10,000 MIME parts, 2 MiB of headers and multiparts nested 256
 * deep per message; over that, the message is refused with an {@link InboundParseError}.
 *
 * @param raw - the message bytes; kept as `message.raw` (attachments may share its memory)
 * @param receipt - the SMTP envelope and verdicts from the receiving service, when known
 * @throws InboundParseError when the message is over the parsing budget (`err.limit` says which)
 * @example
 * ```ts
 * import { parseInboundMessage } from "mailroom-ses";
 *
 * declare const bytes: Uint8Array;
 * declare function save(name: string, content: Uint8Array): Promise<void>;
 * const message = await parseInboundMessage(bytes, {
 *   envelopeSender: "bounces@example.org",
 *   envelopeRecipient: "support@example.com",
 *   verdicts: { spam: "PASS", virus: "PASS" },
 * });
 * message.subject; // "Test inbound message"
 * message.spamDetected; // false
 * for (const file of message.attachments) await save(file.filename ?? "unnamed", file.content);
 * ```
 */
export async function parseInboundMessage(
  raw: Uint8Array,
  receipt?: InboundReceiptInfo,
): Promise<InboundMessage> {
  if (!(raw instanceof Uint8Array)) {
    throw new TypeError("parseInboundMessage expects the message as a Uint8Array");
  }
  const context: ParseContext = { helpers: await loadHelpers(), family: new AttachedParseBudget(), depth: 0 };
  return parseWithin(raw, receipt, context);
}
