/**
 * `consumeSesEvents`: a long-polling SQS consumer for queues that receive SES events (subscribed
 * to the SES topic, or an EventBridge rule's target). Batch receive, bounded concurrency,
 * visibility extended while a callback runs, batched deletes only after success, graceful stop.
 * Messages that fail are NOT retried in process: they stay on the queue, come back when their
 * visibility lapses, and the queue's redrive policy moves the ones that keep failing to its
 * dead-letter queue.
 *
 * @module
 */
import type { Message, SQSClientConfig } from "@aws-sdk/client-sqs";

import { createSesIntake, type IntakeResult, type SesIntake, type SesIntakeOptions } from "./ses-intake";
import { createSqsDeleter } from "./sqs-deleter";
import { sqsRegion } from "./sqs-queue-url";

/**
 * The part of an SQS client the consumer uses; `SQSClient` from `@aws-sdk/client-sqs` fits.
 *
 * @example
 * ```ts
 * import { SQSClient } from "@aws-sdk/client-sqs";
 * import type { SqsClientLike } from "mailroom-ses";
 * const client: SqsClientLike = new SQSClient({ region: "eu-west-1" });
 * ```
 */
export interface SqsClientLike {
  /** Send one SDK command; `abortSignal` cancels a long poll on stop. */
  send(command: object, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  /** Close the client's sockets (called on stop for a client the consumer created). */
  destroy?(): void;
}

/**
 * How the consumer polls.
 *
 * @example
 * ```ts
 * import type { SqsPollingOptions } from "mailroom-ses";
 * const polling: SqsPollingOptions = { queueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/ses", concurrency: 20 };
 * ```
 */
export interface SqsPollingOptions {
  /** The queue's URL. */
  queueUrl: string;
  /** An SQS client; default one created from `clientConfig` (region from the queue URL). */
  client?: SqsClientLike | undefined;
  /** Settings of the client the consumer creates. */
  clientConfig?: SQSClientConfig | undefined;
  /** Most callbacks running at once (default 10, at most 1000). */
  concurrency?: number | undefined;
  /** Most messages per ReceiveMessage call (1-10, default 10). */
  batchSize?: number | undefined;
  /** Long-poll wait (0-20 s, default 20). */
  waitTimeSeconds?: number | undefined;
  /** Visibility timeout of received messages (default 30 s); extended while a callback runs. */
  visibilityTimeoutSeconds?: number | undefined;
  /**
   * When a message failed (or was refused), make it visible again after this many seconds
   * (0-43200) instead of when its visibility timeout lapses. Each receive counts towards the
   * redrive policy's `maxReceiveCount`.
   */
  retryDelaySeconds?: number | undefined;
  /** Aborting it stops the consumer, as `stop()` does. */
  signal?: AbortSignal | undefined;
}

/**
 * Options of {@link consumeSesEvents}: the queue, the polling, and the intake (callback, accepted
 * formats, SNS checks, dedupe).
 *
 * @example
 * ```ts
 * import type { ConsumeSesEventsOptions } from "mailroom-ses";
 * const options: ConsumeSesEventsOptions = {
 *   queueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/ses-tracking",
 *   allowedTopicArns: ["arn:aws:sns:eu-west-1:123456789012:ses-tracking"],
 *   onEvent: (event) => console.log(event.eventType, event.recipient),
 * };
 * ```
 */
export type ConsumeSesEventsOptions = SesIntakeOptions & SqsPollingOptions;

/**
 * Counts since the consumer started.
 *
 * @example
 * ```ts
 * import type { SesConsumerStats } from "mailroom-ses";
 * const line = (s: SesConsumerStats) => `${s.handled} handled, ${s.failed} failed`;
 * ```
 */
export interface SesConsumerStats {
  /** Messages received. */
  received: number;
  /** Messages whose callbacks ran and succeeded. */
  handled: number;
  /** Messages already handled before (deleted without running the callback). */
  duplicates: number;
  /** Messages with nothing to hand over (deleted). */
  ignored: number;
  /** Messages whose callback or AWS call failed, or that another delivery was running (left on the queue). */
  failed: number;
  /** Messages refused as forged, malformed or not accepted (left to the redrive policy). */
  refused: number;
  /** Messages deleted from the queue. */
  deleted: number;
  /** Callbacks running now. */
  inFlight: number;
}

/**
 * A running consumer.
 *
 * @example
 * ```ts
 * import type { SesEventConsumer } from "mailroom-ses";
 * declare const consumer: SesEventConsumer;
 * process.once("SIGTERM", () => void consumer.stop());
 * ```
 */
export interface SesEventConsumer {
  /**
   * Stop polling (an open long poll is cancelled), let running callbacks finish, delete what
   * they handled, and resolve. Messages not yet handled stay on the queue.
   */
  stop(): Promise<void>;
  /** Resolves once the consumer has stopped (after `stop()` or the `signal`). */
  readonly stopped: Promise<void>;
  /** Counts since start. */
  readonly stats: Readonly<SesConsumerStats>;
}

const DEFAULTS = { concurrency: 10, batchSize: 10, waitTimeSeconds: 20, visibilityTimeoutSeconds: 30 };
const MAX_BACKOFF_MS = 20_000;
/** More concurrent long polls than this bring nothing but empty receives. */
const MAX_POLLERS = 4;

/**
 * Start consuming SES events from an SQS queue. Returns at once; polling runs in the background
 * until `stop()` (wire it to SIGTERM). Each message is handed to the same converters, signature
 * checks and deduplication as the webhooks; it is deleted only once its callbacks succeeded (or it
 * was a duplicate or had nothing to hand over).
 *
 * IAM for the consumer: `sqs:ReceiveMessage`, `sqs:DeleteMessage`, `sqs:ChangeMessageVisibility`
 * on the queue (`mailroom setup tracking --via sqs` prints the policy).
 *
 * @throws TypeError when an option is invalid.
 * @example
 * ```ts
 * import { consumeSesEvents } from "mailroom-ses";
 *
 * const consumer = consumeSesEvents({
 *   queueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/ses-tracking",
 *   allowedTopicArns: ["arn:aws:sns:eu-west-1:123456789012:ses-tracking"],
 *   onEvent: async (event) => {
 *     if (event.eventType === "bounced") console.log("suppress", event.recipient);
 *   },
 * });
 * process.once("SIGTERM", () => void consumer.stop());
 * ```
 */
export function consumeSesEvents(options: ConsumeSesEventsOptions): SesEventConsumer {
  const polling = pollingOptions(options);
  const intake = createSesIntake(options);
  return startConsumer(intake, polling, options);
}

interface Polling {
  queueUrl: string;
  concurrency: number;
  batchSize: number;
  waitTimeSeconds: number;
  visibilityTimeoutSeconds: number;
  retryDelaySeconds: number | undefined;
}

function pollingOptions(options: ConsumeSesEventsOptions): Polling {
  if (typeof options?.queueUrl !== "string" || !/^https?:\/\//.test(options.queueUrl)) {
    throw new TypeError("consumeSesEvents: queueUrl must be the queue's URL");
  }
  return {
    queueUrl: options.queueUrl,
    concurrency: integer(options.concurrency, "concurrency", 1, 1000, DEFAULTS.concurrency),
    batchSize: integer(options.batchSize, "batchSize", 1, 10, DEFAULTS.batchSize),
    waitTimeSeconds: integer(options.waitTimeSeconds, "waitTimeSeconds", 0, 20, DEFAULTS.waitTimeSeconds),
    visibilityTimeoutSeconds: integer(
      options.visibilityTimeoutSeconds,
      "visibilityTimeoutSeconds",
      1,
      43_200,
      DEFAULTS.visibilityTimeoutSeconds,
    ),
    retryDelaySeconds:
      options.retryDelaySeconds === undefined
        ? undefined
        : integer(options.retryDelaySeconds, "retryDelaySeconds", 0, 43_200, 0),
  };
}

function integer(
  value: number | undefined,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined) {
    return fallback;
  }
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new TypeError(`consumeSesEvents: ${name} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

const DONE: ReadonlySet<IntakeResult["outcome"]> = new Set(["handled", "duplicate", "ignored"]);

function startConsumer(
  intake: SesIntake,
  polling: Polling,
  options: ConsumeSesEventsOptions,
): SesEventConsumer {
  const logger = intake.logger;
  const stats: SesConsumerStats = {
    received: 0,
    handled: 0,
    duplicates: 0,
    ignored: 0,
    failed: 0,
    refused: 0,
    deleted: 0,
    inFlight: 0,
  };
  const abort = new AbortController();
  const running = new Set<Promise<void>>();
  let wakeUp: (() => void) | undefined;
  let stopping = false;

  const stop = (): void => {
    stopping = true;
    abort.abort();
    wakeUp?.();
  };
  options.signal?.addEventListener("abort", stop, { once: true });
  if (options.signal?.aborted === true) {
    stop();
  }

  const run = async (): Promise<void> => {
    const sdk = await import("@aws-sdk/client-sqs");
    const owned = options.client === undefined;
    const client: SqsClientLike =
      options.client ?? new sdk.SQSClient({ region: sqsRegion(polling.queueUrl), ...options.clientConfig });
    const sidecalls = createSqsDeleter(client, sdk, polling.queueUrl, logger, stats);
    const sleepers = new Set<() => void>();
    wakeUp = () => {
      for (const wake of sleepers) {
        wake();
      }
      sleepers.clear();
    };
    const freeSlot = (): Promise<void> =>
      new Promise((resolve) => {
        sleepers.add(resolve);
      });

    const process = async (message: Message): Promise<void> => {
      const receiptHandle = message.ReceiptHandle ?? "";
      // Keep the message hidden while the callback runs: extend before the timeout lapses.
      const heartbeat = setInterval(
        () => sidecalls.changeVisibility(receiptHandle, polling.visibilityTimeoutSeconds),
        (polling.visibilityTimeoutSeconds * 1000) / 2,
      );
      heartbeat.unref?.();
      try {
        const result = await intake.handleBody(message.Body ?? "");
        count(stats, result);
        if (DONE.has(result.outcome)) {
          sidecalls.delete(receiptHandle);
        } else if (polling.retryDelaySeconds !== undefined) {
          sidecalls.changeVisibility(receiptHandle, polling.retryDelaySeconds);
        }
      } finally {
        clearInterval(heartbeat);
      }
    };

    const start = (message: Message): void => {
      stats.received += 1;
      stats.inFlight += 1;
      const task = process(message)
        .catch((error: unknown) => {
          // handleBody never throws; this is a bug worth seeing, and the message simply comes back.
          logger.error("Unexpected error in the SQS consumer", { error });
        })
        .finally(() => {
          stats.inFlight -= 1;
          running.delete(task);
          wakeUp?.();
        });
      running.add(task);
    };

    // Several long polls at once when the concurrency allows more than one batch: one poll's
    // round trip would otherwise cap the throughput. Slots are reserved before a receive, so
    // the callbacks running never exceed `concurrency`.
    let reserved = 0;
    const poll = async (): Promise<void> => {
      let backoffMs = 0;
      while (!stopping) {
        const free = polling.concurrency - stats.inFlight - reserved;
        if (free <= 0) {
          await freeSlot();
          continue;
        }
        const wanted = Math.min(polling.batchSize, free);
        reserved += wanted;
        let messages: Message[];
        try {
          const out = (await client.send(
            new sdk.ReceiveMessageCommand({
              QueueUrl: polling.queueUrl,
              MaxNumberOfMessages: wanted,
              WaitTimeSeconds: polling.waitTimeSeconds,
              VisibilityTimeout: polling.visibilityTimeoutSeconds,
            }),
            { abortSignal: abort.signal },
          )) as { Messages?: Message[] };
          messages = out.Messages ?? [];
          backoffMs = 0;
        } catch (error) {
          if (stopping) {
            break;
          }
          backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(100, backoffMs * 2));
          logger.error("SQS ReceiveMessage failed; polling again after a pause", {
            queueUrl: polling.queueUrl,
            retryInMs: backoffMs,
            error,
          });
          await pause(backoffMs * (0.5 + Math.random() / 2), abort.signal);
          continue;
        } finally {
          reserved -= wanted;
        }
        for (const message of messages) {
          start(message);
        }
      }
    };
    const pollers = Math.min(MAX_POLLERS, Math.ceil(polling.concurrency / polling.batchSize));
    await Promise.all(Array.from({ length: pollers }, poll));
    // Graceful: nothing new is received; what is running finishes and its deletes are sent.
    while (running.size > 0) {
      await Promise.all([...running]);
    }
    await sidecalls.drain();
    if (owned) {
      client.destroy?.();
    }
  };
  // Never rejects: `stopped` may be awaited by nobody, and a failure to start is worth a log line.
  const stopped = run().catch((error: unknown) => {
    logger.error("The SQS consumer stopped on an unexpected error", { queueUrl: polling.queueUrl, error });
  });

  return {
    stop: async () => {
      stop();
      await stopped;
    },
    stopped,
    stats,
  };
}

function count(stats: SesConsumerStats, result: IntakeResult): void {
  switch (result.outcome) {
    case "handled":
      stats.handled += 1;
      break;
    case "duplicate":
      stats.duplicates += 1;
      break;
    case "ignored":
      stats.ignored += 1;
      break;
    case "refused":
      stats.refused += 1;
      break;
    case "failed":
    case "in-flight":
      stats.failed += 1;
      break;
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
