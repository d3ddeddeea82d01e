import { describe, expect, it } from "vitest";

import { expectNoSecret, INBOUND_ARGS, runSetup, SETUP_PASSWORD } from "../helpers/cli-setup";
import type { BucketPolicy } from "../helpers/cli-setup";
import { FakeAws } from "../helpers/fake-aws";

const PASSWORD = SETUP_PASSWORD;
const BASE = INBOUND_ARGS;
const SNS_ARGS = [...BASE, "--action", "sns"];
type Policy = BucketPolicy;

function run(aws: FakeAws, args: string[]) {
  return runSetup(aws, args);
}

describe("mailroom setup inbound --action sns", () => {
  it("creates the topic, subscription, rule set, rule with an SNS action, and activates the set", async () => {
    const aws = new FakeAws();
    const result = await run(aws, SNS_ARGS);
    expect(result.code).toBe(0);
    const topicArn = aws.topicArn("ses-inbound");
    expect(aws.subscriptions[0]?.endpoint).toBe(`https://hooks:${PASSWORD}@example.com/mailroom/ses/inbound`);
    expect(aws.ruleSets.get("mailroom")).toEqual([
      {
        Name: "mailroom-support-at-example-com",
        Enabled: true,
        TlsPolicy: "Optional",
        Recipients: ["support@example.com"],
        ScanEnabled: true,
        Actions: [{ SNSAction: { TopicArn: topicArn, Encoding: "Base64" } }],
      },
    ]);
    expect(aws.activeRuleSet).toBe("mailroom");
    expect(aws.buckets.size).toBe(0);
    expect(result.stdout).toMatch(/Receipt rule\s+mailroom\/mailroom-support-at-example-com\s+created/);
    expect(result.stdout).toMatch(/Active rule set\s+mailroom\s+updated/);
    expectNoSecret(result);
  });

  it("prints an IAM policy with sns:ConfirmSubscription only", async () => {
    const aws = new FakeAws();
    const result = await run(aws, [...SNS_ARGS, "--json"]);
    const plan = JSON.parse(result.stdout) as { iamPolicy: Policy };
    expect(plan.iamPolicy.Statement).toEqual([
      {
        Sid: "MailroomConfirmSnsSubscription",
        Effect: "Allow",
        Action: "sns:ConfirmSubscription",
        Resource: aws.topicArn("ses-inbound"),
      },
    ]);
  });

  it("is idempotent: a second run writes nothing", async () => {
    const aws = new FakeAws();
    await run(aws, SNS_ARGS);
    const writes = aws.writes().length;
    const second = await run(aws, [...SNS_ARGS, "--json"]);
    expect(second.code).toBe(0);
    expect(aws.writes()).toHaveLength(writes);
    const plan = JSON.parse(second.stdout) as { steps: { status: string }[] };
    expect(plan.steps.map((s) => s.status)).toEqual(["exists", "exists", "exists", "exists", "exists"]);
  });

  it("updates a rule whose recipients or encoding changed, keeping its TLS policy", async () => {
    const aws = new FakeAws();
    await run(aws, SNS_ARGS);
    const rule = aws.ruleSets.get("mailroom")?.[0];
    if (rule === undefined) {
      throw new Error("no rule");
    }
    rule.TlsPolicy = "Require";
    const writes = aws.writes().length;
    const args = [...SNS_ARGS, "--recipient", "help@example.com", "--encoding", "utf8"];
    const result = await run(aws, args);
    expect(result.code).toBe(0);
    expect(
      aws
        .writes()
        .slice(writes)
        .map((c) => c.operation),
    ).toEqual(["UpdateReceiptRule"]);
    expect(aws.ruleSets.get("mailroom")?.[0]).toMatchObject({
      Recipients: ["support@example.com", "help@example.com"],
      TlsPolicy: "Require",
      Actions: [{ SNSAction: { Encoding: "UTF-8" } }],
    });
    expect(result.stdout).toMatch(
      /Receipt rule\s+\S+\s+updated\n\s+↳ was: support@example\.com: SNS \(Base64\)/,
    );
  });

  it("updates a rule when only its recipients changed", async () => {
    const aws = new FakeAws();
    await run(aws, SNS_ARGS);
    const writes = aws.writes().length;
    const result = await run(aws, [
      ...SNS_ARGS,
      "--rule",
      "mailroom-support-at-example-com",
      "--recipient",
      "b@example.com",
    ]);
    expect(result.code).toBe(0);
    expect(
      aws
        .writes()
        .slice(writes)
        .map((c) => c.operation),
    ).toEqual(["UpdateReceiptRule"]);
    expect(aws.ruleSets.get("mailroom")?.[0]?.Recipients).toEqual(["support@example.com", "b@example.com"]);
  });

  it("leaves another active rule set alone and says what to do (exit code 0)", async () => {
    const aws = new FakeAws();
    aws.ruleSets.set("legacy", []);
    aws.activeRuleSet = "legacy";
    const result = await run(aws, SNS_ARGS);
    expect(result.code).toBe(0);
    expect(aws.activeRuleSet).toBe("legacy");
    expect(aws.writes().map((c) => c.operation)).not.toContain("SetActiveReceiptRuleSet");
    expect(result.stdout).toMatch(/Active rule set\s+mailroom\s+ACTION NEEDED/);
    expect(result.stdout).toContain("re-run with --rule-set legacy");
    expect(result.stdout).toContain("aws ses set-active-receipt-rule-set --rule-set-name mailroom");
  });

  it("adds the rule to the given --rule-set and --rule", async () => {
    const aws = new FakeAws();
    aws.ruleSets.set("legacy", [{ Name: "other", Recipients: ["x@example.com"] }]);
    aws.activeRuleSet = "legacy";
    const result = await run(aws, [...SNS_ARGS, "--rule-set", "legacy", "--rule", "support"]);
    expect(result.code).toBe(0);
    expect(aws.ruleSets.get("legacy")?.map((r) => r.Name)).toEqual(["support", "other"]);
    expect(result.stdout).toMatch(/Active rule set\s+legacy\s+exists/);
  });
});

describe("mailroom setup inbound: usage errors", () => {
  it.each([
    [["--action", "s3"], "--bucket is required"],
    [["--action", "s3", "--bucket", "b", "--encoding", "utf8"], "--encoding goes with --action sns"],
    [["--action", "sns", "--bucket", "b"], "--bucket and --prefix go with --action s3"],
    [["--action", "lambda"], "--action must be one of sns, s3"],
    [["--action", "sns", "--encoding", "latin1"], "--encoding must be one of base64, utf8"],
    [["--action", "sns", "--recipient", "not an address"], "neither an email address nor a domain"],
    [[], "--action is required"],
  ])("refuses %j with exit code 2 before calling AWS", async (extra, message) => {
    const aws = new FakeAws();
    const result = await run(aws, [...BASE, ...extra]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(aws.calls).toEqual([]);
  });

  it("requires a recipient", async () => {
    const aws = new FakeAws();
    const result = await run(aws, [
      "setup",
      "inbound",
      "--topic",
      "t",
      "--endpoint-url",
      "https://e.com/",
      "--action",
      "sns",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--recipient is required");
  });

  it("accepts a domain recipient and names the rule after it", async () => {
    const aws = new FakeAws();
    const result = await run(aws, [
      ...SNS_ARGS.slice(0, 2),
      ...SNS_ARGS.slice(4),
      "--recipient",
      "example.com",
    ]);
    expect(result.code).toBe(0);
    expect(aws.ruleSets.get("mailroom")?.[0]).toMatchObject({
      Name: "mailroom-example-com",
      Recipients: ["example.com"],
    });
  });
});
