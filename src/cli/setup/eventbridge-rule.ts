/**
 * EventBridge for `setup tracking --via eventbridge`: the rule on the default bus that matches
 * SES's email events, and its target (the queue).
 *
 * @module
 */
import type {
  DescribeRuleCommandOutput,
  ListTargetsByRuleCommandOutput,
  Target,
} from "@aws-sdk/client-eventbridge";

import type { AwsClientLike } from "../deps";
import { allPages, call, canonicalJson, isAwsError } from "./aws-call";
import type { SesEventTypeName } from "./configuration-set";
import type { AccountRegion } from "./iam-policy";
import type { SetupContext } from "./plan";

/**
 * The EventBridge detail-type of each SES event type (SES Developer Guide, "Monitoring SES events
 * using Amazon EventBridge"; EventBridge Events Reference, "Amazon Simple Email Service events").
 *
 * @example
 * ```ts
 * DETAIL_TYPE_OF.BOUNCE; // "Email Bounced"
 * ```
 */
export const DETAIL_TYPE_OF: Readonly<Record<SesEventTypeName, string>> = {
  SEND: "Email Sent",
  REJECT: "Email Rejected",
  BOUNCE: "Email Bounced",
  COMPLAINT: "Email Complaint Received",
  DELIVERY: "Email Delivered",
  OPEN: "Email Opened",
  CLICK: "Email Clicked",
  RENDERING_FAILURE: "Email Rendering Failed",
  DELIVERY_DELAY: "Email Delivery Delayed",
  SUBSCRIPTION: "Email Subscribed",
};

/**
 * The default event bus: the only one SES publishes to.
 *
 * @example
 * ```ts
 * defaultBusArn(where); // "arn:aws:events:eu-west-1:123456789012:event-bus/default"
 * ```
 */
export function defaultBusArn(where: AccountRegion): string {
  return `arn:${where.partition}:events:${where.region}:${where.accountId}:event-bus/default`;
}

/**
 * The event pattern matching SES's email events of these types.
 *
 * @example
 * ```ts
 * sesEventPattern(["BOUNCE"]); // { source: ["aws.ses"], "detail-type": ["Email Bounced"] }
 * ```
 */
export function sesEventPattern(events: readonly SesEventTypeName[]): Record<string, string[]> {
  return { source: ["aws.ses"], "detail-type": events.map((type) => DETAIL_TYPE_OF[type]) };
}

/**
 * Find the rule by name, and create it or update its pattern (PutRule does both). Returns its ARN.
 *
 * @example
 * ```ts
 * const { arn, exists } = await ensureRule(context, events, where, "mailroom-ses-events", pattern);
 * ```
 */
export async function ensureRule(
  context: SetupContext,
  events: AwsClientLike,
  where: AccountRegion,
  name: string,
  pattern: Record<string, string[]>,
): Promise<{ arn: string; exists: boolean }> {
  const sdk = await import("@aws-sdk/client-eventbridge");
  const resource = "EventBridge rule";
  const detail = `default bus, ${pattern["detail-type"]?.length ?? 0} SES detail-types`;
  context.checking(`${resource} ${name}`);
  let existing: DescribeRuleCommandOutput | undefined;
  try {
    existing = await call<DescribeRuleCommandOutput>(events, new sdk.DescribeRuleCommand({ Name: name }));
  } catch (err) {
    if (!isAwsError(err, "ResourceNotFoundException")) {
      throw err;
    }
  }
  const put = async (): Promise<string | undefined> => {
    const out = await call<{ RuleArn?: string }>(
      events,
      new sdk.PutRuleCommand({ Name: name, EventPattern: JSON.stringify(pattern), State: "ENABLED" }),
    );
    return out.RuleArn;
  };
  const fallbackArn = `arn:${where.partition}:events:${where.region}:${where.accountId}:rule/${name}`;
  if (existing === undefined) {
    const created = await context.apply({ resource, name, status: "create", detail }, put);
    // A dry run created nothing: there is no rule yet to read targets from.
    return { arn: created ?? fallbackArn, exists: !context.dryRun };
  }
  const samePattern = canonicalJson(JSON.parse(existing.EventPattern ?? "{}")) === canonicalJson(pattern);
  if (samePattern && existing.State === "ENABLED") {
    await context.apply({ resource, name, status: "exists", detail });
  } else {
    const why = samePattern ? "it is disabled" : "its event pattern differs";
    await context.apply({ resource, name, status: "update", detail: `${why} → ${detail}` }, put);
  }
  return { arn: existing.Arn ?? fallbackArn, exists: true };
}

/** The target id Mailroom uses on its rule. */
const TARGET_ID = "mailroom-ses-events";

/**
 * Find or add the rule's target (`arn`: the queue).
 *
 * @example
 * ```ts
 * await ensureTarget(context, events, "mailroom-ses-events", queue.arn, true);
 * ```
 */
export async function ensureTarget(
  context: SetupContext,
  events: AwsClientLike,
  rule: string,
  arn: string,
  ruleExists: boolean,
): Promise<void> {
  const sdk = await import("@aws-sdk/client-eventbridge");
  const resource = "EventBridge target";
  const name = `${rule} → ${arn.split(":").pop() ?? arn}`;
  const put = async (): Promise<void> => {
    await events.send(new sdk.PutTargetsCommand({ Rule: rule, Targets: [{ Id: TARGET_ID, Arn: arn }] }));
  };
  if (!ruleExists) {
    await context.apply({ resource, name, status: "create", detail: arn }, put);
    return;
  }
  const targets = await allPages<Target>(async (token) => {
    const out = await call<ListTargetsByRuleCommandOutput>(
      events,
      new sdk.ListTargetsByRuleCommand({ Rule: rule, NextToken: token }),
    );
    return { items: out.Targets ?? [], next: out.NextToken };
  });
  const ours = targets.find((t) => t.Id === TARGET_ID);
  if (ours?.Arn === arn) {
    await context.apply({ resource, name, status: "exists", detail: arn });
    return;
  }
  const status = ours === undefined ? "create" : "update";
  const detail = ours === undefined ? arn : `it targets ${ours.Arn ?? "?"} → ${arn}`;
  await context.apply({ resource, name, status, detail }, put);
}
