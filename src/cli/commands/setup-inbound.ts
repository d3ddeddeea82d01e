/**
 * `mailroom setup inbound`: the SNS topic and the webhook's HTTPS subscription, for S3 the
 * bucket and its policy, the receipt rule set, the receipt rule with an SNS or S3 action, and the
 * active rule set — created or reused, idempotently — and the IAM policy the application needs.
 *
 * @module
 */
import type { ReceiptAction, ReceiptRule } from "@aws-sdk/client-ses";

import { oneOf, parseCommandLine, required } from "../args";
import { UsageError } from "../cli-error";
import type { CliCommand } from "../command";
import { clientFor } from "../deps";
import { ExitCode } from "../exit-codes";
import { ensureBucket, ensureBucketPolicy, sesPutStatement } from "../setup/bucket-policy";
import { SETUP_FLAGS_HELP, SETUP_OPTIONS, printReport, subscriptionEndpoint } from "../setup/common";
import { accountRegion, inboundPolicy, topicArnFor } from "../setup/iam-policy";
import {
  DELIVERY_POLICY_HELP,
  DELIVERY_POLICY_OPTIONS,
  deliveryPolicyFromFlags,
  outageNote,
} from "../setup/delivery-policy";
import { createSetupContext } from "../setup/plan";
import { ensureActiveRuleSet, ensureRule, ensureRuleSet } from "../setup/receipt-rules";
import { ensureSubscription, ensureTopic } from "../setup/sns-topic";
import {
  ensureTopicQueue,
  parseMaxReceiveCount,
  parseRoute,
  ROUTE_OPTIONS,
  routeHelp,
} from "../setup/queue-route";
import { withConsumer } from "../setup/sqs-queue";

const OPTIONS = {
  ...SETUP_OPTIONS,
  ...DELIVERY_POLICY_OPTIONS,
  recipient: { type: "string", multiple: true },
  action: { type: "string" },
  encoding: { type: "string" },
  bucket: { type: "string" },
  prefix: { type: "string" },
  "rule-set": { type: "string" },
  rule: { type: "string" },
  via: ROUTE_OPTIONS.via,
  queue: ROUTE_OPTIONS.queue,
  "max-receive-count": ROUTE_OPTIONS["max-receive-count"],
} as const;

const DEFAULT_RULE_SET = "mailroom";
const DEFAULT_PREFIX = "inbound/";
// An address (local@domain), a domain, or a subdomain wildcard (".example.com"), as SES takes them.
const RECIPIENT = /^(?:[^@\s]+@[A-Za-z0-9.-]+|\.?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)$/;

const HELP = `Usage: mailroom setup inbound --recipient <address|domain> --topic <name>
         --endpoint-url <https://…> [--secret <user:password>]
         (--action sns [--encoding base64|utf8] | --action s3 --bucket <name> [--prefix inbound/])
         [--rule-set <name>] [--rule <name>] [flags]

Route received mail to your inbound webhook. Creates what is missing, reuses what exists,
updates what differs; running it again changes nothing:
  1. the SNS topic and the HTTPS subscription of --endpoint-url (secret as user:password),
     with a delivery policy that retries 20 times, 5 s to 600 s apart (SNS's default: 3)
  2. with --action s3: the bucket, and a bucket-policy statement letting ses.amazonaws.com
     PutObject under the prefix for this account and this rule only (merged into the policy)
  3. the receipt rule set, and the receipt rule: the SNS action (mail inside the notification,
     up to 150 KB) or the S3 action (mail in the bucket, up to 30 MB; the topic is notified)
  4. activates the rule set when no other one is active (otherwise says what to do)
Then prints the least-privilege IAM policy for the webhook: sns:ConfirmSubscription, and
s3:GetObject on the prefix for --action s3.

Flags:
${SETUP_FLAGS_HELP}
${routeHelp(false)}
${DELIVERY_POLICY_HELP}
  --recipient <addr|domain>  the address or domain the rule matches (repeatable)
  --action sns|s3            deliver the mail inside the SNS notification, or store it in S3
  --encoding base64|utf8     SNS action content encoding (default base64: lossless)
  --bucket <name>            S3 action bucket (created if missing)
  --prefix <prefix>          S3 action key prefix (default ${DEFAULT_PREFIX})
  --rule-set <name>          receipt rule set (default ${DEFAULT_RULE_SET})
  --rule <name>              receipt rule (default: mailroom-<first recipient>)

Exit codes: 0 done (see ACTION NEEDED lines); 1 AWS refused a call; 2 invalid flags;
3 credentials/region/IAM.

Example:
  mailroom setup inbound --recipient support@example.com --topic ses-inbound \\
    --endpoint-url https://example.com/mailroom/ses/inbound --action s3 --bucket example-mail`;

