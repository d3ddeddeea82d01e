/**
 * SES receiving (the v1 API: SESv2 has no receipt rules) for `setup inbound`: the rule set, the
 * receipt rule with its SNS or S3 action, and the active rule set.
 *
 * @module
 */
import type {
  DescribeActiveReceiptRuleSetCommandOutput,
  DescribeReceiptRuleSetCommandOutput,
  ReceiptRule,
} from "@aws-sdk/client-ses";

import type { AwsClientLike } from "../deps";
import { call, canonicalJson, isAwsError } from "./aws-call";
import type { SetupContext } from "./plan";

/**
 * Find the rule set, or create it. Returns its rules (empty when created; undefined in a dry run
 * that would create it).
 *
 * @example
 * ```ts
 * const rules = await ensureRuleSet(context, ses, "mailroom");
 * ```
 */
export async function ensureRuleSet(
  context: SetupContext,
  ses: AwsClientLike,
  name: string,
): Promise<ReceiptRule[] | undefined> {
  const sdk = await import("@aws-sdk/client-ses");
  context.checking(`receipt rule set ${name}`);
  try {
    const out = await call<DescribeReceiptRuleSetCommandOutput>(
      ses,
      new sdk.DescribeReceiptRuleSetCommand({ RuleSetName: name }),
    );
    await context.apply({ resource: "Receipt rule set", name, status: "exists" });
    return out.Rules ?? [];
  } catch (err) {
    if (!isAwsError(err, "RuleSetDoesNotExistException", "RuleSetDoesNotExist")) {
      throw err;
    }
  }
  await context.apply({ resource: "Receipt rule set", name, status: "create" }, async () => {
    await ses.send(new sdk.CreateReceiptRuleSetCommand({ RuleSetName: name }));
  });
  return context.dryRun ? undefined : [];
}

/** The parts of a rule this command owns; anything else set on it by hand is kept. */
function owned(rule: ReceiptRule): unknown {
  return {
    Enabled: rule.Enabled === true,
    ScanEnabled: rule.ScanEnabled === true,
    Recipients: [...(rule.Recipients ?? [])].map((r) => r.toLowerCase()).sort(),
    Actions: rule.Actions ?? [],
  };
}

/**
 * Create the receipt rule, or update it when its recipients, scanning or actions differ.
 *
 * @example
 * ```ts
 * await ensureRule(context, ses, "mailroom", existingRules, { Name: "support", Recipients: ["support@example.com"], … });
 * ```
 */
export async function ensureRule(
  context: SetupContext,
  ses: AwsClientLike,
  ruleSet: string,
  existingRules: ReceiptRule[] | undefined,
  wanted: ReceiptRule,
): Promise<void> {
  const sdk = await import("@aws-sdk/client-ses");
  const resource = "Receipt rule";
  const name = `${ruleSet}/${wanted.Name ?? ""}`;
  const detail = describeRule(wanted);
  const existing = existingRules?.find((rule) => rule.Name === wanted.Name);
  if (existing === undefined) {
    await context.apply({ resource, name, status: "create", detail }, async () => {
      await ses.send(new sdk.CreateReceiptRuleCommand({ RuleSetName: ruleSet, Rule: wanted }));
    });
    return;
  }
  if (canonicalJson(owned(existing)) === canonicalJson(owned(wanted))) {
    await context.apply({ resource, name, status: "exists", detail });
    return;
  }
  // Keep what the user tuned by hand (TLS policy), replace what this command owns.
  const rule = { ...wanted, TlsPolicy: existing.TlsPolicy ?? wanted.TlsPolicy };
  await context.apply(
    { resource, name, status: "update", detail: `was: ${describeRule(existing)} → ${detail}` },
    async () => {
      await ses.send(new sdk.UpdateReceiptRuleCommand({ RuleSetName: ruleSet, Rule: rule }));
    },
  );
}

function describeRule(rule: ReceiptRule): string {
  const actions = (rule.Actions ?? []).map((action) => {
    if (action.SNSAction !== undefined) {
      return `SNS (${action.SNSAction.Encoding ?? "UTF-8"}) → ${action.SNSAction.TopicArn ?? "?"}`;
    }
    if (action.S3Action !== undefined) {
      const { BucketName, ObjectKeyPrefix, TopicArn } = action.S3Action;
      return `S3 s3://${BucketName ?? "?"}/${ObjectKeyPrefix ?? ""}, notify ${TopicArn ?? "nobody"}`;
    }
    return Object.keys(action).join("+");
  });
  const state = rule.Enabled === true ? "" : " (disabled)";
  return `${(rule.Recipients ?? []).join(", ") || "every recipient"}: ${actions.join("; ") || "no action"}${state}`;
}

/**
 * Make the rule set active when no other is; otherwise tell the user what to do (SES has one
 * active rule set per region, and switching it would stop someone else's rules).
 *
 * @example
 * ```ts
 * await ensureActiveRuleSet(context, ses, "mailroom");
 * ```
 */
export async function ensureActiveRuleSet(
  context: SetupContext,
  ses: AwsClientLike,
  name: string,
): Promise<void> {
  const sdk = await import("@aws-sdk/client-ses");
  const resource = "Active rule set";
  context.checking("the active receipt rule set");
  const out = await call<DescribeActiveReceiptRuleSetCommandOutput>(
    ses,
    new sdk.DescribeActiveReceiptRuleSetCommand({}),
  );
  const active = out.Metadata?.Name;
  if (active === name) {
    await context.apply({ resource, name, status: "exists", detail: "active" });
    return;
  }
  if (active === undefined) {
    await context.apply(
      { resource, name, status: "update", detail: "no rule set was active: activate this one" },
      async () => {
        await ses.send(new sdk.SetActiveReceiptRuleSetCommand({ RuleSetName: name }));
      },
    );
    return;
  }
  await context.apply({
    resource,
    name,
    status: "action",
    detail:
      `rule set '${active}' is active, and SES runs only one: re-run with --rule-set ${active} to add the ` +
      `rule there, or activate '${name}' (which stops the rules of '${active}'): ` +
      `aws ses set-active-receipt-rule-set --rule-set-name ${name}`,
  });
}
