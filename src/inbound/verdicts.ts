/**
 * Receipt verdicts: normalizing what the receiving service reported, and Anymail's reading of
 * the spam verdict.
 *
 * @module
 */
import type { ReceiptVerdicts, VerdictStatus } from "./types";

/**
 * Build a complete {@link ReceiptVerdicts}, upper-casing every status (SES writes upper case;
 * comparing upper-cased values keeps `"fail"` from a hand-written receipt from reading as "not
 * spam"). The DMARC policy is lower-cased, as DMARC records and SES write it.
 *
 * @example
 * ```ts
 * normalizeVerdicts({ spam: "pass", dmarcPolicy: "Reject" });
 * // { spam: "PASS", virus: undefined, spf: undefined, dkim: undefined, dmarc: undefined, dmarcPolicy: "reject" }
 * ```
 */
export function normalizeVerdicts(verdicts: Partial<ReceiptVerdicts> | undefined): ReceiptVerdicts {
  const upper = (status: string | undefined): VerdictStatus | undefined => status?.toUpperCase();
  return {
    spam: upper(verdicts?.spam),
    virus: upper(verdicts?.virus),
    spf: upper(verdicts?.spf),
    dkim: upper(verdicts?.dkim),
    dmarc: upper(verdicts?.dmarc),
    dmarcPolicy: verdicts?.dmarcPolicy?.toLowerCase(),
  };
}

/**
 * Anymail's `spam_detected`: `PASS` → false, `FAIL` → true, anything else (`GRAY`,
 * `PROCESSING_FAILED`, `DISABLED`, missing) → undefined, because those say nothing either way.
 *
 * @example
 * ```ts
 * spamDetectedFrom("FAIL"); // true
 * spamDetectedFrom("GRAY"); // undefined
 * ```
 */
export function spamDetectedFrom(status: VerdictStatus | undefined): boolean | undefined {
  switch (status?.toUpperCase()) {
    case "PASS":
      return false;
    case "FAIL":
      return true;
    default:
      return undefined;
  }
}
