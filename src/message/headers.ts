import { InvalidMessageError } from "../errors";

// RFC 5322 field-name: printable ASCII except the colon.
const HEADER_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
// Controls other than TAB, and lone surrogates: no header encoder can carry them faithfully.
// eslint-disable-next-line no-control-regex -- the point is to find control characters
const UNSAFE_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|\p{Cs}/u;

/**
 * Headers Mailroom writes itself, and where their value belongs instead. A custom header of
 * one of these names would replace the message's structure (a second Content-Type makes
 * readers pick either body) or forge the data that comes back on tracking events.
 */
const RESERVED_HEADERS: Readonly<Record<string, string>> = {
  "content-type":
    "Mailroom writes each part's Content-Type: use `text`/`html`, `alternatives[].contentType` or `attachments[].contentType`",
  "content-transfer-encoding": "Mailroom picks each part's transfer encoding itself (always 7-bit safe)",
  "mime-version": "Mailroom writes MIME-Version: 1.0 itself",
  "x-metadata": "put the data in `metadata` (Mailroom writes X-Metadata from it)",
  "x-tag": "put labels in `tags` (Mailroom writes one X-Tag header per tag)",
  // A Cc header would be shown to every recipient while nobody in it gets the message.
  cc: "put copies in `cc`: a Cc header would be shown to recipients but never delivered",
};

/**
 * Refuse a CR or LF in a value that ends up in a header: one line break is all it takes to
 * inject a header (a Bcc to anyone) or a body into the message.
 *
 * @throws InvalidMessageError naming the field
 * @example
 * ```ts
 * assertSingleLine("Hello\r\nBcc: x@example.com", "subject"); // throws
 * ```
 */
export function assertSingleLine(value: string, field: string): void {
  if (/[\r\n]/.test(value)) {
    throw new InvalidMessageError(
      `\`${field}\` contains a CR or LF character; line breaks are not allowed in headers (header injection)`,
      field,
    );
  }
  if (UNSAFE_TEXT.test(value)) {
    throw new InvalidMessageError(
      `\`${field}\` contains a control character or a lone surrogate, which cannot go into a header`,
      field,
    );
  }
}

/**
 * Check extra headers: names must be printable ASCII without a colon, values single-line strings,
 * and none of the headers Mailroom writes itself (Content-Type, Content-Transfer-Encoding,
 * MIME-Version, X-Metadata, X-Tag) nor Cc.
 *
 * @returns the headers as ordered name/value pairs
 * @throws InvalidMessageError naming the header
 * @example
 * ```ts
 * validateHeaders({ "List-Unsubscribe": "<mailto:u@example.com>" }); // [["List-Unsubscribe", "<mailto:u@example.com>"]]
 * ```
 */
export function validateHeaders(
  headers: Readonly<Record<string, string>>,
  field = "headers",
): [string, string][] {
  const pairs: [string, string][] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) {
      throw new InvalidMessageError(
        `\`${field}\` has an invalid header name '${name}': use printable ASCII without ':' or spaces`,
        field,
      );
    }
    const reserved = RESERVED_HEADERS[name.toLowerCase()];
    if (reserved !== undefined) {
      throw new InvalidMessageError(`\`${field}\` cannot set ${name}: ${reserved}`, `${field}.${name}`);
    }
    if (typeof value !== "string") {
      throw new InvalidMessageError(`\`${field}.${name}\` must be a string, got ${typeof value}`, field);
    }
    assertSingleLine(value, `${field}.${name}`);
    pairs.push([name, value]);
  }
  return pairs;
}
