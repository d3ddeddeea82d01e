/**
 * SQS for `setup tracking --via sqs|eventbridge` and `setup inbound --via sqs`: the queue and its
 * dead-letter queue (redrive policy), the queue policy that lets only one sender in (an SNS topic
 * or an EventBridge rule, by `aws:SourceArn`), and the SNS subscription of the queue.
 *
 * @module
 */
import type { GetSubscriptionAttributesCommandOutput } from "@aws-sdk/client-sns";
import type { GetQueueAttributesCommandOutput, GetQueueUrlCommandOutput } from "@aws-sdk/client-sqs";

import type { AwsClientLike } from "../deps";
import { call, canonicalJson, isAwsError } from "./aws-call";
import type { AccountRegion, IamPolicy, IamStatement } from "./iam-policy";
import type { SetupContext } from "./plan";
import { listTopicSubscriptions } from "./sns-topic";

/** A dead letter is kept as long as SQS allows (14 days), to leave time to look at it. */
const DLQ_RETENTION_SECONDS = "1209600";

/**
 * A queue as the setup knows it: its URL (undefined in a dry run that would create it) and ARN.
 *
 * @example
 * ```ts
 * const queue: QueueRef = { url: undefined, arn: "arn:aws:sqs:eu-west-1:123456789012:ses" };
 * ```
 */
export interface QueueRef {
  url: string | undefined;
  arn: string;
}

/**
 * The ARN a queue has (or will have) in this account and region.
 *
 * @example
 * ```ts
 * queueArnFor(where, "ses-tracking"); // "arn:aws:sqs:eu-west-1:123456789012:ses-tracking"
 * ```
 */
export function queueArnFor(where: AccountRegion, name: string): string {
  return `arn:${where.partition}:sqs:${where.region}:${where.accountId}:${name}`;
}

async function findQueue(sqs: AwsClientLike, name: string): Promise<string | undefined> {
  const sdk = await import("@aws-sdk/client-sqs");
  try {
    const out = await call<GetQueueUrlCommandOutput>(sqs, new sdk.GetQueueUrlCommand({ QueueName: name }));
    return out.QueueUrl;
  } catch (err) {
    if (isAwsError(err, "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue")) {
      return undefined;
    }
    throw err;
  }
}

async function attributesOf(sqs: AwsClientLike, url: string): Promise<Record<string, string>> {
  const sdk = await import("@aws-sdk/client-sqs");
  const out = await call<GetQueueAttributesCommandOutput>(
    sqs,
    new sdk.GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] }),
  );
  return out.Attributes ?? {};
}

/**
 * Find or create a queue, then set the attributes that differ from `wanted` (JSON attributes are
 * compared as JSON). `policy` builds the queue policy from the queue's ARN, merged with the
 * statements of other Sids already there.
 *
 * @example
 * ```ts
 * const dlq = await ensureQueue(context, sqs, where, "ses-tracking-dlq", { MessageRetentionPeriod: "1209600" });
 * ```
 */
export async function ensureQueue(
  context: SetupContext,
  sqs: AwsClientLike,
  where: AccountRegion,
  name: string,
  wanted: Record<string, string>,
  resource = "SQS queue",
): Promise<QueueRef> {
  const sdk = await import("@aws-sdk/client-sqs");
  context.checking(`${resource} ${name}`);
  const url = await findQueue(sqs, name);
  const detail = describe(wanted);
  if (url === undefined) {
    const created = await context.apply({ resource, name, status: "create", detail }, async () => {
      const out = await call<{ QueueUrl?: string }>(
        sqs,
        new sdk.CreateQueueCommand({ QueueName: name, Attributes: wanted }),
      );
      return out.QueueUrl;
    });
    const arn =
      created === undefined ? queueArnFor(where, name) : ((await attributesOf(sqs, created)).QueueArn ?? "");
    return { url: created, arn };
  }
  const current = await attributesOf(sqs, url);
  const changed = Object.keys(wanted).filter((key) => !sameAttribute(current[key], wanted[key] ?? ""));
  const arn = current.QueueArn ?? queueArnFor(where, name);
  if (changed.length === 0) {
    await context.apply({ resource, name, status: "exists", detail });
    return { url, arn };
  }
  const update = Object.fromEntries(changed.map((key) => [key, wanted[key] ?? ""]));
  await context.apply(
    { resource, name, status: "update", detail: `${changed.join(", ")} differ → ${detail}` },
    async () => {
      await sqs.send(new sdk.SetQueueAttributesCommand({ QueueUrl: url, Attributes: update }));
    },
  );
  return { url, arn };
}

