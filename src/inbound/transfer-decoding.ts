/**
 * Content-Transfer-Encoding decoders that work on bytes and change nothing else: base64 and
 * quoted-printable are undone, every other encoding (7bit, 8bit, binary, unknown ones) hands the
 * bytes back as they are. No line ending is rewritten, no trailing newline added or removed.
 *
 * @module
 */

// base64 alphabet value of each byte; -1 for everything else (line breaks, spaces, junk).
const BASE64_VALUES = (() => {
  const table = new Int8Array(256).fill(-1);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (let i = 0; i < alphabet.length; i += 1) {
    table[alphabet.charCodeAt(i)] = i;
  }
  return table;
})();

const EQUALS = 0x3d;
const CR = 0x0d;
const LF = 0x0a;
const SPACE = 0x20;
const TAB = 0x09;

/**
 * Decode base64 leniently, as mail needs: bytes outside the alphabet (line breaks, spaces) are
 * skipped, and `=` ends a quantum, so base64 joined from several padded pieces decodes to the
 * pieces' bytes joined.
 *
 * @example
 * ```ts
 * decodeBase64Bytes(new TextEncoder().encode("aGVs\r\nbG8=")); // the bytes of "hello"
 * ```
 */
export function decodeBase64Bytes(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.floor((input.length * 3) / 4) + 3);
  let written = 0;
  let accumulator = 0;
  let bits = 0;
  const length = input.length;
  let i = 0;
  while (i < length) {
    // Fast path: four alphabet bytes on a quantum boundary (almost all of a MIME base64 body).
    if (bits === 0 && i + 4 <= length) {
      const a = BASE64_VALUES[input[i] as number] as number;
      const b = BASE64_VALUES[input[i + 1] as number] as number;
      const c = BASE64_VALUES[input[i + 2] as number] as number;
      const d = BASE64_VALUES[input[i + 3] as number] as number;
      if ((a | b | c | d) >= 0) {
        out[written] = (a << 2) | (b >> 4);
        out[written + 1] = ((b & 15) << 4) | (c >> 2);
        out[written + 2] = ((c & 3) << 6) | d;
        written += 3;
        i += 4;
        continue;
      }
    }
    const byte = input[i] as number;
    i += 1;
    const value = BASE64_VALUES[byte] as number;
    if (value >= 0) {
      accumulator = ((accumulator << 6) | value) & 0xffffff;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out[written] = (accumulator >>> bits) & 0xff;
        written += 1;
      }
    } else if (byte === EQUALS) {
      // Padding: the bits left over are not data.
      accumulator = 0;
      bits = 0;
    }
  }
  return out.subarray(0, written);
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) {
    return byte - 0x30;
  }
  const lower = byte | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/** Index after the run of spaces and tabs starting at `from`. */
function skipWhitespace(input: Uint8Array, from: number): number {
  let i = from;
  while (i < input.length && (input[i] === SPACE || input[i] === TAB)) {
    i += 1;
  }
  return i;
}

/** Whether a line break (CRLF or a lone LF) or the end of the data starts at `i`. */
function isLineEnd(input: Uint8Array, i: number): boolean {
  return i >= input.length || input[i] === LF || (input[i] === CR && input[i + 1] === LF);
}

/**
 * Decode quoted-printable (RFC 2045 §6.7): `=XX` becomes the byte, `=` at the end of a line is a
 * soft line break, whitespace at the end of a line is transport padding and goes. Line breaks are
 * kept exactly as they are (CRLF stays CRLF, a lone LF stays LF); a malformed `=` stays as it is.
 *
 * @example
 * ```ts
 * decodeQuotedPrintableBytes(new TextEncoder().encode("caf=C3=A9 =\r\nau lait")); // "café au lait"
 * ```
 */
export function decodeQuotedPrintableBytes(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(input.length);
  let written = 0;
  let i = 0;
  while (i < input.length) {
    const byte = input[i] as number;
    if (byte === EQUALS) {
      const high = hexValue(input[i + 1] ?? -1);
      const low = hexValue(input[i + 2] ?? -1);
      if (high >= 0 && low >= 0) {
        out[written] = (high << 4) | low;
        written += 1;
        i += 3;
        continue;
      }
      const afterSpace = skipWhitespace(input, i + 1);
      if (isLineEnd(input, afterSpace)) {
        // Soft line break: the encoder wrapped a long line here.
        i = afterSpace >= input.length ? afterSpace : afterSpace + (input[afterSpace] === CR ? 2 : 1);
        continue;
      }
    } else if (byte === SPACE || byte === TAB) {
      const afterSpace = skipWhitespace(input, i);
      if (isLineEnd(input, afterSpace)) {
        i = afterSpace; // trailing whitespace was added in transport; the encoder writes =20
        continue;
      }
      out.set(input.subarray(i, afterSpace), written);
      written += afterSpace - i;
      i = afterSpace;
      continue;
    }
    out[written] = byte;
    written += 1;
    i += 1;
  }
  return out.subarray(0, written);
}

/**
 * Undo a part's Content-Transfer-Encoding. base64 and quoted-printable return new bytes; any
 * other encoding returns `body` itself (the same memory), because its bytes are the content.
 *
 * @param encoding - the header's value, any case (`undefined` when absent: 7bit)
 * @example
 * ```ts
 * decodeTransferEncoding(bytes, "BASE64");
 * decodeTransferEncoding(bytes, "8bit") === bytes; // true
 * ```
 */
export function decodeTransferEncoding(body: Uint8Array, encoding: string | undefined): Uint8Array {
  switch (encoding?.trim().toLowerCase()) {
    case "base64":
      return decodeBase64Bytes(body);
    case "quoted-printable":
      return decodeQuotedPrintableBytes(body);
    default:
      return body;
  }
}
