import type { SendBulkEmailCommandOutput } from "@aws-sdk/client-sesv2";

import { ApiError } from "../errors";
import type { EmailAddress } from "../message/address";
import type { RecipientStatus } from "../send-status";

/**
 * What one SendBulkEmail call came back with: its output, or the error it failed with.
 *
 * @example
 * ```ts
 * const failed = outcomes.filter((o) => o.error !== undefined).length;
 * ```
 */
export type BulkBatchOutcome =
  | {
      /** What SES answered. */
      output: SendBulkEmailCommandOutput;
      /** No error. */
      error?: undefined;
    }
  | {
      /** No answer. */
      output?: undefined;
      /** Why the call failed. */
      error: ApiError;
    };

function batchResults(outcome: BulkBatchOutcome, recipients: EmailAddress[]): RecipientStatus[] {
  if (outcome.error !== undefined) {
    // The whole call failed: every entry in it shares the reason. When the request may have
    // reached SES, say "unknown" rather than guess.
    const status = outcome.error.outcomeUnknown ? "unknown" : "failed";
    return recipients.map(() => ({
      status,
      messageId: undefined,
      espStatus: outcome.error.awsCode,
      error: outcome.error.message,
    }));
  }
  const results = outcome.output.BulkEmailEntryResults;
  if (!Array.isArray(results)) {
    throw new ApiError(
      `Error parsing Amazon SES send result: no BulkEmailEntryResults in ${JSON.stringify(outcome.output)}`,
      {
        response: outcome.output,
      },
    );
  }
  if (results.length !== recipients.length) {
    throw new ApiError(
      `Sent to ${recipients.length} destinations, but only ${results.length} statuses in Amazon SES send result`,
      { response: outcome.output },
    );
  }
  return results.map((result) => ({
    status: result.Status === "SUCCESS" ? "queued" : "failed",
    messageId: result.MessageId,
    espStatus: result.Status,
    error: result.Error,
  }));
}

/** When every recipient failed for one and the same reason, that reason is the send's error. */
function raiseIfAllFailedAlike(statuses: RecipientStatus[], outcomes: BulkBatchOutcome[]): void {
  const first = statuses[0];
  if (first === undefined || first.status === "queued") {
    return;
  }
  const alike = statuses.every(
    (s) => s.status === first.status && s.espStatus === first.espStatus && s.error === first.error,
  );
  if (!alike) {
    return;
  }
  const batchError = outcomes.find((o) => o.error !== undefined)?.error;
  if (batchError !== undefined) {
    throw batchError;
  }
  throw new ApiError(first.error ?? first.espStatus ?? "Amazon SES refused every recipient", {
    awsCode: first.espStatus,
    response: outcomes.map((o) => o.output),
  });
}

/**
 * Turn the outcomes of the SendBulkEmail calls for one message into per-recipient statuses, keyed
 * by each `to` recipient's addr-spec: "queued" with its own MessageId, or "failed" with SES's
 * Status and Error. Mixed results are reported; a send in which every recipient failed for the
 * same reason throws that reason as an ApiError.
 *
 * @throws ApiError when a result list is missing or has the wrong length, or all failed alike
 * @example
 * ```ts
 * parseBulkOutcomes([{ output: { BulkEmailEntryResults: [{ Status: "SUCCESS", MessageId: "1" }], $metadata: {} } }], [[alice]]);
 * // { "alice@example.com": { status: "queued", messageId: "1", espStatus: "SUCCESS" } }
 * ```
 */
export function parseBulkOutcomes(
  outcomes: BulkBatchOutcome[],
  batches: EmailAddress[][],
): Record<string, RecipientStatus> {
  const statuses = outcomes.flatMap((outcome, i) => batchResults(outcome, batches[i] ?? []));
  raiseIfAllFailedAlike(statuses, outcomes);
  const recipients: Record<string, RecipientStatus> = {};
  batches.flat().forEach((to, i) => {
    recipients[to.addrSpec] = statuses[i] as RecipientStatus;
  });
  return recipients;
}
