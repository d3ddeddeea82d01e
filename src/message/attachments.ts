import { randomUUID } from "node:crypto";

import { detectMimeType } from "nodemailer/lib/mime-funcs";

import { InvalidMessageError } from "../errors";
import type { Attachment, NormalizedAttachment } from "./types";

const encoder = new TextEncoder();
// Content-ID is an RFC 5322 msg-id without the brackets: no spaces, no brackets, no line breaks.
const CONTENT_ID = /^[^\s<>"]+$/;
const CONTENT_TYPE = /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+(\s*;.*)?$/;

/**
 * Generate a unique Content-ID for an inline image, to reference from HTML as `cid:<id>`.
 *
 * @example
 * ```ts
 * const cid = makeContentId(); // "img.1b4e28ba-2fa1-11d2-883f-0016d3cca427@mailroom.inline"
 * const html = `<img src="cid:${cid}">`;
 * ```
 */
export function makeContentId(): string {
  return `img.${randomUUID()}@mailroom.inline`;
}

/**
 * Build an inline image attachment; reference it from the HTML body as `cid:<attachment.contentId>`.
 *
 * @example
 * ```ts
 * const logo = inlineImage({ filename: "logo.png", content: pngBytes });
 * await mailer.send({ ...message, html: `<img src="cid:${logo.contentId}">`, attachments: [logo] });
 * ```
 */
export function inlineImage(options: {
  filename?: string;
  content: Uint8Array | string;
  contentType?: string;
  contentId?: string;
}): Attachment & { contentId: string } {
  return {
    filename: options.filename,
    content: options.content,
    contentType: options.contentType,
    contentId: options.contentId ?? makeContentId(),
    disposition: "inline",
  };
}

/**
 * Guess a MIME type from a file name (`application/octet-stream` when unknown).
 *
 * @example
 * ```ts
 * guessContentType("invoice.pdf"); // "application/pdf"
 * ```
 */
export function guessContentType(filename: string | undefined): string {
  if (filename === undefined || !filename.includes(".")) {
    return "application/octet-stream";
  }
  return detectMimeType(filename.slice(filename.lastIndexOf(".") + 1).toLowerCase());
}

/**
 * Turn an attachment into bytes with a resolved content type and disposition.
 *
 * @param index - its position in `attachments`, named in errors
 * @throws InvalidMessageError for a missing content, a malformed content type or Content-ID, or a
 *   CR/LF in the file name
 * @example
 * ```ts
 * normalizeAttachment({ filename: "a.txt", content: "hi" }, 0).contentType; // "text/plain; charset=utf-8"
 * ```
 */
export function normalizeAttachment(attachment: Attachment, index: number): NormalizedAttachment {
  const field = `attachments[${index}]`;
  const { content, filename, contentId } = attachment;
  if (typeof content !== "string" && !(content instanceof Uint8Array)) {
    throw new InvalidMessageError(`\`${field}.content\` must be a string or a Uint8Array`, field);
  }
  if (filename !== undefined && /[\r\n]/.test(filename)) {
    throw new InvalidMessageError(`\`${field}.filename\` contains a CR or LF character`, field);
  }
  if (contentId !== undefined && !CONTENT_ID.test(contentId)) {
    throw new InvalidMessageError(
      `\`${field}.contentId\` must be a Content-ID without angle brackets or spaces, got '${contentId}'`,
      field,
    );
  }
  let contentType = attachment.contentType ?? guessContentType(filename);
  if (!CONTENT_TYPE.test(contentType) || /[\r\n]/.test(contentType)) {
    throw new InvalidMessageError(`\`${field}.contentType\` is not a MIME type: '${contentType}'`, field);
  }
  if (typeof content === "string" && contentType.startsWith("text/") && !/;\s*charset=/i.test(contentType)) {
    // String content is encoded as UTF-8, so say so rather than let readers guess.
    contentType = `${contentType}; charset=utf-8`;
  }
  return {
    filename,
    content: typeof content === "string" ? encoder.encode(content) : content,
    contentType,
    contentId,
    disposition: attachment.disposition ?? (contentId === undefined ? "attachment" : "inline"),
  };
}
