/**
 * Lambda functions triggered by SQS (an event source mapping) or invoked by an EventBridge rule,
 * around a Mailroom intake ({@link createSesIntake}). Type conversion and the answer Lambda
 * expects; the handling itself is the intake's. Exported from `mailroom-ses/lambda`.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 * @module
 */
import type { IntakeResult, SesIntake } from "../intake/ses-intake";

/**
 * One record of an SQS-triggered invocation (the fields the adapter reads).
 *
 * @example
 * ```ts
 * import type { SqsEventRecord } from "mailroom-ses/lambda";
 * const record: SqsEventRecord = { messageId: "059f36b4-87a3-44ab-83d2-661975830a7d", body: "{}",
 *   eventSource: "aws:sqs", eventSourceARN: "arn:aws:sqs:eu-west-1:123456789012:ses-tracking" };
 * ```
 */
export interface SqsEventRecord {
  /** The SQS message id: what `batchItemFailures` names. */
  messageId: string;
  /** The message body. */
  body: string;
  /** `aws:sqs`. */
  eventSource?: string;
  /** The queue's ARN; a FIFO queue's ends in `.fifo`. */
  eventSourceARN?: string;
}

/**
 * An SQS-triggered invocation.
 *
 * @example
 * ```ts
 * import type { SqsEventRecord, SqsLambdaEvent } from "mailroom-ses/lambda";
 * declare const record: SqsEventRecord;
 * const event: SqsLambdaEvent = { Records: [record] };
 * ```
 */
export interface SqsLambdaEvent {
  /** The batch (up to 10,000 records with a batching window). */
  Records: SqsEventRecord[];
}

/**
 * The partial batch response: only the records named here are retried (the event source mapping
 * needs `FunctionResponseTypes: ["ReportBatchItemFailures"]`); the others are deleted.
 *
 * @example
 * ```ts
 * import type { SqsBatchResponse } from "mailroom-ses/lambda";
 * const response: SqsBatchResponse = { batchItemFailures: [{ itemIdentifier: "059f36b4-87a3-44ab-83d2-661975830a7d" }] };
 * ```
 */
export interface SqsBatchResponse {
  /** The records to retry. */
  batchItemFailures: { itemIdentifier: string }[];
}

/**
 * Options of {@link toSqsLambdaHandler}.
 *
 * @example
 * ```ts
 * import type { SqsLambdaOptions } from "mailroom-ses/lambda";
 * const options: SqsLambdaOptions = { concurrency: 5 };
 * ```
 */
export interface SqsLambdaOptions {
  /** Records handled at once for a standard queue (default 10); FIFO queues go one at a time. */
  concurrency?: number | undefined;
}

const DONE: ReadonlySet<IntakeResult["outcome"]> = new Set(["handled", "duplicate", "ignored"]);

/**
 * Wrap an intake as the handler of an SQS-triggered function that reports partial batch
 * failures: a record whose callback failed, that another delivery was running, or that was
 * refused is named in `batchItemFailures` and comes back; a refused (poison) record ends in the
 * queue's dead-letter queue through the redrive policy, as with {@link consumeSesEvents}. For a
 * FIFO queue, records go in order and everything after a failure is reported too (order kept).
 *
 * @example
 * ```ts
 * import { createSesIntake } from "mailroom-ses";
 * import { toSqsLambdaHandler } from "mailroom-ses/lambda";
 *
 * export const handler = toSqsLambdaHandler(
 *   createSesIntake({
 *     allowedTopicArns: ["arn:aws:sns:eu-west-1:123456789012:ses-tracking"],
 *     onEvent: async (event) => console.log(event.eventType, event.recipient),
 *   }),
 * );
 * ```
 */
export function toSqsLambdaHandler(
  intake: SesIntake,
  options: SqsLambdaOptions = {},
): (event: SqsLambdaEvent) => Promise<SqsBatchResponse> {
  const concurrency = options.concurrency ?? 10;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new TypeError("toSqsLambdaHandler: concurrency must be a positive whole number");
  }
  return async (event) => {
    if (!Array.isArray(event?.Records)) {
      throw new TypeError("toSqsLambdaHandler: not an SQS event (no Records)");
    }
    const records = event.Records;
    const fifo = records.some((r) => r.eventSourceARN?.endsWith(".fifo") === true);
    const failed = new Set<string>();
    if (fifo) {
      for (const [i, record] of records.entries()) {
        if (!(await handledOk(intake, record))) {
          // Later records of a FIFO batch must not overtake this one.
          for (const rest of records.slice(i)) {
            failed.add(rest.messageId);
          }
          break;
        }
      }
    } else {
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < records.length) {
          const record = records[next++] as SqsEventRecord;
          if (!(await handledOk(intake, record))) {
            failed.add(record.messageId);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, records.length) }, worker));
    }
    return {
      batchItemFailures: records
        .filter((r) => failed.has(r.messageId))
        .map((r) => ({ itemIdentifier: r.messageId })),
    };
  };
}

async function handledOk(intake: SesIntake, record: SqsEventRecord): Promise<boolean> {
  const result = await intake.handleBody(typeof record.body === "string" ? record.body : "");
  return DONE.has(result.outcome);
}

/**
 * Wrap an intake as the target of an EventBridge rule matching `source: ["aws.ses"]`. A failure
 * the intake says to retry (the callback threw, another delivery is running, AWS failed)
 * rejects, so Lambda's asynchronous invocation retries it (then its on-failure destination or
 * dead-letter queue); a refused event (malformed, not from `aws.ses`) is logged and dropped:
 * retrying the same bytes cannot succeed. Deduplicated on the EventBridge event `id`.
 *
 * @example
 * ```ts
 * import { createSesIntake } from "mailroom-ses";
 * import { toEventBridgeLambdaHandler } from "mailroom-ses/lambda";
 *
 * export const handler = toEventBridgeLambdaHandler(
 *   createSesIntake({ onEvent: async (event) => console.log(event.eventType, event.recipient) }),
 * );
 * ```
 */
export function toEventBridgeLambdaHandler(intake: SesIntake): (event: unknown) => Promise<void> {
  return async (event) => {
    const result = await intake.handleEventBridgeEvent(event);
    if (result.outcome === "failed") {
      throw new Error(
        `Mailroom could not handle the EventBridge event (${result.reason}); Lambda will retry`,
      );
    }
    if (result.outcome === "in-flight") {
      throw new Error("The EventBridge event is being handled by another delivery; Lambda will retry");
    }
  };
}
