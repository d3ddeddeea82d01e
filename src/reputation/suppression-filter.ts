/**
 * The pre-send step of the suppression list: every recipient of a message (to, cc, bcc; each
 * bulk entry is a `to`) is checked in one store call, and the suppressed ones are taken out
 * before any SES request is built, each with a `rejected` status saying why and since when.
 *
 * @module
 */
import type { EmailAddress } from "../message/address";
import { isTemplateSend } from "../message/template-send";
import type { NormalizedMessage } from "../message/types";
import type { RecipientStatus } from "../send-status";
import { ACCOUNT_SCOPE } from "../store/suppression-store";
import type { SuppressionEntry, SuppressionStore } from "../store/suppression-store";

/**
 * What {@link filterSuppressed} decided.
 *
 * @example
 * ```ts
 * const { message, rejected, sendable } = await filterSuppressed(normalized, store);
 * ```
 */
export interface SuppressionFilterResult {
  /** The message without the suppressed recipients. */
  message: NormalizedMessage;
  /** A `rejected` status for every recipient taken out, keyed by addr-spec. */
  rejected: Record<string, RecipientStatus>;
  /** False when nothing is left to send (no SES call must be made). */
  sendable: boolean;
}

/**
 * The `rejected` status of a suppressed recipient.
 *
 * @example
 * ```ts
 * suppressedStatus(entry).error; // "Suppressed (bounce, Permanent: General) since 2026-01-01T00:00:00.000Z"
 * ```
 */
export function suppressedStatus(entry: SuppressionEntry): RecipientStatus {
  const why = entry.detail === undefined ? entry.reason : `${entry.reason}, ${entry.detail}`;
  const scope = entry.scope === ACCOUNT_SCOPE ? "" : ` for scope ${entry.scope}`;
  return {
    status: "rejected",
    messageId: undefined,
    error: `Suppressed (${why})${scope} since ${entry.since.toISOString()}`,
    suppressed: {
      reason: entry.reason,
      scope: entry.scope,
      since: entry.since,
      detail: entry.detail,
      eventId: entry.eventId,
    },
  };
}

/** The recipient at a position of the to, cc, bcc sequence the keys were made from. */
function recipientAt(message: NormalizedMessage, index: number): EmailAddress {
  const { to, cc, bcc } = message;
  if (index < to.length) {
    return to[index] as EmailAddress;
  }
  if (index < to.length + cc.length) {
    return cc[index - to.length] as EmailAddress;
  }
  return bcc[index - to.length - cc.length] as EmailAddress;
}

/** With `ignoreReasons`, an ignorable first hit may hide a blocking entry of another scope. */
async function blockingEntry(
  store: SuppressionStore,
  address: string,
  scopes: readonly string[],
  ignore: ReadonlySet<string>,
): Promise<SuppressionEntry | undefined> {
  const entries = await store.get(address);
  return entries.find(
    (entry) => (entry.scope === ACCOUNT_SCOPE || scopes.includes(entry.scope)) && !ignore.has(entry.reason),
  );
}

/**
 * Take the suppressed recipients out of a message. One `check` call covers every distinct
 * recipient; a template send whose `to` recipients are all suppressed sends nothing (its cc and
 * bcc only ever get copies of the `to` messages).
 *
 * @example
 * ```ts
 * import { createMemorySuppressionStore } from "mailroom-ses";
 * const store = createMemorySuppressionStore();
 * const result = await filterSuppressed(normalizeMessage({ from: "a@example.com", to: "b@example.com" }), store);
 * result.sendable; // true
 * ```
 */
export async function filterSuppressed(
  message: NormalizedMessage,
  store: SuppressionStore,
): Promise<SuppressionFilterResult> {
  const scope = message.suppression?.scope;
  const scopes = scope === undefined ? [] : [scope];
  const ignore = new Set<string>(message.suppression?.ignoreReasons ?? []);
  // Every recipient, duplicates included: checking one twice costs less than a Set of 10,000.
  // The keys were made when the addresses were parsed (EmailAddress.suppressionKey).
  const keys = message.to.map((addr) => addr.suppressionKey);
  for (const list of [message.cc, message.bcc]) {
    for (const addr of list) {
      keys.push(addr.suppressionKey);
    }
  }
  const hits = await store.check(keys, scopes);
  // Dropped by position, not by address: no hashing of 10,000 strings a second time.
  const drop = new Uint8Array(keys.length);
  const rejected: Record<string, RecipientStatus> = {};
  let dropped = 0;
  for (let i = 0; i < keys.length; i += 1) {
    const hit = hits[i];
    if (hit === undefined) {
      continue;
    }
    const key = keys[i] as string;
    const entry = ignore.has(hit.reason) ? await blockingEntry(store, key, scopes, ignore) : hit;
    if (entry !== undefined) {
      drop[i] = 1;
      dropped += 1;
      rejected[recipientAt(message, i).addrSpec] ??= suppressedStatus(entry);
    }
  }
  if (dropped === 0) {
    return { message, rejected: {}, sendable: true };
  }
  const ccStart = message.to.length;
  const bccStart = ccStart + message.cc.length;
  const filtered: NormalizedMessage = {
    ...message,
    to: message.to.filter((_, i) => drop[i] === 0),
    cc: message.cc.filter((_, i) => drop[ccStart + i] === 0),
    bcc: message.bcc.filter((_, i) => drop[bccStart + i] === 0),
  };
  let sendable = filtered.to.length + filtered.cc.length + filtered.bcc.length > 0;
  if (sendable && isTemplateSend(message) && filtered.to.length === 0) {
    sendable = false;
    for (const addr of [...filtered.cc, ...filtered.bcc]) {
      rejected[addr.addrSpec] ??= {
        status: "rejected",
        messageId: undefined,
        error:
          "Not sent: every `to` recipient of this template send is suppressed (cc and bcc only get copies)",
      };
    }
  }
  return { message: filtered, rejected, sendable };
}
