/**
 * Reading structured MIME header values: `Content-Type` and `Content-Disposition`, a token and
 * `; name=value` parameters, including RFC 2231 continued and charset-encoded parameters.
 *
 * @module
 */
import { decodeCharset } from "./charset";

/**
 * A structured header value: the lower-cased token and the parameters, names lower-cased.
 *
 * @example
 * ```ts
 * const type: StructuredValue = { value: "text/plain", params: new Map([["charset", "utf-8"]]) };
 * ```
 */
export interface StructuredValue {
  /** The lower-cased token before the first `;` ("" when there is none). */
  value: string;
  /** Parameters by lower-cased name; the first of a repeated name wins. */
  params: ReadonlyMap<string, string>;
}

/** Remove RFC 5322 comments from the token part (`text/plain (note)` → `text/plain`). */
function stripComments(token: string): string {
  let result = "";
  let depth = 0;
  for (const char of token) {
    if (char === "(") {
      depth += 1;
    } else if (char === ")" && depth > 0) {
      depth -= 1;
    } else if (depth === 0) {
      result += char;
    }
  }
  return result;
}

/** Split at `;` outside quoted strings. */
function splitParams(text: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted && char === "\\") {
      i += 1;
    } else if (char === '"') {
      quoted = !quoted;
    } else if (char === ";" && !quoted) {
      pieces.push(text.slice(start, i));
      start = i + 1;
    }
  }
  pieces.push(text.slice(start));
  return pieces;
}

function unquote(raw: string): string {
  const value = raw.trim();
  if (!value.startsWith('"')) {
    return value;
  }
  let result = "";
  for (let i = 1; i < value.length; i += 1) {
    const char = value[i] as string;
    if (char === "\\" && i + 1 < value.length) {
      i += 1;
      result += value[i];
    } else if (char === '"') {
      break; // whatever follows the closing quote is junk
    } else {
      result += char;
    }
  }
  return result;
}

interface Section {
  index: number;
  encoded: boolean;
  value: string;
}

/** Percent-decoding to bytes; a `%` not followed by two hex digits stays as it is. */
function percentBytes(text: string): Uint8Array {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code === 0x25 && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (code < 0x80) {
      bytes.push(code);
    } else {
      bytes.push(...new TextEncoder().encode(text[i]));
    }
  }
  return Uint8Array.from(bytes);
}

/** Join RFC 2231 sections (`name*0*=utf-8''a%C3`, `name*1*=%A4b`) into one value. */
function joinSections(sections: Section[]): string {
  sections.sort((a, b) => a.index - b.index);
  let charset: string | undefined;
  let result = "";
  let pending = ""; // adjacent encoded sections decode together: a character may span two
  const flush = () => {
    if (pending !== "") {
      result += decodeCharset(percentBytes(pending), charset ?? "utf-8");
      pending = "";
    }
  };
  for (const section of sections) {
    if (!section.encoded) {
      flush();
      result += section.value;
      continue;
    }
    let value = section.value;
    if (section.index === 0) {
      const match = /^([^']*)'[^']*'(.*)$/s.exec(value);
      if (match !== null) {
        charset = match[1] === "" ? undefined : match[1];
        value = match[2] ?? "";
      }
    }
    pending += value;
  }
  flush();
  return result;
}

/**
 * Parse a structured header value. Never throws: a malformed value gives what could be read.
 *
 * @example
 * ```ts
 * parseStructuredValue(`attachment; filename*=utf-8''R%C3%A9sum%C3%A9.pdf`);
 * // { value: "attachment", params: Map { "filename" => "Résumé.pdf" } }
 * ```
 */
export function parseStructuredValue(header: string): StructuredValue {
  const [head = "", ...rest] = splitParams(header);
  const params = new Map<string, string>();
  const continued = new Map<string, Section[]>();
  for (const piece of rest) {
    const equals = piece.indexOf("=");
    if (equals <= 0) {
      continue;
    }
    const rawName = piece.slice(0, equals).trim().toLowerCase();
    const value = unquote(piece.slice(equals + 1));
    const match = /^(.+?)\*(?:(\d{1,4})\*?)?$/.exec(rawName);
    if (match === null) {
      if (!params.has(rawName)) {
        params.set(rawName, value);
      }
      continue;
    }
    const name = match[1] as string;
    const sections = continued.get(name) ?? [];
    continued.set(name, sections);
    sections.push({ index: Number(match[2] ?? 0), encoded: rawName.endsWith("*"), value });
  }
  for (const [name, sections] of continued) {
    // An RFC 2231 value is the more precise spelling: it wins over a plain one of the same name.
    params.set(name, joinSections(sections));
  }
  return { value: stripComments(head).trim().toLowerCase(), params };
}
