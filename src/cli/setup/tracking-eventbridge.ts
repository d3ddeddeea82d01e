/**
 * `mailroom setup tracking --via eventbridge`: the configuration set publishes to the default
 * event bus; a rule matching SES's email events sends them to an SQS queue (with its dead-letter
 * queue, and a queue policy letting only that rule send), read by `consumeSesEvents` with
 * `formats: ["eventbridge"]`.
 *
 * @module
 */
import type { CliIo } from "../io";
import type { AwsClientLike } from "../deps";
import { printReport } from "./common";
import { ensureConfigurationSet, ensureEventDestination, type SesEventTypeName } from "./configuration-set";
import { defaultBusArn, ensureRule, ensureTarget, sesEventPattern } from "./eventbridge-rule";
import { accountRegion, trackingPolicy, type AccountRegion } from "./iam-policy";
import type { SetupContext } from "./plan";
import { ensureQueuePair } from "./queue-route";
import { withConsumer } from "./sqs-queue";

/**
 * What the EventBridge route needs from the command line.
 *
 * @example
 * ```ts
 * const options: EventBridgeRouteOptions = { configurationSetName: "Tracking", destinationName: "mailroom-eventbridge",
 *   events: ["BOUNCE"], rule: "mailroom-ses-events", queue: "mailroom-ses-events", maxReceiveCount: 5,
 *   json: false, fallbackRegion: "eu-west-1" };
 * ```
 */
export interface EventBridgeRouteOptions {
  configurationSetName: string;
  destinationName: string;
  events: readonly SesEventTypeName[];
  rule: string;
  queue: string;
  maxReceiveCount: number;
  json: boolean;
  fallbackRegion: string | undefined;
}

/**
 * Wire and report the EventBridge route.
 *
 * @example
 * ```ts
 * await setupTrackingViaEventBridge(context, io, { sesv2, sqs, events }, options);
 * ```
 */
export async function setupTrackingViaEventBridge(
  context: SetupContext,
  io: CliIo,
  clients: { sesv2: AwsClientLike; sqs: AwsClientLike; events: AwsClientLike },
  options: EventBridgeRouteOptions,
): Promise<void> {
  const configurationSetExists = await ensureConfigurationSet(
    context,
    clients.sesv2,
    options.configurationSetName,
  );
  const ruleArn = (w: AccountRegion): string =>
    `arn:${w.partition}:events:${w.region}:${w.accountId}:rule/${options.rule}`;
  const { queue, where } = await ensureQueuePair(
    context,
    clients.sqs,
    accountRegion(undefined, options.fallbackRegion),
    {
      name: options.queue,
      maxReceiveCount: options.maxReceiveCount,
      service: "events.amazonaws.com",
      sourceArn: ruleArn,
    },
  );
  const rule = await ensureRule(
    context,
    clients.events,
    where,
    options.rule,
    sesEventPattern(options.events),
  );
  await ensureTarget(context, clients.events, options.rule, queue.arn, rule.exists);
  await ensureEventDestination(context, clients.sesv2, {
    configurationSetName: options.configurationSetName,
    name: options.destinationName,
    topicArn: "",
    eventBusArn: defaultBusArn(where),
    events: options.events,
    configurationSetExists,
  });
  const base = trackingPolicy(where, { configurationSetName: options.configurationSetName, topicArn: "" });
  printReport(io, context, {
    json: options.json,
    policy: withConsumer(base, queue.arn),
    policyTitle: `Least-privilege IAM policy for the application (sending through ${options.configurationSetName}, consuming ${options.queue})`,
    notes: [
      `send through the configuration set: amazonSes({ configurationSetName: "${options.configurationSetName}" })`,
      `consume the queue: consumeSesEvents({ queueUrl: "${queue.url ?? `<url of ${options.queue}>`}", formats: ["eventbridge"], onEvent })`,
      `events that keep failing end in ${options.queue}-dlq after ${options.maxReceiveCount} receives; nothing is dropped`,
    ],
  });
}
