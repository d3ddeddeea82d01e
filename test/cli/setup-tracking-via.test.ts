/** `mailroom setup tracking --via sqs|eventbridge` and `setup inbound --via sqs` against the stateful fake AWS. */
import { describe, expect, it } from "vitest";

import { expectNoSecret, INBOUND_ARGS, runSetup, TRACKING_ARGS } from "../helpers/cli-setup";
import { FakeAws } from "../helpers/fake-aws";

const SQS_ARGS = [
  "setup",
  "tracking",
  "--via",
  "sqs",
  "--topic",
  "ses-tracking",
  "--configuration-set",
  "Tracking",
];
const EB_ARGS = ["setup", "tracking", "--via", "eventbridge", "--configuration-set", "Tracking"];

interface JsonPlan {
  dryRun: boolean;
  steps: { resource: string; name: string; status: string }[];
  iamPolicy: { Statement: { Sid: string; Action: string | string[]; Resource: string | string[] }[] };
}

describe("mailroom setup tracking --via sqs", () => {
  it("creates the queue, its DLQ with a redrive policy, a queue policy for the topic only, and the subscription", async () => {
    const aws = new FakeAws();
    const result = await runSetup(aws, [...SQS_ARGS, "--max-receive-count", "4"], {});
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.code).toBe(0);
    const topicArn = aws.topicArn("ses-tracking");
    const queue = aws.queues.get("ses-tracking");
    const dlq = aws.queues.get("ses-tracking-dlq");
    expect(dlq?.attributes.MessageRetentionPeriod).toBe("1209600");
    expect(JSON.parse(queue?.attributes.RedrivePolicy ?? "{}")).toEqual({
      deadLetterTargetArn: dlq?.arn,
      maxReceiveCount: 4,
    });
    expect(JSON.parse(queue?.attributes.Policy ?? "{}")).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "MailroomSesEventsSend",
          Effect: "Allow",
          Principal: { Service: "sns.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: queue?.arn,
          Condition: { ArnEquals: { "aws:SourceArn": topicArn } },
        },
      ],
    });
    expect(aws.subscriptions).toEqual([
      expect.objectContaining({
        topicArn,
        protocol: "sqs",
        endpoint: queue?.arn,
        attributes: expect.objectContaining({ RawMessageDelivery: "false" }),
      }),
    ]);
    expect(aws.configurationSets.get("Tracking")?.get("mailroom-sns")?.SnsDestination).toEqual({
      TopicArn: topicArn,
    });
    expect(result.stdout).toMatch(/SQS dead-letter queue\s+ses-tracking-dlq\s+created/);
    expect(result.stdout).toMatch(/SQS queue\s+ses-tracking\s+created/);
    expect(result.stdout).toContain("consumeSesEvents");
  });

  it("prints the consumer's least-privilege policy: no sns:ConfirmSubscription, only this queue", async () => {
    const aws = new FakeAws();
    const plan = JSON.parse((await runSetup(aws, [...SQS_ARGS, "--json"], {})).stdout) as JsonPlan;
    const statements = plan.iamPolicy.Statement;
    expect(statements.map((s) => s.Sid)).toEqual([
      "MailroomSend",
      "MailroomSendTemplates",
      "MailroomConsumeSesEvents",
    ]);
    expect(statements[2]).toEqual({
      Sid: "MailroomConsumeSesEvents",
      Effect: "Allow",
      Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"],
      Resource: "arn:aws:sqs:eu-west-1:123456789012:ses-tracking",
    });
  });

  it("is idempotent, repairs a drifted redrive policy, keeps other policy statements, and a dry run writes nothing", async () => {
    const aws = new FakeAws();
    const dry = await runSetup(aws, [...SQS_ARGS, "--dry-run"], {});
    expect(dry.code).toBe(0);
    expect(aws.writes()).toEqual([]);
    expect(dry.stdout).toMatch(/SQS queue\s+ses-tracking\s+would create/);

    expect((await runSetup(aws, SQS_ARGS, {})).code).toBe(0);
    const writes = aws.writes().length;
    const again = await runSetup(aws, SQS_ARGS, {});
    expect(again.code).toBe(0);
    expect(aws.writes()).toHaveLength(writes);
    expect(again.stdout).not.toMatch(/created|updated/);

    const queue = aws.queues.get("ses-tracking");
    if (queue === undefined) throw new Error("no queue");
    const policy = JSON.parse(queue.attributes.Policy ?? "{}") as { Statement: unknown[] };
    const other = {
      Sid: "Theirs",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::123456789012:root" },
      Action: "sqs:*",
      Resource: queue.arn,
    };
    queue.attributes.Policy = JSON.stringify({ ...policy, Statement: [other, ...policy.Statement] });
    queue.attributes.RedrivePolicy = JSON.stringify({ deadLetterTargetArn: queue.arn, maxReceiveCount: 100 });
    const repaired = await runSetup(aws, SQS_ARGS, {});
    expect(repaired.stdout).toMatch(/SQS queue\s+ses-tracking\s+updated/);
    expect(JSON.parse(queue.attributes.RedrivePolicy).maxReceiveCount).toBe(5);
    expect(
      (JSON.parse(queue.attributes.Policy) as { Statement: { Sid: string }[] }).Statement.map((s) => s.Sid),
    ).toEqual(["Theirs", "MailroomSesEventsSend"]);
  });

  it("turns raw message delivery off on an existing queue subscription", async () => {
    const aws = new FakeAws();
    await runSetup(aws, SQS_ARGS, {});
    const subscription = aws.subscriptions[0];
    if (subscription === undefined) throw new Error("no subscription");
    subscription.attributes.RawMessageDelivery = "true";
    const result = await runSetup(aws, SQS_ARGS, {});
    expect(result.stdout).toMatch(/SNS subscription\s+sqs ses-tracking\s+updated/);
    expect(subscription.attributes.RawMessageDelivery).toBe("false");
  });

  it("refuses an unknown route and a bad --max-receive-count", async () => {
    const aws = new FakeAws();
    expect((await runSetup(aws, [...TRACKING_ARGS, "--via", "carrier-pigeon"])).code).toBe(2);
    expect((await runSetup(aws, [...SQS_ARGS, "--max-receive-count", "0"], {})).code).toBe(2);
    expect(aws.writes()).toEqual([]);
  });
});

