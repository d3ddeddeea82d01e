/**
 * The consumer's calls besides ReceiveMessage: deletes gathered into DeleteMessageBatch calls of
 * up to 10 (the SQS maximum), and visibility changes. Neither is awaited by the message that asked
 * for it; `drain()` waits for all of them (graceful stop).
 *
 * @module
 */
import type { WebhookLogger } from "../webhook/types";
import type { SqsClientLike } from "./sqs-consumer";

/** The SDK module's command classes the consumer uses (imported lazily by the caller). */
interface SqsCommands {
  DeleteMessageBatchCommand: new (input: {
    QueueUrl: string;
    Entries: { Id: string; ReceiptHandle: string }[];
  }) => object;
  ChangeMessageVisibilityCommand: new (input: {
    QueueUrl: string;
    ReceiptHandle: string;
    VisibilityTimeout: number;
  }) => object;
}

/**
 * Batched deletes and visibility changes for one queue.
 *
 * @example
 * ```ts
 * const calls = createSqsDeleter(client, sdk, queueUrl, logger, stats);
 * calls.delete(message.ReceiptHandle);
 * await calls.drain();
 * ```
 */
export interface SqsSideCalls {
  /** Queue a delete; sent with up to 9 others. */
  delete(receiptHandle: string): void;
  /** Hide the message for `seconds` from now (0: visible again at once). */
  changeVisibility(receiptHandle: string, seconds: number): void;
  /** Send what is queued and wait for every call in progress. */
  drain(): Promise<void>;
}

const MAX_BATCH = 10;

/**
 * Create the side calls of one consumer.
 *
 * @example
 * ```ts
 * const calls = createSqsDeleter(client, await import("@aws-sdk/client-sqs"), queueUrl, console, stats);
 * ```
 */
export function createSqsDeleter(
  client: SqsClientLike,
  sdk: SqsCommands,
  queueUrl: string,
  logger: WebhookLogger,
  stats: { deleted: number },
): SqsSideCalls {
  let pending: string[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const calls = new Set<Promise<void>>();

  const track = (call: Promise<void>): void => {
    calls.add(call);
    void call.finally(() => calls.delete(call));
  };

  const flush = (): void => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    while (pending.length > 0) {
      const handles = pending.slice(0, MAX_BATCH);
      pending = pending.slice(MAX_BATCH);
      track(sendBatch(handles));
    }
  };

  const sendBatch = async (handles: string[]): Promise<void> => {
    const entries = handles.map((ReceiptHandle, i) => ({ Id: String(i), ReceiptHandle }));
    try {
      const out = (await client.send(
        new sdk.DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }),
      )) as { Successful?: unknown[]; Failed?: { Id?: string; Code?: string; Message?: string }[] };
      stats.deleted += out.Successful?.length ?? 0;
      for (const failure of out.Failed ?? []) {
        // The message comes back after its visibility timeout; deduplication answers it.
        logger.warn("SQS refused to delete a handled message; it will be delivered again", {
          queueUrl,
          code: failure.Code,
          reason: failure.Message,
        });
      }
    } catch (error) {
      logger.error("SQS DeleteMessageBatch failed; the handled messages will be delivered again", {
        queueUrl,
        count: handles.length,
        error,
      });
    }
  };

  return {
    delete(receiptHandle) {
      pending.push(receiptHandle);
      if (pending.length >= MAX_BATCH) {
        flush();
      } else if (timer === undefined) {
        // A moment for the other callbacks of the same receive to finish: fewer, fuller batches.
        timer = setTimeout(flush, 2);
      }
    },
    changeVisibility(receiptHandle, seconds) {
      const call = client
        .send(
          new sdk.ChangeMessageVisibilityCommand({
            QueueUrl: queueUrl,
            ReceiptHandle: receiptHandle,
            VisibilityTimeout: seconds,
          }),
        )
        .then(
          () => undefined,
          (error: unknown) => {
            logger.warn("SQS ChangeMessageVisibility failed", { queueUrl, seconds, error });
          },
        );
      track(call);
    },
    async drain() {
      flush();
      while (calls.size > 0) {
        await Promise.all([...calls]);
      }
    },
  };
}