/** A receipt-rule name from the first recipient: letters, digits, - and _, at most 64 characters. */
function defaultRuleName(recipient: string): string {
  const cleaned = recipient
    .replace("@", "-at-")
    .replace(/[^A-Za-z0-9_-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `mailroom-${cleaned}`.slice(0, 64).replace(/[-_]+$/, "");
}

interface ActionOptions {
  kind: "sns" | "s3";
  encoding: "Base64" | "UTF-8";
  bucket: string | undefined;
  prefix: string;
}

function actionOptions(values: {
  action?: string | undefined;
  encoding?: string | undefined;
  bucket?: string | undefined;
  prefix?: string | undefined;
}): ActionOptions {
  const kind = oneOf(required(values.action, "--action"), ["sns", "s3"] as const, "--action");
  if (kind === "sns" && (values.bucket !== undefined || values.prefix !== undefined)) {
    throw new UsageError("--bucket and --prefix go with --action s3");
  }
  if (kind === "s3" && values.encoding !== undefined) {
    throw new UsageError("--encoding goes with --action sns (S3 stores the mail as received)");
  }
  const encoding = oneOf(values.encoding ?? "base64", ["base64", "utf8"] as const, "--encoding");
  return {
    kind,
    encoding: encoding === "base64" ? "Base64" : "UTF-8",
    bucket: kind === "s3" ? required(values.bucket, "--bucket") : undefined,
    prefix: values.prefix ?? DEFAULT_PREFIX,
  };
}

function receiptAction(action: ActionOptions, topicArn: string): ReceiptAction {
  if (action.bucket === undefined) {
    return { SNSAction: { TopicArn: topicArn, Encoding: action.encoding } };
  }
  return { S3Action: { BucketName: action.bucket, ObjectKeyPrefix: action.prefix, TopicArn: topicArn } };
}

/**
 * The `mailroom setup inbound` command.
 *
 * @example
 * ```ts
 * await setupInboundCommand.run({ args: ["--recipient", "example.com", "--topic", "in", "--endpoint-url", url, "--action", "sns"], io, deps });
 * ```
 */
export const setupInboundCommand: CliCommand = {
  path: ["setup", "inbound"],
  summary: "Create or reuse the SNS topic, subscription, S3 bucket policy and receipt rule",
  help: HELP,
  async run({ args, io, deps }) {
    const { values } = parseCommandLine(args, OPTIONS);
    const via = parseRoute(values.via, ["https", "sqs"]);
    const maxReceiveCount = parseMaxReceiveCount(values["max-receive-count"]);
    // --via sqs: no webhook, so no endpoint or secret.
    const endpoint = via === "https" ? subscriptionEndpoint(values, deps.env, io) : undefined;
    const deliveryPolicy = deliveryPolicyFromFlags(values);
    const topic = required(values.topic, "--topic");
    const recipients = values.recipient ?? [];
    const first = recipients[0];
    if (first === undefined) {
      throw new UsageError("--recipient is required (an address or a domain)");
    }
    const bad = recipients.find((r) => !RECIPIENT.test(r));
    if (bad !== undefined) {
      throw new UsageError(`--recipient '${bad}' is neither an email address nor a domain`);
    }
    const action = actionOptions(values);
    const ruleSet = values["rule-set"] ?? DEFAULT_RULE_SET;
    const ruleName = values.rule ?? defaultRuleName(first);
    const region = values.region;
    const fallbackRegion = region ?? deps.env.AWS_REGION ?? deps.env.AWS_DEFAULT_REGION;
    const context = createSetupContext(io, { dryRun: values["dry-run"] === true });
    const sns = await clientFor(deps, "sns", { region });
    const ses = await clientFor(deps, "ses", { region });

    const { arn, anyArn } = await ensureTopic(context, sns, topic);
    const topicArn = topicArnFor(arn, anyArn, topic, fallbackRegion);
    const where = accountRegion(topicArn, fallbackRegion);
    const queue =
      endpoint === undefined
        ? await ensureTopicQueue(context, { sns, sqs: await clientFor(deps, "sqs", { region }) }, where, {
            topicArn,
            topicExists: arn !== undefined,
            name: values.queue ?? topic,
            maxReceiveCount,
          })
        : undefined;
    if (endpoint !== undefined) {
      await ensureSubscription(context, sns, arn, {
        endpoint,
        resubscribe: values.resubscribe === true,
        deliveryPolicy,
      });
    }
    if (action.bucket !== undefined) {
      // Before the rule: creating an S3 rule makes SES write a test object, and fails without access.
      const s3 = await clientFor(deps, "s3", { region });
      await ensureBucket(context, s3, action.bucket, where.region);
      const statement = sesPutStatement(where, {
        bucket: action.bucket,
        prefix: action.prefix,
        ruleSet,
        rule: ruleName,
      });
      await ensureBucketPolicy(context, s3, action.bucket, statement);
    }
    const rules = await ensureRuleSet(context, ses, ruleSet);
    const rule: ReceiptRule = {
      Name: ruleName,
      Enabled: true,
      TlsPolicy: "Optional",
      Recipients: recipients,
      // Spam and virus scanning: the verdicts reach the webhook's InboundMessage.
      ScanEnabled: true,
      Actions: [receiptAction(action, topicArn)],
    };
    await ensureRule(context, ses, ruleSet, rules, rule);
    await ensureActiveRuleSet(context, ses, ruleSet);

    const notes = [
      queue === undefined
        ? "run the inbound webhook with the same secret (MAILROOM_WEBHOOK_SECRET); it confirms the subscription"
        : `consume the queue: consumeSesEvents({ queueUrl: "${queue.url ?? "<queue URL>"}", allowedTopicArns: ["${topicArn}"], onMessage })`,
      `SES receives mail only for verified domains whose MX record points to inbound-smtp.${where.region}.amazonaws.com`,
      ...(queue === undefined ? [outageNote(deliveryPolicy)] : []),
    ];
    if (action.bucket !== undefined) {
      notes.push(
        `the webhook reads s3://${action.bucket}/${action.prefix}<messageId> (SES also writes an ` +
          "AMAZON_SES_SETUP_NOTIFICATION object there once; the webhook ignores it)",
      );
    }
    printReport(io, context, {
      json: values.json === true,
      policy:
        queue === undefined
          ? inboundPolicy(where, { topicArn, bucket: action.bucket, prefix: action.prefix })
          : withConsumer(
              inboundPolicy(where, { topicArn, bucket: action.bucket, prefix: action.prefix }),
              queue.arn,
            ),
      policyTitle: "Least-privilege IAM policy for the inbound webhook",
      notes,
    });
    return ExitCode.ok;
  },
};
