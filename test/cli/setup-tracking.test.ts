import { describe, expect, it } from "vitest";

import { expectNoSecret, runSetup, SETUP_ENV, SETUP_PASSWORD, TRACKING_ARGS } from "../helpers/cli-setup";
import { FakeAws } from "../helpers/fake-aws";

const PASSWORD = SETUP_PASSWORD;
const ENV = SETUP_ENV;

function run(aws: FakeAws, extra: string[] = [], env: Record<string, string> = ENV) {
  return runSetup(aws, [...TRACKING_ARGS, ...extra], env);
}

interface JsonPlan {
  dryRun: boolean;
  steps: { resource: string; name: string; status: string; result: string; detail?: string }[];
  iamPolicy: { Statement: { Sid: string; Action: string | string[]; Resource: string | string[] }[] };
}

describe("mailroom setup tracking", () => {
  it("creates the topic, subscription, configuration set and event destination", async () => {
    const aws = new FakeAws();
    const result = await run(aws);
    expect(result.code).toBe(0);
    const topicArn = aws.topicArn("ses-tracking");
    expect(aws.topics).toEqual([topicArn]);
    expect(aws.subscriptions).toHaveLength(1);
    expect(aws.subscriptions[0]).toMatchObject({
      topicArn,
      protocol: "https",
      endpoint: `https://hooks:${PASSWORD}@example.com/mailroom/ses/tracking`,
    });
    const destination = aws.configurationSets.get("Tracking")?.get("mailroom-sns");
    expect(destination).toEqual({
      Name: "mailroom-sns",
      Enabled: true,
      MatchingEventTypes: [
        "SEND",
        "REJECT",
        "BOUNCE",
        "COMPLAINT",
        "DELIVERY",
        "OPEN",
        "CLICK",
        "RENDERING_FAILURE",
        "DELIVERY_DELAY",
        "SUBSCRIPTION",
      ],
      SnsDestination: { TopicArn: topicArn },
    });
    expect(result.stdout).toMatch(/SNS topic\s+ses-tracking\s+created/);
    expect(result.stdout).toMatch(
      /SNS subscription\s+https:\/\/hooks:\*\*\*\*@example\.com\/mailroom\/ses\/tracking\s+created/,
    );
    expect(result.stdout).toMatch(/Configuration set\s+Tracking\s+created/);
    expect(result.stdout).toMatch(/Event destination\s+Tracking\/mailroom-sns\s+created/);
    expect(result.stderr).toContain("Checking SNS topic ses-tracking");
    expectNoSecret(result);
  });

  it("prints the least-privilege IAM policy for sending through the set and confirming", async () => {
    const aws = new FakeAws();
    const result = await run(aws, ["--json"]);
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout) as JsonPlan;
    const ses = "arn:aws:ses:eu-west-1:123456789012";
    expect(plan.iamPolicy.Statement).toEqual([
      {
        Sid: "MailroomSend",
        Effect: "Allow",
        Action: ["ses:SendEmail", "ses:SendRawEmail"],
        Resource: [`${ses}:identity/*`, `${ses}:configuration-set/Tracking`],
      },
      {
        Sid: "MailroomSendTemplates",
        Effect: "Allow",
        Action: ["ses:SendBulkEmail", "ses:SendBulkTemplatedEmail"],
        Resource: [`${ses}:identity/*`, `${ses}:configuration-set/Tracking`, `${ses}:template/*`],
      },
      {
        Sid: "MailroomConfirmSnsSubscription",
        Effect: "Allow",
        Action: "sns:ConfirmSubscription",
        Resource: aws.topicArn("ses-tracking"),
      },
    ]);
    expect(plan.steps.map((s) => s.result)).toEqual(["created", "created", "created", "created"]);
    expectNoSecret(result);
  });

  it("is idempotent: a second run creates nothing and reports everything as existing", async () => {
    const aws = new FakeAws();
    await run(aws);
    const writesAfterFirst = aws.writes().length;
    const second = await run(aws, ["--json"]);
    expect(second.code).toBe(0);
    expect(aws.writes()).toHaveLength(writesAfterFirst);
    const plan = JSON.parse(second.stdout) as JsonPlan;
    expect(plan.steps.map((s) => s.status)).toEqual(["exists", "exists", "exists", "exists"]);
    // SNS lists the password masked, and the pending subscription is reused, not re-created.
    expect(plan.steps[1]?.detail).toContain("pending confirmation");
    expect(aws.subscriptions).toHaveLength(1);
    expectNoSecret(second);
  });

  it("reuses a confirmed subscription", async () => {
    const aws = new FakeAws();
    await run(aws);
    aws.confirmAll();
    const writes = aws.writes().length;
    const result = await run(aws);
    expect(result.code).toBe(0);
    expect(aws.writes()).toHaveLength(writes);
    expect(result.stdout).toMatch(/SNS subscription\s+\S+\s+exists\n\s+↳ confirmed/);
  });

  it("--dry-run on an empty account prints the plan and calls only read APIs", async () => {
    const aws = new FakeAws();
    const result = await run(aws, ["--dry-run"]);
    expect(result.code).toBe(0);
    expect(aws.writes()).toEqual([]);
    expect(aws.calls.map((c) => c.operation)).toEqual(["ListTopics", "GetConfigurationSet"]);
    expect(result.stdout).toContain("Plan (dry run: nothing was changed):");
    expect(result.stdout.match(/would create/g)).toHaveLength(4);
    expect(result.stdout).toContain('"sns:ConfirmSubscription"');
    expectNoSecret(result);
  });

  it("--dry-run fills in account and region from another topic of the account", async () => {
    const aws = new FakeAws();
    aws.topics.push(aws.topicArn("a"), aws.topicArn("b"), aws.topicArn("c"));
    const result = await run(aws, ["--dry-run", "--json"]);
    const plan = JSON.parse(result.stdout) as JsonPlan;
    expect(plan.dryRun).toBe(true);
    expect(plan.iamPolicy.Statement[2]?.Resource).toBe(aws.topicArn("ses-tracking"));
    expect(aws.writes()).toEqual([]);
  });

  it("finds the topic on a later page of ListTopics", async () => {
    const aws = new FakeAws();
    aws.topics.push(aws.topicArn("a"), aws.topicArn("b"), aws.topicArn("c"), aws.topicArn("ses-tracking"));
    const result = await run(aws);
    expect(result.code).toBe(0);
    expect(aws.calls.filter((c) => c.operation === "ListTopics")).toHaveLength(2);
    expect(aws.writes().map((c) => c.operation)).not.toContain("CreateTopic");
    expect(aws.topics).toHaveLength(4);
  });

  it("updates an event destination whose events or topic differ (dry run first: no writes)", async () => {
    const aws = new FakeAws();
    await run(aws);
    aws.configurationSets.get("Tracking")?.set("mailroom-sns", {
      Name: "mailroom-sns",
      Enabled: false,
      MatchingEventTypes: ["BOUNCE", "OPEN"],
      SnsDestination: { TopicArn: aws.topicArn("old") },
    });
    const writes = aws.writes().length;
    const dry = await run(aws, ["--events", "bounce,complaint,delivery-delay", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(aws.writes()).toHaveLength(writes);
    expect(dry.stdout).toMatch(/Event destination\s+Tracking\/mailroom-sns\s+would update/);
    expect(dry.stdout).toContain("it is disabled; events +COMPLAINT +DELIVERY_DELAY -OPEN");

    // Typed in any order and spelling; stored in SES's order.
    const real = await run(aws, ["--events", "Delivery Delay, BOUNCE,complaint"]);
    expect(real.code).toBe(0);
    expect(
      aws
        .writes()
        .slice(writes)
        .map((c) => c.operation),
    ).toEqual(["UpdateConfigurationSetEventDestination"]);
    expect(aws.configurationSets.get("Tracking")?.get("mailroom-sns")).toMatchObject({
      Enabled: true,
      MatchingEventTypes: ["BOUNCE", "COMPLAINT", "DELIVERY_DELAY"],
      SnsDestination: { TopicArn: aws.topicArn("ses-tracking") },
    });
  });

  it("prefers a confirmed subscription over a pending one to the same URL", async () => {
    const aws = new FakeAws();
    await run(aws);
    const topicArn = aws.topicArn("ses-tracking");
    const url = "https://hooks:an-old-password-1234@example.com/mailroom/ses/tracking";
    aws.subscriptions.unshift({
      arn: `${topicArn}:old`,
      topicArn,
      protocol: "https",
      endpoint: url,
      confirmed: false,
      attributes: {},
    });
    const current = aws.subscriptions[1];
    if (current === undefined) {
      throw new Error("no subscription");
    }
    current.confirmed = true;
    const writes = aws.writes().length;
    const result = await run(aws);
    expect(result.code).toBe(0);
    expect(aws.writes()).toHaveLength(writes);
    expect(result.stdout).toMatch(/SNS subscription\s+\S+\s+exists\n\s+↳ confirmed/);
  });

  it("turns raw message delivery off on a confirmed subscription", async () => {
    const aws = new FakeAws();
    await run(aws);
    aws.confirmAll();
    const subscription = aws.subscriptions[0];
    if (subscription === undefined) {
      throw new Error("no subscription");
    }
    subscription.attributes.RawMessageDelivery = "true";
    const result = await run(aws);
    expect(result.code).toBe(0);
    expect(subscription.attributes.RawMessageDelivery).toBe("false");
    expect(result.stdout).toMatch(/SNS subscription\s+\S+\s+updated\n\s+↳ raw message delivery is on/);
  });

  it("--resubscribe asks SNS to send the confirmation request of a pending subscription again", async () => {
    const aws = new FakeAws();
    await run(aws);
    const writes = aws.writes().length;
    const result = await run(aws, ["--resubscribe"]);
    expect(result.code).toBe(0);
    const subscribe = aws.writes().slice(writes);
    expect(subscribe.map((c) => c.operation)).toEqual(["Subscribe"]);
    expect(subscribe[0]?.input.Endpoint).toBe(`https://hooks:${PASSWORD}@example.com/mailroom/ses/tracking`);
    expect(aws.subscriptions).toHaveLength(1);
    expectNoSecret(result);
  });

  it("subscribes anew when the URL is subscribed with another user name, and says so", async () => {
    const aws = new FakeAws();
    await run(aws, [], { MAILROOM_WEBHOOK_SECRET: `olduser:${PASSWORD}` });
    const result = await run(aws);
    expect(result.code).toBe(0);
    expect(aws.subscriptions.map((s) => new URL(s.endpoint).username)).toEqual(["olduser", "hooks"]);
    expect(result.stdout).toContain("1 other subscription(s) to this URL with other credentials exist");
  });
});
