/**
 * The header fields of a raw MIME message, as SES echoes them in `mail.headers`: in order, names
 * as written, values with their folding kept (SES keeps the CRLF and whitespace of a folded
 * header), raw 8-bit header text read as UTF-8 (SES's JSON is UTF-8).
 *
 * @module
 */
import type { SesHeader } from "../ses/webhooks/tracking-types";

// Enough for any header section SES would echo (it truncates at 10 KB); bounds the work on
// whatever a test hands in.
const MAX_HEADER_BYTES = 256 * 1024;

/**
 * Read the header section of a raw MIME message (up to the first empty line).
 *
 * @example
 * ```ts
 * readHeaderBlock("Subject: Hi\r\nX-Tag: a\r\n\r\nbody"); // [{ name: "Subject", value: "Hi" }, { name: "X-Tag", value: "a" }]
 * ```
 */
export function readHeaderBlock(raw: Uint8Array | string): SesHeader[] {
  const text =
    typeof raw === "string"
      ? raw.slice(0, MAX_HEADER_BYTES)
      : Buffer.from(raw.buffer, raw.byteOffset, Math.min(raw.byteLength, MAX_HEADER_BYTES)).toString("utf8");
  const end = /\r?\n\r?\n/.exec(text);
  const section = end === null ? text : text.slice(0, end.index);
  const headers: SesHeader[] = [];
  for (const line of section.split(/\r?\n/)) {
    const last = headers.at(-1);
    if (/^[ \t]/.test(line) && last !== undefined) {
      last.value = `${last.value ?? ""}\r\n${line}`;
      continue;
    }
    const colon = line.indexOf(":");
    if (colon > 0) {
      headers.push({
        name: line.slice(0, colon).trim(),
        value: line.slice(colon + 1).replace(/^[ \t]+/, ""),
      });
    }
  }
  return headers;
}

/**
 * The value of the first header of that name (any case), or undefined.
 *
 * @example
 * ```ts
 * headerValue([{ name: "Subject", value: "Hi" }], "subject"); // "Hi"
 * ```
 */
export function headerValue(headers: readonly SesHeader[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find((header) => header.name?.toLowerCase() === lower)?.value;
}
