import { InvalidMessageError } from "../errors";

// RFC 5322 field-name: printable ASCII except the colon.
const HEADER_NAME = /^[\x21-\x39\x3b-\x7e]+$/;

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
}

/**
 * Check extra headers: names must be printable ASCII without a colon, values single-line strings.
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
    if (typeof value !== "string") {
      throw new InvalidMessageError(`\`${field}.${name}\` must be a string, got ${typeof value}`, field);
    }
    assertSingleLine(value, `${field}.${name}`);
    pairs.push([name, value]);
  }
  return pairs;
}
