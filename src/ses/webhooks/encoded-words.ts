/**
 * RFC 2047 encoded-word decoding for header values SES echoes back in `mail.headers`. SES passes
 * the sent headers through untouched, so a tag or metadata header that a composer encoded
 * (nodemailer Q-encodes any value containing `"`; Anymail B- or Q-encodes non-ASCII tags) arrives
 * still encoded and must be decoded before use.
 *
 * @module
 */

// charset (optionally with an RFC 2231 "*language" suffix), encoding, encoded text.
const ENCODED_WORD = /=\?([^?\s*]+)(?:\*[^?\s]*)?\?([QqBb])\?([^?\s]*)\?=/g;
const utf8 = new TextEncoder();

/** The value of one hexadecimal digit's char code, or -1. */
function hexDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) {
    return code - 0x30;
  }
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

// Loops that push one byte at a time, never `push(...bytes)`: spreading a long word's bytes as
// call arguments overflows the stack (a RangeError on a header anyone can write).
function appendQ(text: string, out: number[]): void {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x5f) {
      // RFC 2047 §4.2: "_" always stands for a space (0x20), whatever the charset.
      out.push(0x20);
      continue;
    }
    if (code === 0x3d) {
      const high = hexDigit(text.charCodeAt(i + 1));
      const low = hexDigit(text.charCodeAt(i + 2));
      if (high >= 0 && low >= 0) {
        out.push(high * 16 + low);
        i += 2;
        continue;
      }
    }
    if (code < 0x80) {
      out.push(code);
      continue;
    }
    // Not allowed in Q text, but kept as its UTF-8 bytes rather than lost.
    const point = text.codePointAt(i) ?? code;
    for (const byte of utf8.encode(String.fromCodePoint(point))) {
      out.push(byte);
    }
    if (point > 0xffff) {
      i += 1;
    }
  }
}

/** False when `text` is not base64 (the word is then left as it is). */
function appendB(text: string, out: number[]): boolean {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return false;
  }
  for (let i = 0; i < binary.length; i++) {
    out.push(binary.charCodeAt(i));
  }
  return true;
}

// WHATWG windows-1252 for 0x80-0x9F. The WHATWG Encoding standard decodes every Latin-1 label
// (iso-8859-1, latin1, us-ascii...) as windows-1252, but Node 20's TextDecoder has a fast path
// that decodes them as plain ISO-8859-1 (0x80 becomes U+0080 instead of "€"), so do it here.
const WINDOWS_1252_C1 =
  "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f" +
  "\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178";

function decodeBytes(charset: string, bytes: readonly number[]): string | undefined {
  let decoder: TextDecoder;
  try {
    // WHATWG labels cover utf-8, iso-8859-x, windows-125x...; unknown labels throw RangeError.
    decoder = new TextDecoder(charset);
  } catch {
    return undefined;
  }
  if (decoder.encoding === "windows-1252") {
    let text = "";
    for (const byte of bytes) {
      text += byte >= 0x80 && byte <= 0x9f ? WINDOWS_1252_C1.charAt(byte - 0x80) : String.fromCharCode(byte);
    }
    return text;
  }
  return decoder.decode(new Uint8Array(bytes));
}

/** A run of adjacent encoded-words in one charset, decoded together (see below). */
interface Run {
  charset: string;
  bytes: number[];
  source: string;
}

/**
 * Decode every RFC 2047 encoded-word (`=?utf-8?q?…?=`, `=?UTF-8?B?…?=`, any charset the
 * platform's `TextDecoder` knows) in an unstructured header value. Whitespace between two
 * adjacent encoded-words is dropped (RFC 2047 §6.2), and adjacent words in the same charset are
 * decoded as one byte string, because encoders may split a multi-byte character across two words.
 * A word that cannot be decoded (unknown charset, bad base64) is left as it was.
 *
 * @example
 * ```ts
 * decodeEncodedWords("=?utf-8?q?Caf=C3=A9?= =?UTF-8?B?4piV?="); // "Café☕"
 * decodeEncodedWords("plain text"); // "plain text"
 * ```
 */
export function decodeEncodedWords(value: string): string {
  // Every encoded-word starts with "=?": most header values (an X-Tag, JSON metadata) have none,
  // and need neither the regular expression nor the decoding state.
  if (!value.includes("=?")) {
    return value;
  }
  let out = "";
  let run: Run | undefined;
  let last = 0;

  const flush = (): void => {
    if (run) {
      out += decodeBytes(run.charset, run.bytes) ?? run.source;
      run = undefined;
    }
  };

  for (const match of value.matchAll(ENCODED_WORD)) {
    const [word, rawCharset = "", encoding = "", text = ""] = match;
    const gap = value.slice(last, match.index);
    last = match.index + word.length;
    const charset = rawCharset.toLowerCase();
    const adjacent = run !== undefined && gap.trim() === "";
    const joins = adjacent && run?.charset === charset;
    // Decoded straight into the run it joins, or into a fresh one.
    const bytes = joins && run !== undefined ? run.bytes : [];
    const mark = bytes.length;
    const decoded = encoding.toUpperCase() === "Q" ? (appendQ(text, bytes), true) : appendB(text, bytes);
    if (!decoded) {
      bytes.length = mark;
      flush();
      out += gap + word;
      continue;
    }
    if (joins && run !== undefined) {
      run.source += gap + word;
      continue;
    }
    flush();
    out += adjacent ? "" : gap;
    run = { charset, bytes, source: word };
  }
  flush();
  return out + value.slice(last);
}
