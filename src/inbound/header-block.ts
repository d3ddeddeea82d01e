/**
 * Reading one MIME header block (the lines before the first empty line of a message or part).
 *
 * @module
 */
import type { HeaderEntry } from "./header-map";

// Header bytes are read as UTF-8 (RFC 6532), a stray 8-bit byte becoming U+FFFD. ignoreBOM keeps
// a U+FEFF at the start of a line as a character, so it cannot turn a junk line into a header.
const headerDecoder = new TextDecoder("utf-8", { ignoreBOM: true });

const isWsp = (code: number): boolean => code === 0x20 || code === 0x09;

/** Trim only the whitespace RFC 5322 allows around names and values (not U+00A0, U+FEFF…). */
function trimWsp(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isWsp(text.charCodeAt(start))) {
    start += 1;
  }
  while (end > start && isWsp(text.charCodeAt(end - 1))) {
    end -= 1;
  }
  return text.slice(start, end);
}

function toEntry(field: string): HeaderEntry | undefined {
  const colon = field.indexOf(":");
  if (colon === -1) {
    // Not a header line (an mbox "From " line, junk): kept whole, so no line of the block is lost.
    const line = trimWsp(field);
    return line === "" ? undefined : [line, ""];
  }
  const name = trimWsp(field.slice(0, colon));
  return name === "" ? undefined : [name, trimWsp(field.slice(colon + 1))];
}

/**
 * The header lines of a block, in order, unfolded (RFC 5322 §2.2.3: a line break followed by a
 * space or tab is removed, the whitespace kept). A line that is not `name: value` is kept as a
 * name with an empty value.
 *
 * @example
 * ```ts
 * parseHeaderBlock(new TextEncoder().encode("Subject: a\r\n b\r\nTo: x@example.com\r\n"));
 * // [["Subject", "a b"], ["To", "x@example.com"]]
 * ```
 */
export function parseHeaderBlock(block: Uint8Array): HeaderEntry[] {
  const entries: HeaderEntry[] = [];
  const lines = headerDecoder.decode(block).split(/\r?\n/);
  let field: string | undefined;
  for (const line of lines) {
    if (line.length > 0 && isWsp(line.charCodeAt(0)) && field !== undefined) {
      field += line;
      continue;
    }
    if (field !== undefined) {
      const entry = toEntry(field);
      if (entry !== undefined) {
        entries.push(entry);
      }
    }
    field = line === "" ? undefined : line;
  }
  if (field !== undefined) {
    const entry = toEntry(field);
    if (entry !== undefined) {
      entries.push(entry);
    }
  }
  return entries;
}