describe("mailroom setup tracking --via eventbridge", () => {
  it("creates the queue pair, the rule for SES's detail-types, its target and the EventBridge destination", async () => {
    const aws = new FakeAws();
    const result = await runSetup(aws, [...EB_ARGS, "--events", "bounce,complaint"], {});
    expect(result.code).toBe(0);
    const rule = aws.rules.get("mailroom-ses-events");
    expect(JSON.parse(rule?.eventPattern ?? "{}")).toEqual({
      source: ["aws.ses"],
      "detail-type": ["Email Bounced", "Email Complaint Received"],
    });
    expect(rule?.state).toBe("ENABLED");
    const queue = aws.queues.get("mailroom-ses-events");
    expect(rule?.targets).toEqual([{ Id: "mailroom-ses-events", Arn: queue?.arn }]);
    const statement = (
      JSON.parse(queue?.attributes.Policy ?? "{}") as {
        Statement: { Principal: unknown; Condition: unknown }[];
      }
    ).Statement[0];
    expect(statement?.Principal).toEqual({ Service: "events.amazonaws.com" });
    expect(statement?.Condition).toEqual({ ArnEquals: { "aws:SourceArn": rule?.arn } });
    expect(aws.configurationSets.get("Tracking")?.get("mailroom-eventbridge")).toEqual({
      Name: "mailroom-eventbridge",
      Enabled: true,
      MatchingEventTypes: ["BOUNCE", "COMPLAINT"],
      EventBridgeDestination: { EventBusArn: "arn:aws:events:eu-west-1:123456789012:event-bus/default" },
    });
    expect(aws.topics).toEqual([]);
    expect(result.stdout).toContain('formats: ["eventbridge"]');
  });

  it("is idempotent, updates a changed pattern, and a dry run writes nothing", async () => {
    const aws = new FakeAws();
    const dry = await runSetup(aws, [...EB_ARGS, "--dry-run", "--region", "eu-west-1"], {});
    expect(dry.code).toBe(0);
    expect(aws.writes()).toEqual([]);
    expect(dry.stdout).toMatch(/EventBridge rule\s+mailroom-ses-events\s+would create/);
    await runSetup(aws, EB_ARGS, {});
    const writes = aws.writes().length;
    expect((await runSetup(aws, EB_ARGS, {})).stdout).not.toMatch(/created|updated/);
    expect(aws.writes()).toHaveLength(writes);
    const changed = await runSetup(aws, [...EB_ARGS, "--events", "bounce"], {});
    expect(changed.stdout).toMatch(/EventBridge rule\s+mailroom-ses-events\s+updated/);
    expect(changed.stdout).toMatch(/Event destination\s+Tracking\/mailroom-eventbridge\s+updated/);
  });
});

describe("mailroom setup inbound --via sqs", () => {
  it("subscribes a queue (with its DLQ) instead of an HTTPS endpoint", async () => {
    const aws = new FakeAws();
    const args = INBOUND_ARGS.filter(
      (a, i, all) => a !== "--endpoint-url" && all[i - 1] !== "--endpoint-url",
    );
    const result = await runSetup(aws, [...args, "--action", "sns", "--via", "sqs", "--json"], {});
    expect(result.code).toBe(0);
    const queue = aws.queues.get("ses-inbound");
    expect(aws.queues.has("ses-inbound-dlq")).toBe(true);
    expect(aws.subscriptions).toEqual([expect.objectContaining({ protocol: "sqs", endpoint: queue?.arn })]);
    const plan = JSON.parse(result.stdout) as JsonPlan;
    expect(plan.iamPolicy.Statement.map((s) => s.Sid)).toEqual(["MailroomConsumeSesEvents"]);
    expectNoSecret(result);
  });
});
