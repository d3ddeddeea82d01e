/**
 * Reading the SMTP envelope and the verdicts out of an SES `Received` notification.
 *
 * @module
 */
import type { InboundReceiptInfo, ReceiptVerdicts } from "../../inbound/types";
import { optionalRecord, optionalString, requireStrings, type JsonRecord } from "./tracking-guards";

const RECEIVED = "Received";

// receipt field → the verdict it carries.
const VERDICT_FIELDS = [
  ["spamVerdict", "spam"],
  ["virusVerdict", "virus"],
  ["spfVerdict", "spf"],
  ["dkimVerdict", "dkim"],
  ["dmarcVerdict", "dmarc"],
] as const satisfies readonly (readonly [string, keyof ReceiptVerdicts])[];

function readDmarcPolicy(value: unknown): string | undefined {
  // AWS documents a plain string ("reject"); accept a `{status}` object too, the shape of every
  // other verdict, rather than fail a whole message over how its policy is spelled.
  const policy = typeof value === "object" && value !== null ? (value as JsonRecord).status : value;
  return optionalString(policy, RECEIVED, "receipt.dmarcPolicy");
}

/**
 * The envelope sender (`mail.source`), envelope recipient (`receipt.recipients[0]`) and every
 * verdict of a `Received` notification.
 *
 * @throws WebhookValidationError when a field is present with the wrong type
 * @example
 * ```ts
 * readReceiptInfo({ source: "a@example.org" }, { recipients: ["b@example.com"], spamVerdict: { status: "PASS" } });
 * // { envelopeSender: "a@example.org", envelopeRecipient: "b@example.com", verdicts: { spam: "PASS", … } }
 * ```
 */
export function readReceiptInfo(mail: JsonRecord, receipt: JsonRecord): InboundReceiptInfo {
  const recipients =
    receipt.recipients === undefined || receipt.recipients === null
      ? []
      : requireStrings(receipt.recipients, RECEIVED, "receipt.recipients");
  const verdicts: Partial<ReceiptVerdicts> = { dmarcPolicy: readDmarcPolicy(receipt.dmarcPolicy) };
  for (const [field, name] of VERDICT_FIELDS) {
    const verdict = optionalRecord(receipt[field], RECEIVED, `receipt.${field}`);
    verdicts[name] = optionalString(verdict.status, RECEIVED, `receipt.${field}.status`);
  }
  return {
    envelopeSender: optionalString(mail.source, RECEIVED, "mail.source"),
    envelopeRecipient: recipients[0],
    verdicts,
  };
}