function sameAttribute(current: string | undefined, wanted: string): boolean {
  if (current === wanted) {
    return true;
  }
  try {
    return canonicalJson(JSON.parse(current ?? "")) === canonicalJson(JSON.parse(wanted));
  } catch {
    return false;
  }
}

function describe(attributes: Record<string, string>): string {
  const parts: string[] = [];
  if (attributes.RedrivePolicy !== undefined) {
    const redrive = JSON.parse(attributes.RedrivePolicy) as {
      deadLetterTargetArn: string;
      maxReceiveCount: number;
    };
    parts.push(
      `to ${redrive.deadLetterTargetArn.split(":").pop() ?? ""} after ${redrive.maxReceiveCount} receives`,
    );
  }
  if (attributes.Policy !== undefined) {
    const policy = JSON.parse(attributes.Policy) as {
      Statement: { Sid?: string; Condition?: { ArnEquals?: Record<string, string> } }[];
    };
    const ours = policy.Statement.find((statement) => statement.Sid === SEND_SID);
    parts.push(`only ${ours?.Condition?.ArnEquals?.["aws:SourceArn"] ?? "?"} may send`);
  }
  if (attributes.MessageRetentionPeriod !== undefined) {
    parts.push(`messages kept ${Number(attributes.MessageRetentionPeriod) / 86_400} days`);
  }
  return parts.join("; ");
}

/**
 * The attributes of the dead-letter queue.
 *
 * @example
 * ```ts
 * await ensureQueue(context, sqs, where, "ses-dlq", deadLetterAttributes());
 * ```
 */
export function deadLetterAttributes(): Record<string, string> {
  return { MessageRetentionPeriod: DLQ_RETENTION_SECONDS };
}

/**
 * The attributes of the main queue: long polling, the redrive policy to the dead-letter queue, and
 * the queue policy letting only `source` (a topic or rule ARN) send, through `service`.
 *
 * @example
 * ```ts
 * queueAttributes({ queueArn, dlqArn, maxReceiveCount: 5, service: "sns.amazonaws.com", sourceArn: topicArn });
 * ```
 */
export function queueAttributes(options: {
  queueArn: string;
  dlqArn: string;
  maxReceiveCount: number;
  service: "sns.amazonaws.com" | "events.amazonaws.com";
  sourceArn: string;
  existingPolicy?: string | undefined;
}): Record<string, string> {
  return {
    ReceiveMessageWaitTimeSeconds: "20",
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: options.dlqArn,
      maxReceiveCount: options.maxReceiveCount,
    }),
    Policy: JSON.stringify(queuePolicy(options)),
  };
}

/** The Sid of Mailroom's statement in a queue policy; other statements are kept. */
const SEND_SID = "MailroomSesEventsSend";

function queuePolicy(options: {
  queueArn: string;
  service: string;
  sourceArn: string;
  existingPolicy?: string | undefined;
}): { Version: string; Statement: unknown[] } {
  let others: unknown[];
  try {
    const parsed = JSON.parse(options.existingPolicy ?? "{}") as { Statement?: { Sid?: string }[] };
    others = (parsed.Statement ?? []).filter((s) => s.Sid !== SEND_SID);
  } catch {
    // An unreadable policy is replaced: what it said cannot be kept anyway.
    others = [];
  }
  return {
    Version: "2012-10-17",
    Statement: [
      ...others,
      {
        Sid: SEND_SID,
        Effect: "Allow",
        Principal: { Service: options.service },
        Action: "sqs:SendMessage",
        Resource: options.queueArn,
        Condition: { ArnEquals: { "aws:SourceArn": options.sourceArn } },
      },
    ],
  };
}

