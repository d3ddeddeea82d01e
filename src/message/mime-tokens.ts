/**
 * The MIME grammar for the token-like values a message carries into part headers: media types
 * (RFC 2045 §5.1), dispositions (RFC 2183) and Content-IDs (RFC 2392). Why a grammar and not a
 * "no CR/LF" check: any character outside it (U+010D, U+2028, a quote) is a way to smuggle
 * structure into a header, so only the grammar's own ASCII is let through.
 *
 * @module
 */

// RFC 2045 token: ASCII without SPACE, controls and tspecials ()<>@,;:\"/[]?=
const TOKEN = "[!#$%&'*+\\-.^_`{|}~0-9A-Za-z]+";
// RFC 5322 quoted-string content: printable ASCII and SP/HTAB, quotes and backslashes escaped.
const QUOTED = '"(?:[\\t\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\[\\t\\x20-\\x7e])*"';
// Linear: tokens exclude the separators around them, so no two branches can match the same text.
const MEDIA_TYPE = new RegExp(
  `^(${TOKEN})/(${TOKEN})((?:[ \\t]*;[ \\t]*${TOKEN}=(?:${TOKEN}|${QUOTED}))*)[ \\t]*$`,
);
const PARAMETER = new RegExp(`;[ \\t]*(${TOKEN})=(${TOKEN}|${QUOTED})`, "g");
// RFC 5322 atext, and dot-atom-text built from it.
const DOT_ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*";
// RFC 2392 id-left "@" id-right (dot-atom or no-fold-literal); a bare id-left is accepted too,
// since that is what nodemailer users write (`cid: "logo"`).
const CONTENT_ID = new RegExp(`^${DOT_ATOM}(?:@(?:${DOT_ATOM}|\\[[\\x21-\\x5a\\x5e-\\x7e]*\\]))?$`);

/**
 * A parsed media type: lower-case type and subtype, parameters in order (names lower-cased,
 * values unquoted).
 *
 * @example
 * ```ts
 * const media: MediaType = { type: "text", subtype: "calendar", parameters: [["method", "REQUEST"]] };
 * ```
 */
export interface MediaType {
  /** The top-level type, lower-case (`text`, `image`, `message`...). */
  type: string;
  /** The subtype, lower-case (`plain`, `x-amp-html`...). */
  subtype: string;
  /** The parameters, in order: lower-case name, unquoted value. */
  parameters: [name: string, value: string][];
}

/**
 * Parse a `type/subtype; name=value` media type by the RFC 2045 grammar (ASCII only).
 *
 * @returns the parsed type, or undefined when the value does not follow the grammar
 * @example
 * ```ts
 * parseMediaType('text/calendar; method=REQUEST; charset="utf-8"')?.parameters;
 * // [["method", "REQUEST"], ["charset", "utf-8"]]
 * parseMediaType("text/html\u010D\u010Ax: y"); // undefined
 * ```
 */
export function parseMediaType(value: string): MediaType | undefined {
  const match = MEDIA_TYPE.exec(value.trim());
  if (match === null) {
    return undefined;
  }
  const parameters: [string, string][] = [];
  for (const [, name, raw] of (match[3] as string).matchAll(PARAMETER)) {
    const text = raw as string;
    const unquoted = text.startsWith('"') ? text.slice(1, -1).replace(/\\(.)/g, "$1") : text;
    parameters.push([(name as string).toLowerCase(), unquoted]);
  }
  return {
    type: (match[1] as string).toLowerCase(),
    subtype: (match[2] as string).toLowerCase(),
    parameters,
  };
}

/**
 * The `charset` parameter of a media type, lower-cased, if it has one.
 *
 * @example
 * ```ts
 * charsetOf(parseMediaType("text/plain; charset=UTF-8")!); // "utf-8"
 * ```
 */
export function charsetOf(media: MediaType): string | undefined {
  return media.parameters.find(([name]) => name === "charset")?.[1].toLowerCase();
}

/**
 * Whether a value is a Content-ID Mailroom can put between angle brackets: RFC 2392
 * `id-left@id-right` (or a bare `id-left`), ASCII only.
 *
 * @example
 * ```ts
 * isContentId("logo@example.com"); // true
 * isContentId("l\u010D\u010AReply-To: x@evil.example"); // false
 * ```
 */
export function isContentId(value: string): boolean {
  return CONTENT_ID.test(value);
}

/**
 * Whether a name is a UTF-8 charset label (`utf-8`, `utf8`, any case).
 *
 * @example
 * ```ts
 * isUtf8Label("UTF-8"); // true
 * ```
 */
export function isUtf8Label(charset: string): boolean {
  return /^utf-?8$/i.test(charset);
}
