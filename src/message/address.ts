import { domainToASCII } from "node:url";

import { InvalidAddressError } from "../errors";
import { encodeWord } from "./rfc2047";
import { suppressionKey } from "./suppression-key";
import type { AddressInput, AddressObject } from "./types";

// RFC 5322 atext, the characters a dot-atom local part may use.
const ATEXT = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+$/;
// A display name needs quoting when it holds any RFC 5322 special or is not plain atext words.
const NEEDS_QUOTES = /[()<>[\]:;@\\,."]/;
// eslint-disable-next-line no-control-regex -- the point is to find control characters
const ASCII_ONLY = /^[\x00-\x7f]*$/;
const LDH_LABEL = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
// The common case, a bare ASCII addr-spec, takes a fast path past the tokenizer (bulk sends
// parse thousands). Every pattern here is linear: address input is untrusted (no ReDoS).
const PLAIN_ADDR_SPEC = /^([A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+)@([A-Za-z0-9.-]+)$/;
// A domain already in the suppression list's canonical form (lower-case ASCII).
const CANONICAL_DOMAIN = /^[a-z0-9.-]+$/;

/**
 * Format options for {@link EmailAddress.format}.
 *
 * @example
 * ```ts
 * parseSingleAddress("José <jose@example.com>").format({ rfc2047: true }); // "=?utf-8?...?= <jose@example.com>"
 * ```
 */
export interface AddressFormatOptions {
  /**
   * Encode a non-ASCII display name as an RFC 2047 encoded-word (what SES API address fields
   * need). Off: the display name stays Unicode (for a MIME composer that encodes it itself).
   */
  rfc2047?: boolean;
}

/**
 * One parsed, validated email address.
 *
 * @example
 * ```ts
 * const [addr] = parseAddressList('"Jöhn Q" <j@exämple.com>', "to");
 * addr.displayName; // "Jöhn Q"
 * addr.asciiAddrSpec; // "j@xn--exmple-cua.com"
 * addr.suppressionKey; // "j@xn--exmple-cua.com"
 * addr.format({ rfc2047: true }); // "=?utf-8?q?J=C3=B6hn_Q?= <j@xn--exmple-cua.com>"
 * ```
 */
export class EmailAddress {
  /** The display name ("" when none). */
  readonly displayName: string;
  /** The address as given: `username@domain` (the domain may be Unicode). */
  readonly addrSpec: string;
  /** The local part. */
  readonly username: string;
  /** The domain as given (may be Unicode). */
  readonly domain: string;
  /** The domain with IDNA (UTS-46) applied when it holds non-ASCII characters. */
  readonly asciiDomain: string;
  /**
   * The key the suppression list compares this address under: `suppressionKey(addrSpec)`, the
   * local part as given and the domain lower-cased in ASCII. Computed once here, while the
   * address is parsed anyway, so checking the 10,000 recipients of a bulk send does not scan
   * them again.
   */
  readonly suppressionKey: string;

  constructor(displayName: string, username: string, domain: string, asciiDomain: string) {
    this.displayName = displayName;
    this.username = username;
    this.domain = domain;
    this.asciiDomain = asciiDomain;
    this.addrSpec = `${username}@${domain}`;
    // The same string when the domain is already canonical (the common case): no copy, and its
    // hash, once computed by a Map lookup, is shared with addrSpec.
    this.suppressionKey = CANONICAL_DOMAIN.test(domain) ? this.addrSpec : suppressionKey(this.addrSpec);
  }

  /** `username@asciiDomain`: what SES Destination lists and envelope fields take. */
  get asciiAddrSpec(): string {
    return `${this.username}@${this.asciiDomain}`;
  }

  /** The full address with an IDNA domain, e.g. `"Example, Inc." <info@example.com>`. */
  format(options: AddressFormatOptions = {}): string {
    if (this.displayName === "") {
      return this.asciiAddrSpec;
    }
    return `${formatDisplayName(this.displayName, options.rfc2047 ?? false)} <${this.asciiAddrSpec}>`;
  }

  /** The full address with the display name and domain as given (Unicode kept). */
  toString(): string {
    if (this.displayName === "") {
      return this.addrSpec;
    }
    return `${formatDisplayName(this.displayName, false)} <${this.addrSpec}>`;
  }
}

function formatDisplayName(name: string, rfc2047: boolean): string {
  if (rfc2047 && !ASCII_ONLY.test(name)) {
    return encodeWord(name);
  }
  if (NEEDS_QUOTES.test(name)) {
    return `"${name.replace(/(["\\])/g, "\\$1")}"`;
  }
  return name;
}

/**
 * Split one header-style string at the commas that separate addresses: commas inside quoted
 * strings, angle brackets or comments do not count.
 */
function splitTopLevel(input: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  let angle = 0;
  let comment = 0;
  for (let i = 0; i < input.length; i += 1) {
    const ch = input[i] as string;
    if (quoted && ch === "\\") {
      current += ch + (input[i + 1] ?? "");
      i += 1;
      continue;
    }
    if (ch === '"' && comment === 0) {
      quoted = !quoted;
    } else if (!quoted && ch === "(") {
      comment += 1;
    } else if (!quoted && ch === ")" && comment > 0) {
      comment -= 1;
    } else if (!quoted && comment === 0 && ch === "<") {
      angle += 1;
    } else if (!quoted && comment === 0 && ch === ">" && angle > 0) {
      angle -= 1;
    } else if (ch === "," && !quoted && angle === 0 && comment === 0) {
      parts.push(current);
      current = "";
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts;
}

function unquote(phrase: string): string {
  const trimmed = phrase.trim();
  if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) {
    return trimmed.slice(1, -1).replace(/\\(.)/g, "$1");
  }
  // An unquoted phrase may still hold quoted words: drop the quotes, fold the white space.
  return trimmed
    .replace(/"((?:[^"\\]|\\.)*)"/g, (_m, inner: string) => inner.replace(/\\(.)/g, "$1"))
    .replace(/\s+/g, " ");
}

function stripComments(text: string): string {
  return text.replace(/\((?:[^()\\]|\\.)*\)/g, "").trim();
}

interface RawPair {
  name: string;
  addr: string;
}

function splitNameAndAddr(piece: string): RawPair | undefined {
  const open = piece.lastIndexOf("<");
  if (open === -1) {
    return { name: "", addr: stripComments(piece) };
  }
  const close = piece.indexOf(">", open);
  if (close === -1 || stripComments(piece.slice(close + 1)) !== "") {
    return undefined;
  }
  return { name: unquote(piece.slice(0, open)), addr: piece.slice(open + 1, close).trim() };
}

function isValidLocalPart(local: string): boolean {
  if (local.startsWith('"') && local.endsWith('"') && local.length >= 2) {
    return !/[\r\n]/.test(local);
  }
  return local.split(".").every((atom) => ATEXT.test(atom));
}

/** IDNA-encode a domain when (and only when) it holds non-ASCII characters. */
function toAsciiDomain(domain: string): string | undefined {
  if (domain.startsWith("[") && domain.endsWith("]")) {
    return domain; // a domain literal such as [192.0.2.1]
  }
  // AWS quirk avoided: ASCII domains keep their case, as Anymail does; only Unicode ones are encoded.
  const ascii = ASCII_ONLY.test(domain) ? domain : domainToASCII(domain);
  if (ascii === "" || !ascii.split(".").every((label) => LDH_LABEL.test(label) && !label.endsWith("-"))) {
    return undefined;
  }
  return ascii;
}

function describe(addr: string, name: string): string {
  return `'${addr}'${name === "" ? "" : ` display_name='${name}'`}`;
}

function parsePiece(piece: string, field: string, source: string, hasComma: boolean): EmailAddress {
  const suffix = ` in \`${field}\` parsed from '${source}'${hasComma ? " (maybe missing quotes around a display-name?)" : ""}`;
  const pair = splitNameAndAddr(piece);
  if (pair === undefined) {
    throw new InvalidAddressError(`Invalid email address '${piece.trim()}'${suffix}`, field, source);
  }
  const { name, addr } = pair;
  const at = addr.lastIndexOf("@");
  if (at <= 0 || at === addr.length - 1 || /\s/.test(addr)) {
    const hint = !ASCII_ONLY.test(addr) && at === -1 ? ": missing @domain part" : "";
    throw new InvalidAddressError(
      `Invalid email address ${describe(addr, name)}${hint}${suffix}`,
      field,
      source,
    );
  }
  const local = addr.slice(0, at);
  const domain = addr.slice(at + 1);
  if (!ASCII_ONLY.test(local)) {
    // SES cannot send to internationalized (EAI) mailboxes; it answers "Local address contains
    // control or whitespace". Say so before the call.
    throw new InvalidAddressError(
      `Invalid email address ${describe(addr, name)}: Amazon SES does not support non-ASCII characters in the local part (before the @)${suffix}`,
      field,
      source,
    );
  }
  const asciiDomain = toAsciiDomain(domain);
  if (!isValidLocalPart(local) || asciiDomain === undefined) {
    throw new InvalidAddressError(`Invalid email address ${describe(addr, name)}${suffix}`, field, source);
  }
  return new EmailAddress(name, local, domain, asciiDomain);
}

// Controls, Unicode line breaks and lone surrogates: none of them belongs in a display name.
// eslint-disable-next-line no-control-regex -- the point is to find control characters
const UNSAFE_NAME = /[\u0000-\u001f\u007f\u0085\u2028\u2029]|\p{Cs}/u;

function describeValue(value: unknown): string {
  if (value === null) {
    return "null";
  }
  return Array.isArray(value) ? "an array" : typeof value;
}

function isAddressObject(value: unknown): value is AddressObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** One `{ name, address }` object: the address must be a bare addr-spec, the name plain text. */
function parseAddressObject(item: AddressObject, field: string): EmailAddress {
  const { name, address } = item;
  const unknown = Object.keys(item).find((key) => key !== "name" && key !== "address");
  if (unknown !== undefined) {
    throw new InvalidAddressError(
      `Invalid email address in \`${field}\`: unknown field \`${unknown}\` (an address object is { name, address })`,
      field,
      String(address),
    );
  }
  if (typeof address !== "string") {
    throw new InvalidAddressError(
      `Invalid email address in \`${field}\`: \`address\` must be a string, got ${describeValue(address)}`,
      field,
      String(address),
    );
  }
  if (name !== undefined && (typeof name !== "string" || UNSAFE_NAME.test(name))) {
    throw new InvalidAddressError(
      `Invalid email address in \`${field}\`: \`name\` must be a string without control characters or line breaks`,
      field,
      address,
    );
  }
  if (/[\r\n<>,]/.test(address)) {
    throw new InvalidAddressError(
      `Invalid email address '${address}' in \`${field}\`: \`address\` takes only user@domain (put the display name in \`name\`)`,
      field,
      address,
    );
  }
  const parsed = parsePiece(address, field, address, false);
  return new EmailAddress(name ?? "", parsed.username, parsed.domain, parsed.asciiDomain);
}

/**
 * Parse one or more addresses. Each string may hold several comma-separated addresses; quoted
 * display names may contain commas. Empty strings are skipped. `{ name, address }` objects (the
 * shape nodemailer takes) are accepted wherever a string is.
 *
 * @param input - a string, an address object, or a list of them
 * @param field - the message field, named in errors
 * @throws InvalidAddressError naming the field and the input, for a malformed address and for
 *   anything that is not a string or an address object
 * @example
 * ```ts
 * parseAddressList(['"Example, Inc." <info@example.com>', "b@example.com, c@example.com"], "to");
 * // three EmailAddress objects
 * parseAddressList({ name: "Bob", address: "bob@example.com" }, "to")[0]?.format(); // "Bob <bob@example.com>"
 * ```
 */
export function parseAddressList(input: AddressInput | null | undefined, field: string): EmailAddress[] {
  if (input === null || input === undefined) {
    return [];
  }
  const items: readonly unknown[] = Array.isArray(input) ? input : [input];
  if (typeof input !== "string" && !Array.isArray(input) && !isAddressObject(input)) {
    throw new InvalidAddressError(
      `Invalid email address in \`${field}\`: expected a string, { name, address } or a list of them, got ${describeValue(input)}`,
      field,
      String(input),
    );
  }
  const strings = items.filter((item): item is string => typeof item === "string");
  const source = strings.join(", ");
  const hasComma = strings.some((item) => item.includes(","));
  const result: EmailAddress[] = [];
  for (const item of items) {
    if (isAddressObject(item)) {
      result.push(parseAddressObject(item, field));
      continue;
    }
    if (typeof item !== "string") {
      throw new InvalidAddressError(
        `Invalid email address in \`${field}\`: expected a string or { name, address }, got ${describeValue(item)}`,
        field,
        String(item),
      );
    }
    if (/[\r\n]/.test(item)) {
      // Header injection: a line break would start a new header in the MIME message.
      throw new InvalidAddressError(
        `Invalid email address in \`${field}\`: CR or LF characters are not allowed`,
        field,
        source,
      );
    }
    const plain = PLAIN_ADDR_SPEC.exec(item);
    if (
      plain !== null &&
      isValidLocalPart(plain[1] as string) &&
      toAsciiDomain(plain[2] as string) !== undefined
    ) {
      result.push(new EmailAddress("", plain[1] as string, plain[2] as string, plain[2] as string));
      continue;
    }
    for (const piece of splitTopLevel(item)) {
      if (piece.trim() !== "") {
        result.push(parsePiece(piece, field, source, hasComma));
      }
    }
  }
  return result;
}

/**
 * Parse a field that takes exactly one address (`envelopeSender`).
 *
 * @throws InvalidAddressError when the input holds more or fewer than one address
 * @example
 * ```ts
 * parseSingleAddress("bounces@example.com", "envelopeSender").addrSpec; // "bounces@example.com"
 * ```
 */
export function parseSingleAddress(input: string | AddressObject, field: string): EmailAddress {
  if (Array.isArray(input)) {
    throw new InvalidAddressError(`Only one email address is allowed in \`${field}\`, got a list`, field, "");
  }
  const list = parseAddressList(input, field);
  if (list.length !== 1) {
    const shown = typeof input === "string" ? input : String(input.address);
    throw new InvalidAddressError(
      `Only one email address is allowed; found ${list.length} in '${shown}' in \`${field}\`.`,
      field,
      shown,
    );
  }
  return list[0] as EmailAddress;
}
