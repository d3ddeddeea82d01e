/**
 * The durable routes of the setup commands: `--via sqs` (SNS topic → SQS queue, read by
 * `consumeSesEvents`) and, for tracking, `--via eventbridge` (configuration set → default event
 * bus → rule → SQS queue). Each queue gets a dead-letter queue and a queue policy letting only its
 * one sender in.
 *
 * @module
 */
import { UsageError } from "../cli-error";
import type { AwsClientLike } from "../deps";
import type { AccountRegion } from "./iam-policy";
import type { SetupContext } from "./plan";
import {
  currentQueuePolicy,
  deadLetterAttributes,
  ensureQueue,
  ensureQueueSubscription,
  queueArnFor,
  queueAttributes,
  type QueueRef,
} from "./sqs-queue";

/**
 * The flags of the durable routes, shared by `setup tracking` and `setup inbound`.
 *
 * @example
 * ```ts
 * const OPTIONS = { ...SETUP_OPTIONS, ...ROUTE_OPTIONS } as const;
 * ```
 */
export const ROUTE_OPTIONS = {
  via: { type: "string" },
  queue: { type: "string" },
  "max-receive-count": { type: "string" },
  "event-rule": { type: "string" },
} as const;

/**
 * Help lines for {@link ROUTE_OPTIONS}; `eventBridge` for the command that offers that route.
 *
 * @example
 * ```ts
 * const HELP = `Flags:\n${routeHelp(true)}`;
 * ```
 */
export function routeHelp(eventBridge: boolean): string {
  const lines = [
    "  --via <route>              how events reach the application: https (default: the webhook",
    "                             at --endpoint-url), sqs (a queue subscribed to the topic, read by",
    "                             consumeSesEvents; no --endpoint-url or secret)",
  ];
  if (eventBridge) {
    lines.push(
      "                             or eventbridge (configuration set -> default event bus -> rule",
      "                             -> queue; no SNS topic)",
      "  --event-rule <name>        --via eventbridge: the rule's name (default: mailroom-ses-events)",
    );
  }
  lines.push(
    "  --queue <name>             --via sqs|eventbridge: the queue (default: the topic's or rule's",
    "                             name); its dead-letter queue is <name>-dlq",
    "  --max-receive-count <n>    receives before a message moves to the dead-letter queue (default 5)",
  );
  return lines.join("\n");
}

/** The route a setup command wires. */
export type Route = "https" | "sqs" | "eventbridge";

/**
 * Parse `--via` against the routes a command supports.
 *
 * @throws UsageError for another value.
 * @example
 * ```ts
 * const via = parseRoute(values.via, ["https", "sqs"]);
 * ```
 */
export function parseRoute(value: string | undefined, allowed: readonly Route[]): Route {
  const route = (value ?? "https").toLowerCase();
  const found = allowed.find((r) => r === route);
  if (found === undefined) {
    throw new UsageError(`--via must be one of ${allowed.join(", ")}`);
  }
  return found;
}

/**
 * Parse `--max-receive-count` (1-1000, default 5).
 *
 * @throws UsageError otherwise.
 * @example
 * ```ts
 * parseMaxReceiveCount("3"); // 3
 * ```
 */
export function parseMaxReceiveCount(value: string | undefined): number {
  if (value === undefined) {
    return 5;
  }
  const count = Number(value);
  if (!Number.isSafeInteger(count) || count < 1 || count > 1000) {
    throw new UsageError("--max-receive-count must be a whole number from 1 to 1000");
  }
  return count;
}

/**
 * The queue, its dead-letter queue and the queue policy letting only `sourceArn` (through
 * `service`) send. The dead-letter queue comes first: its ARN tells the account and region when
 * nothing else did yet (`--via eventbridge` has no topic), and the returned `where` says them.
 *
 * @example
 * ```ts
 * const { queue } = await ensureQueuePair(context, sqs, where, { name: "ses", maxReceiveCount: 5,
 *   service: "sns.amazonaws.com", sourceArn: () => topicArn });
 * ```
 */
export async function ensureQueuePair(
  context: SetupContext,
  sqs: AwsClientLike,
  where: AccountRegion,
  options: {
    name: string;
    maxReceiveCount: number;
    service: "sns.amazonaws.com" | "events.amazonaws.com";
    sourceArn: (where: AccountRegion) => string;
  },
): Promise<{ queue: QueueRef; where: AccountRegion }> {
  const dlq = await ensureQueue(
    context,
    sqs,
    where,
    `${options.name}-dlq`,
    deadLetterAttributes(),
    "SQS dead-letter queue",
  );
  const parts = dlq.arn.split(":");
  const found: AccountRegion =
    parts.length === 6 && /^\d{12}$/.test(parts[4] ?? "")
      ? {
          partition: parts[1] ?? where.partition,
          region: parts[3] ?? where.region,
          accountId: parts[4] ?? "",
        }
      : where;
  const queue = await ensureQueue(
    context,
    sqs,
    found,
    options.name,
    queueAttributes({
      queueArn: queueArnFor(found, options.name),
      dlqArn: dlq.arn,
      maxReceiveCount: options.maxReceiveCount,
      service: options.service,
      sourceArn: options.sourceArn(found),
      existingPolicy: await currentQueuePolicy(sqs, options.name),
    }),
  );
  return { queue, where: found };
}

/**
 * `--via sqs`: the queue pair for `topicArn` and the queue's subscription to the topic.
 *
 * @example
 * ```ts
 * const queue = await ensureTopicQueue(context, { sns, sqs }, where, { topicArn, topicExists: true, name, maxReceiveCount: 5 });
 * ```
 */
export async function ensureTopicQueue(
  context: SetupContext,
  clients: { sns: AwsClientLike; sqs: AwsClientLike },
  where: AccountRegion,
  options: { topicArn: string; topicExists: boolean; name: string; maxReceiveCount: number },
): Promise<QueueRef> {
  const { queue } = await ensureQueuePair(context, clients.sqs, where, {
    name: options.name,
    maxReceiveCount: options.maxReceiveCount,
    service: "sns.amazonaws.com",
    sourceArn: () => options.topicArn,
  });
  await ensureQueueSubscription(
    context,
    clients.sns,
    options.topicExists ? options.topicArn : undefined,
    queue.arn,
  );
  return queue;
}
