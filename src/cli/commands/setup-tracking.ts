/**
 * `mailroom setup tracking`: the SNS topic, the webhook's HTTPS subscription, the SESv2
 * configuration set and its SNS event destination — created or reused, idempotently — and the
 * IAM policy the application needs.
 *
 * @module
 */
import { parseCommandLine, required } from "../args";
import type { CliCommand } from "../command";
import { clientFor } from "../deps";
import { ExitCode } from "../exit-codes";
import { SETUP_FLAGS_HELP, SETUP_OPTIONS, printReport, subscriptionEndpoint } from "../setup/common";
import {
  ensureConfigurationSet,
  ensureEventDestination,
  parseEventTypes,
  SES_EVENT_TYPES,
} from "../setup/configuration-set";
import { accountRegion, topicArnFor, trackingPolicy } from "../setup/iam-policy";
import {
  DELIVERY_POLICY_HELP,
  DELIVERY_POLICY_OPTIONS,
  deliveryPolicyFromFlags,
  outageNote,
} from "../setup/delivery-policy";
import { createSetupContext } from "../setup/plan";
import {
  ensureTopicQueue,
  parseMaxReceiveCount,
  parseRoute,
  ROUTE_OPTIONS,
  routeHelp,
} from "../setup/queue-route";
import { withConsumer } from "../setup/sqs-queue";
import { setupTrackingViaEventBridge } from "../setup/tracking-eventbridge";
import { ensureSubscription, ensureTopic } from "../setup/sns-topic";

const OPTIONS = {
  ...SETUP_OPTIONS,
  ...DELIVERY_POLICY_OPTIONS,
  ...ROUTE_OPTIONS,
  "configuration-set": { type: "string" },
  events: { type: "string" },
  "destination-name": { type: "string" },
} as const;

const DEFAULT_DESTINATION = "mailroom-sns";

const HELP = `Usage: mailroom setup tracking --topic <name> --endpoint-url <https://…>
         --configuration-set <name> [--secret <user:password>] [flags]

Wire SES event publishing to your tracking webhook. Creates what is missing, reuses what exists,
updates what differs; running it again changes nothing:
  1. the SNS topic
  2. the HTTPS subscription of --endpoint-url, with the secret as user:password in the URL
     (a pending subscription is fine: the webhook confirms it when SNS asks), and its
     delivery policy: SNS's default drops an event after 3 retries 20 s apart; Mailroom's
     retries 20 times, 5 s to 600 s apart (about 44 minutes of outage survived)
  3. the SESv2 configuration set
  4. its SNS event destination (created, or updated when its events or topic differ)
Then prints the least-privilege IAM policy for the application: sending through the
configuration set, and sns:ConfirmSubscription for the webhook.

Flags:
${SETUP_FLAGS_HELP}
${DELIVERY_POLICY_HELP}
  --configuration-set <name> the configuration set to send through (created if missing)
  --events <list>            comma-separated event types (default: all):
                             ${SES_EVENT_TYPES.join(",")}
  --destination-name <name>  the event destination's name (default: ${DEFAULT_DESTINATION};
                             mailroom-eventbridge with --via eventbridge)
${routeHelp(true)}

Exit codes: 0 done; 1 AWS refused a call; 2 invalid flags; 3 credentials/region/IAM.

Example:
  export MAILROOM_WEBHOOK_SECRET='hooks:a-long-random-password'
  mailroom setup tracking --topic ses-tracking --configuration-set Tracking \\
    --endpoint-url https://example.com/mailroom/ses/tracking --dry-run
  mailroom setup tracking --via sqs --topic ses-tracking --configuration-set Tracking --dry-run
  mailroom setup tracking --via eventbridge --configuration-set Tracking --dry-run`;

/**
 * The `mailroom setup tracking` command.
 *
 * @example
 * ```ts
 * await setupTrackingCommand.run({ args: ["--topic", "t", "--endpoint-url", url, "--configuration-set", "C"], io, deps });
 * ```
 */
