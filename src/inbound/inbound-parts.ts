/**
 * Sorting postal-mime's attachment list into Mailroom's attachments, inlines and Content-ID map.
 *
 * @module
 */
import type { Attachment } from "postal-mime";

import type { InboundAttachment, InboundMessage } from "./types";

/**
 * Parses one attached `message/rfc822` part; `undefined` when it is nested too deep or cannot be
 * parsed (a broken forwarded message must not cost the message that carries it).
 *
 * @example
 * ```ts
 * const parseAttached: AttachedMessageParser = async (bytes) => parseInboundMessage(bytes).catch(() => undefined);
 * ```
 */
export type AttachedMessageParser = (bytes: Uint8Array) => Promise<InboundMessage | undefined>;

/**
 * The non-body parts of a message, sorted.
 *
 * @example
 * ```ts
 * const { attachments, inlines, contentIdMap, attachedMessages } = await sortParts(email.attachments, parse);
 * ```
 */
export interface SortedParts {
  attachments: InboundAttachment[];
  inlines: InboundAttachment[];
  contentIdMap: Map<string, InboundAttachment>;
  attachedMessages: InboundMessage[];
}

function toBytes(content: Attachment["content"]): Uint8Array {
  if (typeof content === "string") {
    // Only reachable with postal-mime's base64/utf8 attachment encodings, which we never ask for.
    return new TextEncoder().encode(content);
  }
  // A view, not a copy: a large attachment should live in memory once.
  return content instanceof Uint8Array ? content : new Uint8Array(content);
}

/** `<logo@example.com>` → `logo@example.com`; whitespace and a missing bracket are tolerated. */
function bareContentId(contentId: string | undefined): string | undefined {
  if (contentId === undefined) {
    return undefined;
  }
  const trimmed = contentId.trim();
  const bare = trimmed.startsWith("<") && trimmed.endsWith(">") ? trimmed.slice(1, -1).trim() : trimmed;
  return bare === "" ? undefined : bare;
}

/**
 * A part is inline when its Content-Disposition says so, or when it has none and sits in a
 * multipart/related with a Content-ID (how most clients send images the HTML shows); every other
 * part, including one without any disposition, is an attachment, so no part is ever dropped.
 */
function isInline(part: Attachment): boolean {
  return part.disposition === "inline" || (part.disposition === null && part.related === true);
}

/**
 * Convert postal-mime's attachments (parsed with `forceRfc822Attachments`, so every attached
 * email arrives as bytes) into {@link InboundAttachment}s, parse each attached email with
 * `parseAttached`, and sort them.
 *
 * @example
 * ```ts
 * const parts = await sortParts(email.attachments, (bytes) => parseNested(bytes, depth + 1));
 * parts.contentIdMap.get("logo@example.com")?.contentType; // "image/png"
 * ```
 */
export async function sortParts(
  parts: readonly Attachment[],
  parseAttached: AttachedMessageParser,
): Promise<SortedParts> {
  const sorted: SortedParts = { attachments: [], inlines: [], contentIdMap: new Map(), attachedMessages: [] };
  for (const part of parts) {
    const content = toBytes(part.content);
    const message = part.mimeType === "message/rfc822" ? await parseAttached(content) : undefined;
    const attachment: InboundAttachment = {
      filename: part.filename ?? undefined,
      contentType: part.mimeType,
      content,
      size: content.byteLength,
      contentId: bareContentId(part.contentId),
      disposition: part.disposition ?? undefined,
      description: part.description,
      message,
    };
    (isInline(part) ? sorted.inlines : sorted.attachments).push(attachment);
    if (message !== undefined) {
      sorted.attachedMessages.push(message);
    }
    // First wins: a later part cannot take over a cid the HTML already points at.
    if (attachment.contentId !== undefined && !sorted.contentIdMap.has(attachment.contentId)) {
      sorted.contentIdMap.set(attachment.contentId, attachment);
    }
  }
  return sorted;
}
