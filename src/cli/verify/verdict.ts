/**
 * What an endpoint's answer to a test-signed sample means. The samples are signed by a
 * throwaway CA, so a production webhook with signature verification on must refuse them (403);
 * accepting them means verification is off or trusts the test CA.
 *
 * @module
 */
import type { DeliveryResult } from "./deliver";

/**
 * The meaning of one answer.
 *
 * @example
 * ```ts
 * const verdict: Verdict = "rejected";
 * ```
 */
export type Verdict =
  | "accepted"
  | "rejected"
  | "needs-secret"
  | "bad-secret"
  | "no-challenge"
  | "redirect"
  | "refused"
  | "server-error"
  | "unreachable";

/**
 * Which answers make `verify-webhook` succeed: `any` = every sample accepted (2xx) or refused for
 * its signature (403); `rejected` = all 403 (production); `accepted` = all 2xx (a dev endpoint
 * with verification off).
 *
 * @example
 * ```ts
 * const expectation: Expectation = "rejected";
 * ```
 */
export type Expectation = "any" | "rejected" | "accepted";

/** How a 403 body reads when it refuses the basic-auth credentials rather than the signature. */
const CREDENTIALS_REFUSED = /credential|unauthori[sz]ed|password|basic auth/i;

/**
 * Classify one delivery.
 *
 * @example
 * ```ts
 * verdictOf({ status: 403, challenged: true, unchallenged401: false, authenticated: true, reason: "" }, true); // "rejected"
 * ```
 */
export function verdictOf(result: DeliveryResult, hasSecret: boolean): Verdict {
  const { status } = result;
  if (status === undefined) {
    return "unreachable";
  }
  if (status >= 200 && status < 300) {
    return "accepted";
  }
  if (status === 403) {
    // A 403 to the credentials sent after the challenge is the secret being refused, not the test
    // signature: Mailroom's webhook answers "Invalid credentials", other servers say much the same.
    return result.authenticated && CREDENTIALS_REFUSED.test(result.reason) ? "bad-secret" : "rejected";
  }
  if (status === 401) {
    if (result.unchallenged401) {
      return "no-challenge";
    }
    return hasSecret ? "bad-secret" : "needs-secret";
  }
  if (status >= 300 && status < 400) {
    return "redirect";
  }
  return status >= 500 ? "server-error" : "refused";
}

/**
 * A short explanation of a verdict for the report.
 *
 * @example
 * ```ts
 * explain("rejected"); // "refused the test signature (expected with verification on)"
 * ```
 */
export function explain(verdict: Verdict): string {
  switch (verdict) {
    case "accepted":
      return "ACCEPTED: signature verification is off or trusts the test CA";
    case "rejected":
      return "refused the test signature (expected with verification on)";
    case "needs-secret":
      return "wants basic auth: pass --secret or set MAILROOM_WEBHOOK_SECRET";
    case "bad-secret":
      return "FAIL: the webhook refused the credentials: the secret (--secret or MAILROOM_WEBHOOK_SECRET) differs from the webhook's";
    case "no-challenge":
      return "401 without 'WWW-Authenticate: Basic': SNS would never send the credentials";
    case "redirect":
      return "redirected: subscribe the final URL instead";
    case "refused":
      return "refused the request (not a signature refusal)";
    case "server-error":
      return "server error: SNS would retry, then drop the event";
    case "unreachable":
      return "no answer";
  }
}

/**
 * True when a verdict meets the expectation.
 *
 * @example
 * ```ts
 * meets("accepted", "rejected"); // false
 * ```
 */
export function meets(verdict: Verdict, expectation: Expectation): boolean {
  switch (expectation) {
    case "any":
      return verdict === "accepted" || verdict === "rejected";
    case "rejected":
      return verdict === "rejected";
    case "accepted":
      return verdict === "accepted";
  }
}
