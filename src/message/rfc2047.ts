/**
 * RFC 2047 encoded-words for display names in SES API address fields (SendBulkEmail's
 * FromEmailAddress, ToAddresses...), where SES wants 7-bit text and does no encoding itself.
 */

// RFC 2047 §5(3): inside a phrase, Q-encoding may leave only these characters as they are.
const Q_PHRASE_SAFE = /[A-Za-z0-9!*+\-/]/;

const encoder = new TextEncoder();

function qEncode(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) {
    const char = String.fromCharCode(byte);
    if (byte === 0x20) {
      out += "_";
    } else if (byte < 0x80 && Q_PHRASE_SAFE.test(char)) {
      out += char;
    } else {
      out += `=${byte.toString(16).toUpperCase().padStart(2, "0")}`;
    }
  }
  return out;
}

/**
 * Encode `text` as one UTF-8 encoded-word, choosing whichever of Q and B is shorter (Q on a tie),
 * as Anymail does for SES bulk address fields.
 *
 * @example
 * ```ts
 * encodeWord("Jöhn Q"); // "=?utf-8?q?J=C3=B6hn_Q?="
 * encodeWord("罗伯特"); // "=?utf-8?b?572X5Lyv54m5?="
 * ```
 */
export function encodeWord(text: string): string {
  const bytes = encoder.encode(text);
  const q = `=?utf-8?q?${qEncode(bytes)}?=`;
  const b = `=?utf-8?b?${Buffer.from(bytes).toString("base64")}?=`;
  return b.length < q.length ? b : q;
}