/**
 * The queue's current policy (to merge into), or undefined.
 *
 * @example
 * ```ts
 * const existing = await currentQueuePolicy(sqs, "ses-tracking");
 * ```
 */
export async function currentQueuePolicy(sqs: AwsClientLike, name: string): Promise<string | undefined> {
  const url = await findQueue(sqs, name);
  return url === undefined ? undefined : (await attributesOf(sqs, url)).Policy;
}

/**
 * Find or create the SQS subscription of `queueArn` to the topic, with raw message delivery off
 * (the consumer verifies the signed SNS envelope). SNS confirms a same-account queue at once.
 *
 * @example
 * ```ts
 * await ensureQueueSubscription(context, sns, topicArn, queue.arn);
 * ```
 */
export async function ensureQueueSubscription(
  context: SetupContext,
  sns: AwsClientLike,
  topicArn: string | undefined,
  queueArn: string,
): Promise<void> {
  const sdk = await import("@aws-sdk/client-sns");
  const resource = "SNS subscription";
  const name = `sqs ${queueArn.split(":").pop() ?? queueArn}`;
  const detail = "signed SNS envelopes (raw message delivery off)";
  const subscribe = async (): Promise<void> => {
    await sns.send(
      new sdk.SubscribeCommand({
        TopicArn: topicArn,
        Protocol: "sqs",
        Endpoint: queueArn,
        Attributes: { RawMessageDelivery: "false" },
        ReturnSubscriptionArn: true,
      }),
    );
  };
  if (topicArn === undefined) {
    await context.apply({ resource, name, status: "create", detail }, subscribe);
    return;
  }
  context.checking(`subscriptions of ${topicArn}`);
  const subscriptions = await listTopicSubscriptions(sns, topicArn);
  const match = subscriptions.find((s) => s.Protocol === "sqs" && s.Endpoint === queueArn);
  if (match?.SubscriptionArn === undefined || match.SubscriptionArn === "PendingConfirmation") {
    await context.apply({ resource, name, status: "create", detail }, subscribe);
    return;
  }
  const subscriptionArn = match.SubscriptionArn;
  const attributes = await call<GetSubscriptionAttributesCommandOutput>(
    sns,
    new sdk.GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn }),
  );
  if (attributes.Attributes?.RawMessageDelivery === "true") {
    const update = "raw message delivery is on: turning it off (the consumer verifies the signed envelope)";
    await context.apply({ resource, name, status: "update", detail: update }, async () => {
      await sns.send(
        new sdk.SetSubscriptionAttributesCommand({
          SubscriptionArn: subscriptionArn,
          AttributeName: "RawMessageDelivery",
          AttributeValue: "false",
        }),
      );
    });
    return;
  }
  await context.apply({ resource, name, status: "exists", detail });
}

/**
 * The consumer's least-privilege statement: receive, delete, and extend the visibility of
 * messages of this one queue.
 *
 * @example
 * ```ts
 * const policy = withConsumer(trackingPolicy(where, options), queue.arn);
 * ```
 */
export function consumeStatement(queueArn: string): IamStatement {
  return {
    Sid: "MailroomConsumeSesEvents",
    Effect: "Allow",
    Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"],
    Resource: queueArn,
  };
}

/**
 * A webhook policy turned into a consumer's: the SNS confirmation statement (a queue needs none)
 * replaced by {@link consumeStatement}.
 *
 * @example
 * ```ts
 * const policy = withConsumer(inboundPolicy(where, { topicArn }), queueArn);
 * ```
 */
export function withConsumer(policy: IamPolicy, queueArn: string): IamPolicy {
  return {
    Version: policy.Version,
    Statement: [
      ...policy.Statement.filter((s) => s.Sid !== "MailroomConfirmSnsSubscription"),
      consumeStatement(queueArn),
    ],
  };
}
