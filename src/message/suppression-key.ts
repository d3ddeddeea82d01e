/**
 * How the suppression list compares addresses: the domain case-insensitively (DNS names are),
 * the local part exactly (RFC 5321 §2.4 leaves its case to the receiving host, so
 * `Bob@example.com` and `bob@example.com` may be two mailboxes).
 *
 * @module
 */
import { domainToASCII } from "node:url";

/**
 * The key an address is stored and looked up under: the local part as given, `@`, the domain
 * lower-cased (and in its ASCII form, so `bücher.example` and `xn--bcher-kva.example` match).
 * Surrounding whitespace and angle brackets are not accepted: pass an addr-spec.
 *
 * @example
 * ```ts
 * import { suppressionKey } from "mailroom-ses";
 * suppressionKey("Bob@Example.COM"); // "Bob@example.com"
 * ```
 */
export function suppressionKey(address: string): string {
  // One backwards pass finds the last "@" and whether the domain after it is already canonical
  // (no upper-case ASCII letter, nothing non-ASCII): this runs for every recipient of a bulk send.
  let canonical = true;
  let at = -1;
  for (let i = address.length - 1; i >= 0; i -= 1) {
    const code = address.charCodeAt(i);
    if (code === 0x40) {
      at = i;
      break;
    }
    if (code > 0x7e || (code >= 0x41 && code <= 0x5a)) {
      canonical = false;
    }
  }
  if (at <= 0 || at === address.length - 1) {
    // Not an addr-spec: keep it as it is, so it can only match itself.
    return address;
  }
  if (canonical) {
    return address;
  }
  const domain = address.slice(at + 1).toLowerCase();
  const ascii = domainToASCII(domain);
  return `${address.slice(0, at)}@${ascii === "" ? domain : ascii}`;
}
