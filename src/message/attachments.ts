import { isUtf8 } from "node:buffer";
import { randomUUID } from "node:crypto";

import { detectMimeType } from "nodemailer/lib/mime-funcs";

import { InvalidMessageError } from "../errors";
import { charsetOf, isContentId, isUtf8Label, parseMediaType } from "./mime-tokens";
import type { MediaType } from "./mime-tokens";
import type { Attachment, NormalizedAttachment } from "./types";

const encoder = new TextEncoder();

// Controls, Unicode line breaks and lone surrogates (which no encoder can turn into UTF-8).
// eslint-disable-next-line no-control-regex -- the point is to find control characters
const UNSAFE_FILENAME = /[\u0000-\u001f\u007f\u0085\u2028\u2029]|\p{Cs}/u;

const KNOWN_FIELDS = new Set(["filename", "content", "contentType", "contentId", "disposition"]);

// nodemailer's attachment fields, and what to write instead: people bring these along, and a
// silently ignored `cid` turns an inline image into a plain attachment.
const NODEMAILER_HINTS: Record<string, string> = {
  cid: "use `contentId` (without angle brackets)",
  contentDisposition: 'use `disposition` ("attachment" or "inline")',
  encoding: 'decode the content yourself and pass the bytes, e.g. `content: Buffer.from(text, "base64")`',
  path: "read the file yourself and pass its bytes, e.g. `content: await readFile(path)` (Mailroom never reads files)",
  href: "download it yourself and pass the bytes (Mailroom never fetches URLs)",
  contentTransferEncoding: "leave it out: Mailroom picks a 7-bit safe transfer encoding for every part",
  headers: "per-attachment headers are not supported",
  raw: "pass the part's content as `content` and its type as `contentType`",
  type: "use `contentType`",
  name: "use `filename`",
  fileName: "use `filename`",
};

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

function isStreamLike(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    (typeof (value as { pipe?: unknown }).pipe === "function" ||
      typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === "function")
  );
}

function checkFields(attachment: Attachment, field: string): void {
  if (typeof attachment !== "object" || attachment === null || Array.isArray(attachment)) {
    throw new InvalidMessageError(`\`${field}\` must be an object like { filename, content }`, field);
  }
  for (const key of Object.keys(attachment)) {
    if (!KNOWN_FIELDS.has(key)) {
      const hint = NODEMAILER_HINTS[key];
      throw new InvalidMessageError(
        `Unknown attachment field \`${field}.${key}\`${hint === undefined ? "" : `: ${hint}`}`,
        `${field}.${key}`,
      );
    }
  }
}

function checkContent(content: unknown, field: string): asserts content is string | Uint8Array {
  if (typeof content === "string" || content instanceof Uint8Array) {
    return;
  }
  const hint = isStreamLike(content)
    ? ": collect the stream into a Uint8Array first (Mailroom sends whole attachments and checks their size)"
    : "";
  throw new InvalidMessageError(
    `\`${field}.content\` must be a string or a Uint8Array${hint}`,
    `${field}.content`,
  );
}

/** Why: a `text/*` part without a charset is read as US-ASCII, and anything else becomes mojibake. */
function withCharset(
  contentType: string,
  media: MediaType,
  content: string | Uint8Array,
  field: string,
): string {
  const charset = charsetOf(media);
  if (typeof content === "string") {
    if (charset !== undefined && !isUtf8Label(charset)) {
      throw new InvalidMessageError(
        `\`${field}.contentType\` says charset=${charset}, but string content is sent as UTF-8: drop the charset, or pass the encoded bytes as a Uint8Array`,
        `${field}.contentType`,
      );
    }
    return charset === undefined ? `${contentType}; charset=utf-8` : contentType;
  }
  if (charset !== undefined) {
    return contentType;
  }
  if (!isUtf8(content)) {
    throw new InvalidMessageError(
      `\`${field}\` is ${contentType} without a charset and its bytes are not UTF-8: say which charset they are in, e.g. "${contentType}; charset=iso-8859-1"`,
      `${field}.contentType`,
    );
  }
  return `${contentType}; charset=utf-8`;
}

/**
 * Turn an attachment into bytes with a resolved content type and disposition.
 *
 * @param index - its position in `attachments`, named in errors
 * @throws InvalidMessageError for an unknown field (with the Mailroom name for nodemailer's),
 *   content that is not a string or bytes, a content type, Content-ID or disposition outside the
 *   MIME grammar, a `multipart/*` type, or a control character in the file name
 * @example
 * ```ts
 * normalizeAttachment({ filename: "a.txt", content: "hi" }, 0).contentType; // "text/plain; charset=utf-8"
 * ```
 */
export function normalizeAttachment(attachment: Attachment, index: number): NormalizedAttachment {
  const field = `attachments[${index}]`;
  checkFields(attachment, field);
  const { content, filename, contentId, disposition } = attachment;
  checkContent(content, field);
  if (filename !== undefined) {
    if (typeof filename !== "string" || UNSAFE_FILENAME.test(filename)) {
      throw new InvalidMessageError(
        `\`${field}.filename\` must be a string without CR or LF, other control characters, Unicode line breaks or lone surrogates`,
        `${field}.filename`,
      );
    }
  }
  if (contentId !== undefined && (typeof contentId !== "string" || !isContentId(contentId))) {
    throw new InvalidMessageError(
      `\`${field}.contentId\` must be an ASCII Content-ID such as "logo@example.com" (RFC 2392, no angle brackets or spaces), got ${JSON.stringify(contentId)}`,
      `${field}.contentId`,
    );
  }
  if (disposition !== undefined && disposition !== "attachment" && disposition !== "inline") {
    throw new InvalidMessageError(
      `\`${field}.disposition\` must be "attachment" or "inline", got ${JSON.stringify(disposition)}`,
      `${field}.disposition`,
    );
  }
  const given = attachment.contentType ?? guessContentType(filename);
  const media = typeof given === "string" ? parseMediaType(given) : undefined;
  if (media === undefined) {
    throw new InvalidMessageError(
      `\`${field}.contentType\` is not an ASCII MIME type like "application/pdf" (RFC 2045): ${JSON.stringify(given)}`,
      `${field}.contentType`,
    );
  }
  if (media.type === "multipart") {
    // The composer would turn it into an empty multipart node: the recipient gets nothing.
    throw new InvalidMessageError(
      `\`${field}.contentType\` is ${media.type}/${media.subtype}, which cannot be attached as a file: send the bytes as application/octet-stream, or attach a whole message as message/rfc822`,
      `${field}.contentType`,
    );
  }
  const contentType = media.type === "text" ? withCharset(given.trim(), media, content, field) : given.trim();
  return {
    filename,
    content: typeof content === "string" ? encoder.encode(content) : content,
    contentType,
    contentId,
    disposition: disposition ?? (contentId === undefined ? "attachment" : "inline"),
  };
}
