/**
 * Turning stored job state into the public {@link MailJobResult}, and waiting for one.
 *
 * @module
 */
import { ConfigurationError } from "../errors";
import type { StoredOutcome } from "./process-job";
import { restoreStatus } from "./serialize";
import type { FinishedMailJob, MailJobResult } from "./types";

/**
 * The public result of a finished job.
 *
 * @example
 * ```ts
 * finishedResult("42", 1, { state: "sent", status: stored, possibleDuplicate: false }).status.messageId;
 * ```
 */
export function finishedResult(jobId: string, attempts: number, outcome: StoredOutcome): FinishedMailJob {
  if (outcome.state === "sent") {
    return {
      jobId,
      state: "sent",
      attempts,
      status: restoreStatus(outcome.status),
      possibleDuplicate: outcome.possibleDuplicate,
    };
  }
  return { jobId, state: outcome.state, attempts, error: outcome.error };
}

/**
 * True when the result is final (sent, failed or unknown).
 *
 * @example
 * ```ts
 * if (isFinished(result)) report(result);
 * ```
 */
export function isFinished(result: MailJobResult | undefined): result is FinishedMailJob {
  return (
    result !== undefined &&
    (result.state === "sent" || result.state === "failed" || result.state === "unknown")
  );
}

/**
 * Poll `read` until the job is finished. Polling (not events) works the same for a job
 * finished by a worker in another process, and cannot miss an event sent before it started.
 *
 * @throws ConfigurationError when the job does not exist; Error after `timeoutMs`
 * @example
 * ```ts
 * const done = await pollForResult((id) => queue.result(id), jobId, { timeoutMs: 10_000 });
 * ```
 */
export async function pollForResult(
  read: (jobId: string) => Promise<MailJobResult | undefined>,
  jobId: string,
  options: { timeoutMs?: number; pollMs?: number } = {},
): Promise<FinishedMailJob> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const pollMs = options.pollMs ?? 50;
  for (;;) {
    const result = await read(jobId);
    if (result === undefined) {
      throw new ConfigurationError(
        `No mail job with id ${jobId} (never enqueued, or removed after it finished)`,
      );
    }
    if (isFinished(result)) {
      return result;
    }
    if (Date.now() >= deadline) {
      throw new Error(`Mail job ${jobId} is still ${result.state} after ${options.timeoutMs ?? 60_000} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
