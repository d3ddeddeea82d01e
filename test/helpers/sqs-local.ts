/** SQS clients and queues on the fauxqs stand-in started by test/setup/sqs-local.ts. */
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { SNSClient } from "@aws-sdk/client-sns";
import { inject } from "vitest";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const CLIENT_CONFIG = {
  region: "us-east-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
  maxAttempts: 1,
};

export function sqsLocalClient(): SQSClient {
  return new SQSClient({ ...CLIENT_CONFIG, endpoint: inject("sqsEndpoint") });
}

export function snsLocalClient(): SNSClient {
  return new SNSClient({ ...CLIENT_CONFIG, endpoint: inject("sqsEndpoint") });
}

/** A fresh queue name per test, so tests never see each other's messages. */
export function uniqueQueueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export interface QueuePair {
  queueUrl: string;
  queueArn: string;
  dlqUrl: string;
  dlqArn: string;
}

export async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }),
  );
  return out.Attributes?.QueueArn ?? "";
}

/** A queue and its dead-letter queue, with a redrive policy. */
export async function createQueueWithDlq(
  sqs: SQSClient,
  prefix: string,
  options: { visibilityTimeout: number; maxReceiveCount: number },
): Promise<QueuePair> {
  const name = uniqueQueueName(prefix);
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
  const dlqUrl = dlq.QueueUrl ?? "";
  const dlqArn = await queueArn(sqs, dlqUrl);
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: String(options.visibilityTimeout),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlqArn,
          maxReceiveCount: options.maxReceiveCount,
        }),
      },
    }),
  );
  const queueUrl = queue.QueueUrl ?? "";
  return { queueUrl, queueArn: await queueArn(sqs, queueUrl), dlqUrl, dlqArn };
}

/** Send bodies in batches of 10 (SendMessageBatch), several batches at once. */
export async function sendBodies(sqs: SQSClient, queueUrl: string, bodies: readonly string[]): Promise<void> {
  const batches: string[][] = [];
  for (let i = 0; i < bodies.length; i += 10) {
    batches.push(bodies.slice(i, i + 10));
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const batch = batches[next++] ?? [];
      const out = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((MessageBody, i) => ({ Id: String(i), MessageBody })),
        }),
      );
      if ((out.Failed ?? []).length > 0) {
        throw new Error(`SendMessageBatch failed: ${JSON.stringify(out.Failed)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

/** Every body on a queue, received (and left in flight) until a receive comes back empty. */
export async function drainBodies(sqs: SQSClient, queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 60,
      }),
    );
    if ((out.Messages ?? []).length === 0) {
      return bodies;
    }
    bodies.push(...(out.Messages ?? []).map((m) => m.Body ?? ""));
  }
}

/** Visible + in flight + delayed messages on a queue. */
export async function messagesOnQueue(sqs: SQSClient, queueUrl: string): Promise<number> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
      ],
    }),
  );
  const a = out.Attributes ?? {};
  return (
    Number(a.ApproximateNumberOfMessages ?? 0) +
    Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) +
    Number(a.ApproximateNumberOfMessagesDelayed ?? 0)
  );
}

/** Wait until `check` is true (polling), or fail after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A minimal SES sending event (one recipient, so one tracking event per message). */
export function sesSendEvent(n: number): Record<string, unknown> {
  const messageId = `0100019a${n.toString(16).padStart(8, "0")}-test-000000`;
  return {
    eventType: "Delivery",
    mail: {
      timestamp: "2026-12-05T10:00:00.000Z",
      source: "shop@example.com",
      messageId,
      destination: [`user${n}@example.com`],
      headersTruncated: false,
      headers: [],
    },
    delivery: {
      timestamp: "2026-12-05T10:00:01.000Z",
      processingTimeMillis: 1000,
      recipients: [`user${n}@example.com`],
      smtpResponse: "250 ok",
      reportingMTA: "a1-2.smtp-out.amazonses.com",
    },
  };
}
