/**
 * How the suppression list compares addresses: the domain case-insensitively (DNS names are),
 * the local part exactly (RFC 5321 §2.4 leaves its case to the receiving host, so
 * `Bob@example.com` and `bob@example.com` may be two mailboxes).
 *
 * @module
 */
import { domainToASCII } from "node:url";

// One pass over the domain's characters is cheaper than a regular expression on the bulk path.
function isLowerAscii(domain: string): boolean {
  for (let i = 0; i < domain.length; i += 1) {
    const code = domain.charCodeAt(i);
    if (code > 0x7e || (code >= 0x41 && code <= 0x5a)) {
      return false;
    }
  }
  return true;
}

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
  const at = address.lastIndexOf("@");
  if (at <= 0 || at === address.length - 1) {
    // Not an addr-spec: keep it as it is, so it can only match itself.
    return address;
  }
  const domain = address.slice(at + 1);
  if (isLowerAscii(domain)) {
    return address;
  }
  const ascii = domainToASCII(domain.toLowerCase());
  return `${address.slice(0, at)}@${ascii === "" ? domain.toLowerCase() : ascii}`;
}
