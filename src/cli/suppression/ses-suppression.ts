/**
 * The SESv2 account-level suppression list, as the `mailroom suppression` commands use it:
 * typed calls, paging, and the mapping between SES's two reasons and Mailroom's entries.
 *
 * @module
 */
import {
  DeleteSuppressedDestinationCommand,
  ListSuppressedDestinationsCommand,
  PutSuppressedDestinationCommand,
} from "@aws-sdk/client-sesv2";
import type {
  ListSuppressedDestinationsCommandOutput,
  SuppressedDestinationSummary,
  SuppressionListReason,
} from "@aws-sdk/client-sesv2";

import { ACCOUNT_SCOPE } from "../../store/suppression-store";
import type { SuppressionEntry } from "../../store/suppression-store";
import type { AwsClientLike } from "../deps";
import { allPages, call } from "../setup/aws-call";

/**
 * SES's reasons (only these two exist on its account-level list).
 *
 * @example
 * ```ts
 * const reason: SesSuppressionReason = "BOUNCE";
 * ```
 */
export type SesSuppressionReason = "BOUNCE" | "COMPLAINT";

/** SES's reasons, for flag validation. */
export const SES_REASONS: readonly SesSuppressionReason[] = ["BOUNCE", "COMPLAINT"];

/**
 * Every entry of SES's account-level list (all pages), optionally of one reason.
 *
 * @example
 * ```ts
 * const all = await listSesSuppressed(sesv2, "BOUNCE");
 * ```
 */
export async function listSesSuppressed(
  sesv2: AwsClientLike,
  reason?: SesSuppressionReason,
): Promise<SuppressedDestinationSummary[]> {
  return allPages(async (token) => {
    const out = await call<ListSuppressedDestinationsCommandOutput>(
      sesv2,
      new ListSuppressedDestinationsCommand({
        NextToken: token,
        PageSize: 1000,
        ...(reason === undefined ? {} : { Reasons: [reason] }),
      }),
    );
    return { items: out.SuppressedDestinationSummaries ?? [], next: out.NextToken };
  });
}

/**
 * Put one address on SES's list.
 *
 * @example
 * ```ts
 * await putSesSuppressed(sesv2, "bob@example.com", "BOUNCE");
 * ```
 */
export async function putSesSuppressed(
  sesv2: AwsClientLike,
  address: string,
  reason: SesSuppressionReason,
): Promise<void> {
  await call(sesv2, new PutSuppressedDestinationCommand({ EmailAddress: address, Reason: reason }));
}

/**
 * Take one address off SES's list.
 *
 * @example
 * ```ts
 * await deleteSesSuppressed(sesv2, "bob@example.com");
 * ```
 */
export async function deleteSesSuppressed(sesv2: AwsClientLike, address: string): Promise<void> {
  await call(sesv2, new DeleteSuppressedDestinationCommand({ EmailAddress: address }));
}

/**
 * A local entry for an SES summary (pull): account-wide, `bounce` or `complaint`, detail
 * "SES account suppression list", since SES's LastUpdateTime.
 *
 * @example
 * ```ts
 * const entry = fromSes({ EmailAddress: "a@example.com", Reason: "BOUNCE", LastUpdateTime: new Date() });
 * ```
 */
export function fromSes(summary: SuppressedDestinationSummary): SuppressionEntry | undefined {
  if (summary.EmailAddress === undefined) {
    return undefined;
  }
  return {
    address: summary.EmailAddress,
    scope: ACCOUNT_SCOPE,
    reason: summary.Reason === "COMPLAINT" ? "complaint" : "bounce",
    detail: "SES account suppression list",
    since: summary.LastUpdateTime instanceof Date ? summary.LastUpdateTime : new Date(),
  };
}

/**
 * SES's reason for a local entry (push), or undefined when SES has no such reason (an
 * unsubscribe or a manual entry, or a scoped one: SES's list is account-wide only).
 *
 * @example
 * ```ts
 * toSesReason(entry); // "BOUNCE"
 * ```
 */
export function toSesReason(entry: SuppressionEntry): SuppressionListReason | undefined {
  if (entry.scope !== ACCOUNT_SCOPE) {
    return undefined;
  }
  if (entry.reason === "bounce") {
    // A transient-policy entry expires; SES's list has no expiry, so it stays local.
    return entry.expiresAt === undefined ? "BOUNCE" : undefined;
  }
  return entry.reason === "complaint" ? "COMPLAINT" : undefined;
}
