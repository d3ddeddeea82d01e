import type { MessageHeader } from "@aws-sdk/client-sesv2";
import { encodeWords } from "nodemailer/lib/mime-funcs";

import { InvalidMessageError } from "../../errors";

// SESv2 MessageHeader: the value must be printable ASCII, at most 995 characters, one line.
const MAX_VALUE = 995;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * A header for an SES API header list (ReplacementHeaders, Template.Headers). SES takes the value
 * as it is, so non-ASCII text is RFC 2047-encoded here, on one line: SES refuses folded values
 * (CRLF), as Symfony's bridge found (symfony/symfony#63146).
 *
 * @throws InvalidMessageError when the value cannot fit SES's 995-character limit
 * @example
 * ```ts
 * apiHeader("X-Tag", "Ünï"); // { Name: "X-Tag", Value: "=?UTF-8?Q?=C3=9Cn=C3=AF?=" }
 * ```
 */
export function apiHeader(name: string, value: string): MessageHeader {
  const encoded = PRINTABLE_ASCII.test(value) ? value : encodeWords(value, "Q", 52, true);
  if (encoded.length > MAX_VALUE) {
    throw new InvalidMessageError(
      `The ${name} header is too long for SES (${encoded.length} characters after encoding; at most ${MAX_VALUE})`,
      `headers.${name}`,
    );
  }
  return { Name: name, Value: encoded };
}