export const setupTrackingCommand: CliCommand = {
  path: ["setup", "tracking"],
  summary: "Create or reuse the SNS topic, subscription, configuration set and event destination",
  help: HELP,
  async run({ args, io, deps }) {
    const { values } = parseCommandLine(args, OPTIONS);
    const via = parseRoute(values.via, ["https", "sqs", "eventbridge"]);
    const configurationSetName = required(values["configuration-set"], "--configuration-set");
    const events = parseEventTypes(values.events);
    const region = values.region;
    const fallbackRegion = region ?? deps.env.AWS_REGION ?? deps.env.AWS_DEFAULT_REGION;
    const context = createSetupContext(io, { dryRun: values["dry-run"] === true });
    const maxReceiveCount = parseMaxReceiveCount(values["max-receive-count"]);
    const sesv2 = await clientFor(deps, "sesv2", { region });
    if (via === "eventbridge") {
      const rule = values["event-rule"] ?? "mailroom-ses-events";
      await setupTrackingViaEventBridge(
        context,
        io,
        {
          sesv2,
          sqs: await clientFor(deps, "sqs", { region }),
          events: await clientFor(deps, "eventbridge", { region }),
        },
        {
          configurationSetName,
          destinationName: values["destination-name"] ?? "mailroom-eventbridge",
          events,
          rule,
          queue: values.queue ?? rule,
          maxReceiveCount,
          json: values.json === true,
          fallbackRegion,
        },
      );
      return ExitCode.ok;
    }
    // --via sqs: no webhook, so no endpoint, secret or HTTPS delivery policy.
    const endpoint = via === "https" ? subscriptionEndpoint(values, deps.env, io) : undefined;
    const deliveryPolicy = deliveryPolicyFromFlags(values);
    const topic = required(values.topic, "--topic");
    const sns = await clientFor(deps, "sns", { region });

    const { arn, anyArn } = await ensureTopic(context, sns, topic);
    const topicArn = topicArnFor(arn, anyArn, topic, fallbackRegion);
    const queue =
      endpoint === undefined
        ? await ensureTopicQueue(
            context,
            { sns, sqs: await clientFor(deps, "sqs", { region }) },
            accountRegion(topicArn, fallbackRegion),
            { topicArn, topicExists: arn !== undefined, name: values.queue ?? topic, maxReceiveCount },
          )
        : undefined;
    if (endpoint !== undefined) {
      await ensureSubscription(context, sns, arn, {
        endpoint,
        resubscribe: values.resubscribe === true,
        deliveryPolicy,
      });
    }
    const configurationSetExists = await ensureConfigurationSet(context, sesv2, configurationSetName);
    await ensureEventDestination(context, sesv2, {
      configurationSetName,
      name: values["destination-name"] ?? DEFAULT_DESTINATION,
      topicArn,
      events,
      configurationSetExists,
    });

    const policy = trackingPolicy(accountRegion(topicArn, fallbackRegion), {
      configurationSetName,
      topicArn,
    });
    if (queue !== undefined) {
      printReport(io, context, {
        json: values.json === true,
        policy: withConsumer(policy, queue.arn),
        policyTitle: `Least-privilege IAM policy for the application (sending through ${configurationSetName}, consuming ${values.queue ?? topic})`,
        notes: [
          `send through the configuration set: amazonSes({ configurationSetName: "${configurationSetName}" })`,
          `consume the queue: consumeSesEvents({ queueUrl: "${queue.url ?? "<queue URL>"}", allowedTopicArns: ["${topicArn}"], onEvent })`,
          `events that keep failing end in ${values.queue ?? topic}-dlq after ${maxReceiveCount} receives; nothing is dropped`,
        ],
      });
      return ExitCode.ok;
    }
    printReport(io, context, {
      json: values.json === true,
      policy,
      policyTitle: `Least-privilege IAM policy for the application (sending through ${configurationSetName}, tracking webhook)`,
      notes: [
        `send through the configuration set: amazonSes({ configurationSetName: "${configurationSetName}" })`,
        "run the tracking webhook with the same secret (MAILROOM_WEBHOOK_SECRET); it confirms the subscription",
        "check the endpoint: mailroom verify-webhook <url> --kind tracking",
        outageNote(deliveryPolicy),
      ],
    });
    return ExitCode.ok;
  },
};
