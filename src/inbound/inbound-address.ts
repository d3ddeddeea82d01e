/**
 * Addresses read from a received message's headers. Unlike {@link EmailAddress} (which validates
 * what we are about to send and throws on anything SES would refuse), these never throw: inbound
 * mail is untrusted and often sloppy, so a malformed address is kept as well as it could be read.
 *
 * @module
 */
import type { Address } from "postal-mime";

// RFC 5322 specials: a display name holding one of these must be quoted to read back the same.
const NEEDS_QUOTES = /[()<>[\]:;@\\,."]/;

/**
 * One address from a received header, read best-effort: `addrSpec` may lack an `@` or be empty
 * when the header was malformed (`From: Not An Address` gives `displayName` "Not An Address" and
 * `addrSpec` ""). Shaped like {@link EmailAddress} (`displayName`, `addrSpec`, `toString()`).
 *
 * @example
 * ```ts
 * const from = new InboundAddress("Sender, Inc.", "from@example.org");
 * from.domain; // "example.org"
 * String(from); // '"Sender, Inc." <from@example.org>'
 * ```
 */
export class InboundAddress {
  /** The decoded display name ("" when none). */
  readonly displayName: string;
  /** The address as the header wrote it, e.g. `from@example.org` ("" when there was none). */
  readonly addrSpec: string;

  constructor(displayName: string, addrSpec: string) {
    this.displayName = displayName;
    this.addrSpec = addrSpec;
  }

  /** The part before the last `@` (the whole `addrSpec` when it has no `@`). */
  get username(): string {
    const at = this.addrSpec.lastIndexOf("@");
    return at === -1 ? this.addrSpec : this.addrSpec.slice(0, at);
  }

  /** The part after the last `@` ("" when it has none). */
  get domain(): string {
    const at = this.addrSpec.lastIndexOf("@");
    return at === -1 ? "" : this.addrSpec.slice(at + 1);
  }

  /** The address in header form, e.g. `"Sender, Inc." <from@example.org>` or `someone@example.org`. */
  toString(): string {
    if (this.displayName === "") {
      return this.addrSpec;
    }
    const name = NEEDS_QUOTES.test(this.displayName)
      ? `"${this.displayName.replace(/(["\\])/g, "\\$1")}"`
      : this.displayName;
    return this.addrSpec === "" ? name : `${name} <${this.addrSpec}>`;
  }
}

/**
 * Turn postal-mime's parsed addresses into {@link InboundAddress}es: groups are flattened into
 * their members, entries with neither a name nor an address (`<>`, stray commas) are dropped.
 *
 * @example
 * ```ts
 * toInboundAddresses([{ name: "Team", group: [{ name: "", address: "a@example.com" }] }]);
 * // [InboundAddress { displayName: "", addrSpec: "a@example.com" }]
 * ```
 */
export function toInboundAddresses(parsed: readonly Address[] | undefined): InboundAddress[] {
  const result: InboundAddress[] = [];
  for (const entry of parsed ?? []) {
    const mailboxes = entry.group ?? [entry];
    for (const mailbox of mailboxes) {
      const name = (mailbox.name ?? "").trim();
      const address = (mailbox.address ?? "").trim();
      if (name !== "" || address !== "") {
        result.push(new InboundAddress(name, address));
      }
    }
  }
  return result;
}
