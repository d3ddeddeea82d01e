import { encode as base64Encode, wrap as base64Wrap } from "nodemailer/lib/base64";
import { encode as qpEncode, wrap as qpWrap } from "nodemailer/lib/qp";
import type MimeNode from "nodemailer/lib/mime-node";

import { SerializationError } from "../../errors";

const LINE_LENGTH = 76;
// RFC 5322 §2.1.1 / RFC 5321 §4.5.3.1.6: no line may exceed 998 octets before its CRLF.
const MAX_LINE = 998;
// What may appear in a 7-bit message: printable ASCII, TAB, and CR LF as a pair.
const NOT_7BIT = /[^\t\r\n\x20-\x7e]/;
const BARE_CR_OR_LF = /\r(?!\n)|(?<!\r)\n/;

/** Whether some line is longer than MAX_LINE (a walk over line ends: linear, unlike a regex). */
function hasLongLine(text: string): boolean {
  let start = 0;
  for (;;) {
    const end = text.indexOf("\r\n", start);
    if ((end === -1 ? text.length : end) - start > MAX_LINE) {
      return true;
    }
    if (end === -1) {
      return false;
    }
    start = end + 2;
  }
}

/**
 * The last line of defence against header injection and 8-bit leaks: whatever the checks
 * before it missed (a field that slipped past validation, a composer that copied a value
 * verbatim), the bytes handed to SES are 7-bit, CRLF-only, with lines of at most 998 octets.
 * Why here: a "\u010D\u010A" in any header would become CR LF below, when the text is written as
 * Latin-1.
 */
function assertSevenBit(text: string): void {
  const bad = NOT_7BIT.exec(text);
  if (bad !== null) {
    const code = (bad[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0");
    throw new SerializationError(
      `Refusing to send a MIME message with the character U+${code} at offset ${bad.index}: every byte must be 7-bit`,
    );
  }
  if (BARE_CR_OR_LF.test(text)) {
    throw new SerializationError(
      "Refusing to send a MIME message with a bare CR or LF: lines must end in CRLF",
    );
  }
  if (hasLongLine(text)) {
    throw new SerializationError(`Refusing to send a MIME message with a line over ${MAX_LINE} octets`);
  }
}

function contentOf(node: MimeNode): string | Buffer | undefined {
  const { content } = node;
  if (content === undefined || content === null || (typeof content === "string" && content === "")) {
    return undefined;
  }
  if (typeof content === "string" || Buffer.isBuffer(content)) {
    return content;
  }
  // Mailroom only ever hands the composer strings and Buffers (no files, URLs or streams).
  throw new TypeError("mime-serializer: only string and Buffer content can be serialized synchronously");
}

function encodeContent(node: MimeNode): string {
  const content = contentOf(node);
  if (content === undefined) {
    return "";
  }
  switch (node.getTransferEncoding()) {
    case "base64":
      return base64Wrap(base64Encode(content), LINE_LENGTH);
    case "quoted-printable":
      return qpWrap(qpEncode(content), LINE_LENGTH);
    default:
      return typeof content === "string" ? content : content.toString("latin1");
  }
}

function serializeNode(node: MimeNode, out: string[]): void {
  out.push(`${node.buildHeaders()}\r\n\r\n`, encodeContent(node));
  if (node.multipart) {
    node.childNodes.forEach((child, index) => {
      out.push(`${index > 0 ? "\r\n" : ""}--${String(node.boundary)}\r\n`);
      serializeNode(child, out);
    });
    out.push(`\r\n--${String(node.boundary)}--\r\n`);
  }
}

/**
 * Serialize a compiled nodemailer MIME tree synchronously, the same bytes `node.build()` gives.
 *
 * Why: `build()` streams every part through its own Transform streams with setImmediate hops,
 * which costs about 200 µs for even a tiny message, as much as the SES API call itself. The tree,
 * the header encoding and the body encoders are still nodemailer's; only the walk is ours. A
 * property test keeps the output byte-identical to `build()`.
 *
 * @throws SerializationError when the result would not be 7-bit, CRLF-only, with lines of at
 *   most 998 octets (never emitted: the message is refused instead)
 * @example
 * ```ts
 * const bytes = serializeMimeTree(new MailComposer(options).compile());
 * ```
 */
export function serializeMimeTree(root: MimeNode): Uint8Array {
  const out: string[] = [];
  serializeNode(root, out);
  let text = out.join("");
  // nodemailer's output always ends with a newline (its LastNewline stage).
  if (!text.endsWith("\n")) {
    text += "\r\n";
  }
  assertSevenBit(text);
  // Checked 7-bit just above, so Latin-1, ASCII and UTF-8 all give the same bytes.
  return Buffer.from(text, "latin1");
}
