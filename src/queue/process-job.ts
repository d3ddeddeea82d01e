/**
 * One attempt at a queued message, the same for the in-process and the Redis queue: the
 * failure semantics live here once.
 *
 * @module
 */
import { ApiError, ErrorCode, MailroomError } from "../errors";
import type { Mailer } from "../mailer";
import type { EmailMessage } from "../message/types";
import { classifySesError } from "./classify-error";
import type { RetryPolicy } from "./retry-policy";
import { describeError, storeStatus } from "./serialize";
import type { JobErrorInfo, StoredStatus } from "./serialize";

/**
 * What a finished job stores as its outcome.
 *
 * @example
 * ```ts
 * const outcome: StoredOutcome = { state: "sent", status: storeStatus(status), possibleDuplicate: false };
 * ```
 */
export type StoredOutcome =
  | { state: "sent"; status: StoredStatus; possibleDuplicate: boolean }
  | { state: "failed" | "unknown"; error: JobErrorInfo };

/**
 * The progress record a job keeps between attempts (BullMQ job progress, or the in-memory job).
 * Written before every send, so that an attempt cut short by a crash is visible to the next.
 *
 * @example
 * ```ts
 * await job.updateProgress({ phase: "sending", uncertain: false, firstAttemptAt: Date.now() });
 * ```
 */
export interface JobProgressRecord {
  phase: "sending" | "retrying" | "done";
  /** An earlier attempt may have reached SES without a known answer. */
  uncertain: boolean;
  /** Epoch ms of the first attempt, for the policy's total-time cap. */
  firstAttemptAt: number;
  outcome?: StoredOutcome | undefined;
}

/**
 * What the queue must do after an attempt.
 *
 * @example
 * ```ts
 * if (step.action === "retry") scheduleAgain(step.delayMs);
 * ```
 */
export type JobStep =
  | { action: "complete"; outcome: Extract<StoredOutcome, { state: "sent" }> }
  | { action: "fail"; outcome: Extract<StoredOutcome, { state: "failed" | "unknown" }> }
  | { action: "retry"; delayMs: number }
  /** The daily quota: wait, without spending an attempt. */
  | { action: "defer"; delayMs: number };

/**
 * Inputs of {@link attemptMailJob}.
 *
 * @example
 * ```ts
 * await attemptMailJob({ jobId, message, attempt: 1, previous: undefined, saveProgress, mailer, policy, retryUnknownOutcome: true, dailyQuotaDelayMs: 600_000 });
 * ```
 */
export interface MailJobAttempt {
  jobId: string;
  message: EmailMessage;
  /** This attempt's number, 1-based. */
  attempt: number;
  /** The record the previous attempt left, if any. */
  previous: JobProgressRecord | undefined;
  /** Persist the record; must resolve before the send starts. */
  saveProgress(record: JobProgressRecord): Promise<void>;
  mailer: Pick<Mailer, "send">;
  /** Job-level retries; undefined for one attempt. */
  policy: RetryPolicy | undefined;
  retryUnknownOutcome: boolean;
  dailyQuotaDelayMs: number;
  now?: () => number;
}

function isProgressRecord(value: unknown): value is JobProgressRecord {
  return typeof value === "object" && value !== null && "phase" in value && "uncertain" in value;
}

/**
 * Read a progress record back from whatever the queue stored (BullMQ's default progress is 0).
 *
 * @example
 * ```ts
 * const previous = asProgressRecord(job.progress);
 * ```
 */
export function asProgressRecord(value: unknown): JobProgressRecord | undefined {
  return isProgressRecord(value) ? value : undefined;
}

const crashError: JobErrorInfo = {
  name: "ApiError",
  message: "A worker stopped while sending this message: it may or may not have been sent",
  code: "api_error",
  awsCode: undefined,
  httpStatus: undefined,
  kind: "network",
};

/**
 * Run one attempt at a queued message and say what the queue must do next. At-least-once: a
 * message whose earlier attempt may have been sent is sent again and flagged
 * `possibleDuplicate`, unless `retryUnknownOutcome` is off, in which case it ends `unknown`.
 *
 * @example
 * ```ts
 * const step = await attemptMailJob({ jobId, message, attempt: 1, previous: undefined, saveProgress, mailer, policy, retryUnknownOutcome: true, dailyQuotaDelayMs: 600_000 });
 * ```
 */
export async function attemptMailJob(input: MailJobAttempt): Promise<JobStep> {
  const now = input.now ?? Date.now;
  const previous = input.previous;
  // A record still saying "sending" means the last worker died between the send and the result.
  let uncertain = (previous?.uncertain ?? false) || previous?.phase === "sending";
  const firstAttemptAt = previous?.firstAttemptAt ?? now();
  const decided = previous?.phase === "done" ? previous.outcome : undefined;
  if (decided !== undefined) {
    // The last worker decided, and died before the queue recorded it: keep its decision.
    return decided.state === "sent"
      ? { action: "complete", outcome: decided }
      : { action: "fail", outcome: decided };
  }
  if (uncertain && !input.retryUnknownOutcome) {
    const outcome = { state: "unknown" as const, error: crashError };
    await input.saveProgress({ phase: "done", uncertain, firstAttemptAt, outcome });
    return { action: "fail", outcome };
  }
  await input.saveProgress({ phase: "sending", uncertain, firstAttemptAt });
  try {
    // The delay is over: send now. `null` also suppresses a sendAt send default.
    const status = await input.mailer.send({ ...input.message, sendAt: null });
    return {
      action: "complete",
      outcome: { state: "sent", status: storeStatus(status), possibleDuplicate: uncertain },
    };
  } catch (error) {
    const policy = input.policy;
    const elapsedMs = now() - firstAttemptAt;
    const decision = policy?.decide(error, input.attempt, elapsedMs);
    if (error instanceof MailroomError && error.code === ErrorCode.sendingPaused) {
      // Sending is paused (docs/reputation.md): nothing was sent. Every worker waits, and the
      // job keeps its attempts and its place: nothing is lost, it goes out once sending resumes.
      await input.saveProgress({ phase: "retrying", uncertain, firstAttemptAt });
      const retryAfterMs = (error as { retryAfterMs?: unknown }).retryAfterMs;
      return { action: "defer", delayMs: typeof retryAfterMs === "number" ? retryAfterMs : 30_000 };
    }
    if ((decision?.classification ?? classifySesError(error)).kind === "daily-quota") {
      await input.saveProgress({ phase: "retrying", uncertain, firstAttemptAt });
      return { action: "defer", delayMs: input.dailyQuotaDelayMs };
    }
    uncertain ||= error instanceof ApiError && error.outcomeUnknown;
    if (policy !== undefined && decision?.retry === true) {
      await input.saveProgress({ phase: "retrying", uncertain, firstAttemptAt });
      policy.notify({
        attempt: input.attempt,
        delayMs: decision.delayMs,
        code: decision.classification.code,
        kind: decision.classification.kind,
        outcomeUnknown: decision.classification.outcomeUnknown,
        elapsedMs,
        operation: input.jobId,
        error,
      });
      return { action: "retry", delayMs: decision.delayMs };
    }
    const outcome = {
      state: uncertain ? ("unknown" as const) : ("failed" as const),
      error: describeError(error),
    };
    await input.saveProgress({ phase: "done", uncertain, firstAttemptAt, outcome });
    return { action: "fail", outcome };
  }
}
