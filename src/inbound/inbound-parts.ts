/**
 * Turning the leaves of a MIME tree into Mailroom's attachments, inlines and Content-ID map.
 *
 * @module
 */
import type { MimePart } from "./mime-tree";
import type { InboundAttachment, InboundMessage } from "./types";

/**
 * Parses one attached email on demand; `undefined` when it is nested too deep, over the
 * family's budget, or cannot be parsed (a broken forwarded message must not cost the message
 * that carries it).
 *
 * @example
 * ```ts
 * const parseAttached: AttachedMessageParser = (bytes) => undefined;
 * ```
 */
export type AttachedMessageParser = (bytes: Uint8Array) => InboundMessage | undefined;

/** Header decoding the parts need (RFC 2047 encoded-words). */
export type WordDecoder = (text: string) => string;

// Media types whose content is a whole email: attached (forwarded, bounced) messages.
const MESSAGE_TYPES = new Set(["message/rfc822", "message/global"]);

/** `<logo@example.com>` → `logo@example.com`; whitespace and a missing bracket are tolerated. */
function bareContentId(contentId: string | undefined): string | undefined {
  if (contentId === undefined) {
    return undefined;
  }
  const trimmed = contentId.trim();
  const bare = trimmed.startsWith("<") && trimmed.endsWith(">") ? trimmed.slice(1, -1).trim() : trimmed;
  return bare === "" ? undefined : bare;
}

function header(part: MimePart, name: string): string | undefined {
  for (const [key, value] of part.headers) {
    if (key.toLowerCase() === name) {
      return value;
    }
  }
  return undefined;
}

/**
 * A part is inline when its Content-Disposition says so, or when it has none and sits in a
 * multipart/related with a Content-ID (how most clients send images the HTML shows); every other
 * part, including one without any disposition, is an attachment, so no part is ever dropped.
 *
 * @example
 * ```ts
 * isInlinePart(part, insideRelated); // true for <img src="cid:…"> images
 * ```
 */
export function isInlinePart(part: MimePart, related: boolean): boolean {
  return (
    part.disposition === "inline" ||
    (part.disposition === undefined && related && header(part, "content-id") !== undefined)
  );
}

/**
 * Build the {@link InboundAttachment} for one leaf whose content is already transfer-decoded.
 * For an attached email, `message` is parsed on first access (then kept) with `parseAttached`.
 *
 * @example
 * ```ts
 * const attachment = toAttachment(part, content, decodeWords, parseAttached);
 * attachment.message?.subject; // parsed now, for a message/rfc822 part
 * ```
 */
export function toAttachment(
  part: MimePart,
  content: Uint8Array,
  decodeWords: WordDecoder,
  parseAttached: AttachedMessageParser,
): InboundAttachment {
  const filename = part.dispositionParams.get("filename") ?? part.contentTypeParams.get("name");
  const description = header(part, "content-description");
  const isMessage = MESSAGE_TYPES.has(part.contentType);
  // null: not parsed yet. Parsing waits for the first reader, so a digest of thousands of
  // messages costs nothing until (and unless) someone looks at them.
  let parsed: InboundMessage | undefined | null = isMessage ? null : undefined;
  return {
    filename: filename === undefined || filename === "" ? undefined : decodeWords(filename),
    contentType: part.contentType,
    content,
    size: content.byteLength,
    contentId: bareContentId(header(part, "content-id")),
    disposition: part.disposition,
    description: description === undefined ? undefined : decodeWords(description),
    get message(): InboundMessage | undefined {
      if (parsed === null) {
        parsed = parseAttached(content);
      }
      return parsed;
    },
  };
}
