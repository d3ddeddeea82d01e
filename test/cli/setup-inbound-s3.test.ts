import { describe, expect, it } from "vitest";

import { expectNoSecret, INBOUND_ARGS, runSetup } from "../helpers/cli-setup";
import type { BucketPolicy } from "../helpers/cli-setup";
import { FakeAws } from "../helpers/fake-aws";

const BASE = INBOUND_ARGS;
const S3_ARGS = [...BASE, "--action", "s3", "--bucket", "example-mail"];
type Policy = BucketPolicy;

function run(aws: FakeAws, args: string[]) {
  return runSetup(aws, args);
}

describe("mailroom setup inbound --action s3", () => {
  it("creates the bucket, its policy for SES, and an S3 rule that notifies the topic", async () => {
    const aws = new FakeAws();
    const result = await run(aws, S3_ARGS);
    expect(result.code).toBe(0);
    const topicArn = aws.topicArn("ses-inbound");
    expect(aws.buckets.get("example-mail")?.region).toBe("eu-west-1");
    const policy = JSON.parse(aws.buckets.get("example-mail")?.policy ?? "{}") as Policy;
    expect(policy.Statement).toEqual([
      {
        Sid: "MailroomSesPutmailroommailroomsupportatexamplecom",
        Effect: "Allow",
        Principal: { Service: "ses.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: "arn:aws:s3:::example-mail/inbound/*",
        Condition: {
          StringEquals: {
            "AWS:SourceAccount": "123456789012",
            "AWS:SourceArn":
              "arn:aws:ses:eu-west-1:123456789012:receipt-rule-set/mailroom:receipt-rule/mailroom-support-at-example-com",
          },
        },
      },
    ]);
    expect(aws.ruleSets.get("mailroom")?.[0]?.Actions).toEqual([
      { S3Action: { BucketName: "example-mail", ObjectKeyPrefix: "inbound/", TopicArn: topicArn } },
    ]);
    expect(
      (result.stdout.split("\n\n")[0] ?? "")
        .split("\n")
        .filter((l) => /^ {2}\S/.test(l))
        .map((l) => l.trim().split(/\s{2,}/)[0]),
    ).toEqual([
      "SNS topic",
      "SNS subscription",
      "S3 bucket",
      "S3 bucket policy",
      "Receipt rule set",
      "Receipt rule",
      "Active rule set",
    ]);
    // The bucket policy must exist before the rule (SES writes a test object when the rule is saved).
    const order = aws.writes().map((c) => c.operation);
    expect(order.indexOf("PutBucketPolicy")).toBeLessThan(order.indexOf("CreateReceiptRule"));
    expectNoSecret(result);
  });

  it("prints an IAM policy with s3:GetObject on the prefix", async () => {
    const aws = new FakeAws();
    const result = await run(aws, [...S3_ARGS, "--prefix", "mail/in/", "--json"]);
    const plan = JSON.parse(result.stdout) as { iamPolicy: Policy };
    expect(plan.iamPolicy.Statement.map((s) => [s.Action, s.Resource])).toEqual([
      ["sns:ConfirmSubscription", aws.topicArn("ses-inbound")],
      ["s3:GetObject", "arn:aws:s3:::example-mail/mail/in/*"],
    ]);
  });

  it("merges into an existing bucket policy and is idempotent", async () => {
    const aws = new FakeAws();
    const other = {
      Sid: "KeepMe",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: "arn:aws:s3:::example-mail/*",
    };
    aws.buckets.set("example-mail", {
      region: "eu-west-1",
      policy: JSON.stringify({ Version: "2012-10-17", Statement: other }),
    });
    const first = await run(aws, S3_ARGS);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/S3 bucket\s+example-mail\s+exists/);
    expect(first.stdout).toMatch(/S3 bucket policy\s+\S+ \(\S+\)\s+updated/);
    const merged = JSON.parse(aws.buckets.get("example-mail")?.policy ?? "{}") as Policy;
    expect(merged.Statement.map((s) => s.Sid)).toEqual([
      "KeepMe",
      "MailroomSesPutmailroommailroomsupportatexamplecom",
    ]);

    const writes = aws.writes().length;
    const second = await run(aws, S3_ARGS);
    expect(second.code).toBe(0);
    expect(aws.writes()).toHaveLength(writes);
    expect(second.stdout).not.toMatch(/created|updated/);
  });

  it("--dry-run calls only read APIs, also when resources exist and differ", async () => {
    const empty = new FakeAws();
    const dry = await run(empty, [...S3_ARGS, "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(empty.writes()).toEqual([]);
    expect(dry.stdout.match(/would create/g)).toHaveLength(6);
    expect(dry.stdout).toMatch(/Active rule set\s+mailroom\s+would update/);
    expectNoSecret(dry);

    const aws = new FakeAws();
    await run(aws, S3_ARGS);
    const writes = aws.writes().length;
    const changed = await run(aws, [...S3_ARGS, "--prefix", "other/", "--dry-run"]);
    expect(changed.code).toBe(0);
    expect(aws.writes()).toHaveLength(writes);
    expect(changed.stdout).toMatch(/S3 bucket policy\s+\S+ \(\S+\)\s+would update/);
    expect(changed.stdout).toMatch(/Receipt rule\s+\S+\s+would update/);
  });
});
