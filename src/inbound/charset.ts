/**
 * Decoding text in a declared charset with the platform's `TextDecoder` (the WHATWG encodings:
 * UTF-8, ISO-8859-*, Windows code pages, Shift_JIS, ISO-2022-JP, EUC-KR, GB18030, Big5…).
 *
 * @module
 */

// Windows code page numbers mail clients write as cp1252, ms936… → the WHATWG label.
const CODE_PAGES: ReadonlyMap<string, string> = new Map([
  ["874", "windows-874"],
  ["932", "shift_jis"],
  ["936", "gbk"],
  ["949", "euc-kr"],
  ["950", "big5"],
  ["20932", "euc-jp"],
  ["50220", "iso-2022-jp"],
  ["50221", "iso-2022-jp"],
  ["50222", "iso-2022-jp"],
]);

// A message chooses the labels, so only a bounded number of decoders (or refusals) is cached.
const MAX_CACHED_LABELS = 64;
const decoders = new Map<string, TextDecoder | null>();

function tryDecoder(label: string): TextDecoder | undefined {
  const cached = decoders.get(label);
  if (cached !== undefined) {
    return cached ?? undefined;
  }
  let decoder: TextDecoder | null;
  try {
    // ignoreBOM: a byte-order mark is content the sender wrote; decoding keeps it.
    decoder = new TextDecoder(label, { ignoreBOM: true });
  } catch {
    decoder = null;
  }
  if (decoders.size < MAX_CACHED_LABELS) {
    decoders.set(label, decoder);
  }
  return decoder ?? undefined;
}

function decoderFor(charset: string | undefined): TextDecoder {
  const label = (charset ?? "").trim().toLowerCase();
  if (label === "") {
    return tryDecoder("utf-8") as TextDecoder;
  }
  const direct = tryDecoder(label);
  if (direct !== undefined) {
    return direct;
  }
  const bare = label.replace(/^(?:x-|cs)/, "");
  const codePage = /^(?:cp|ms|windows|ibm)[-_]?(\d+)$/.exec(bare)?.[1];
  const alias = codePage === undefined ? bare : (CODE_PAGES.get(codePage) ?? `windows-${codePage}`);
  // An unknown charset still gives text: windows-1252 reads ASCII right and never fails.
  return tryDecoder(alias) ?? (tryDecoder("windows-1252") as TextDecoder);
}

/**
 * Decode `bytes` as text in `charset` (a MIME charset label, any case). No charset means UTF-8;
 * an unknown one falls back to windows-1252. Malformed sequences become U+FFFD; nothing else is
 * changed (line breaks and a byte-order mark are kept).
 *
 * @example
 * ```ts
 * decodeCharset(Uint8Array.of(0x63, 0x61, 0x66, 0xe9), "ISO-8859-1"); // "café"
 * ```
 */
export function decodeCharset(bytes: Uint8Array, charset: string | undefined): string {
  return decoderFor(charset).decode(bytes);
}
