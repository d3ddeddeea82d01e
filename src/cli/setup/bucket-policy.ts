/**
 * S3 for `setup inbound --action s3`: the bucket, and the bucket-policy statement that lets SES
 * write received mail into it — scoped to this account and this receipt rule, and merged into
 * whatever policy the bucket already has.
 *
 * @module
 */
import type { BucketLocationConstraint, GetBucketPolicyCommandOutput } from "@aws-sdk/client-s3";

import { CliError } from "../cli-error";
import type { AwsClientLike } from "../deps";
import { ExitCode } from "../exit-codes";
import { call, canonicalJson, isAwsError } from "./aws-call";
import type { AccountRegion } from "./iam-policy";
import type { SetupContext } from "./plan";

/**
 * A bucket-policy statement (only the fields this module writes are typed).
 *
 * @example
 * ```ts
 * const statement: BucketStatement = sesPutStatement(where, { bucket, prefix, ruleSet, rule });
 * ```
 */
export interface BucketStatement {
  Sid: string;
  Effect: string;
  Principal: unknown;
  Action: unknown;
  Resource: unknown;
  Condition?: unknown;
}

/**
 * The statement letting ses.amazonaws.com PutObject under the prefix, only on behalf of this
 * account and this receipt rule (AWS's confused-deputy guidance: aws:SourceAccount + SourceArn).
 *
 * @example
 * ```ts
 * sesPutStatement(where, { bucket: "mail", prefix: "inbound/", ruleSet: "mailroom", rule: "support" });
 * ```
 */
export function sesPutStatement(
  where: AccountRegion,
  target: { bucket: string; prefix: string; ruleSet: string; rule: string },
): BucketStatement {
  const alnum = (text: string): string => text.replace(/[^A-Za-z0-9]/g, "");
  return {
    // One Sid per rule, so a second inbound rule writing to the same bucket adds its own statement.
    Sid: `MailroomSesPut${alnum(target.ruleSet)}${alnum(target.rule)}`.slice(0, 100),
    Effect: "Allow",
    Principal: { Service: "ses.amazonaws.com" },
    Action: "s3:PutObject",
    Resource: `arn:${where.partition}:s3:::${target.bucket}/${target.prefix}*`,
    Condition: {
      StringEquals: {
        "AWS:SourceAccount": where.accountId,
        "AWS:SourceArn": `arn:${where.partition}:ses:${where.region}:${where.accountId}:receipt-rule-set/${target.ruleSet}:receipt-rule/${target.rule}`,
      },
    },
  };
}

/**
 * Merge `statement` into an existing policy document (JSON text, or undefined for none): same
 * Sid replaced, other statements kept.
 *
 * @throws CliError when the existing policy is not JSON.
 * @example
 * ```ts
 * const { status, policy } = mergeStatement(existingText, statement);
 * ```
 */
export function mergeStatement(
  existing: string | undefined,
  statement: BucketStatement,
): { status: "exists" | "create" | "update"; policy: string } {
  if (existing === undefined) {
    return { status: "create", policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }) };
  }
  let document: { Version?: string; Statement?: unknown };
  try {
    document = JSON.parse(existing) as typeof document;
  } catch (cause) {
    throw new CliError("The bucket's existing policy is not valid JSON", ExitCode.failure, { cause });
  }
  const statements: unknown[] = Array.isArray(document.Statement)
    ? document.Statement
    : document.Statement === undefined
      ? []
      : [document.Statement];
  const at = statements.findIndex(
    (s) => typeof s === "object" && s !== null && (s as { Sid?: unknown }).Sid === statement.Sid,
  );
  if (at >= 0 && canonicalJson(statements[at]) === canonicalJson(statement)) {
    return { status: "exists", policy: existing };
  }
  const merged = at >= 0 ? statements.map((s, i) => (i === at ? statement : s)) : [...statements, statement];
  return {
    status: "update",
    policy: JSON.stringify({ ...document, Version: document.Version ?? "2012-10-17", Statement: merged }),
  };
}

/**
 * Find the bucket (HeadBucket), or create it in the region.
 *
 * @example
 * ```ts
 * await ensureBucket(context, s3, "mail", "eu-west-1");
 * ```
 */
export async function ensureBucket(
  context: SetupContext,
  s3: AwsClientLike,
  bucket: string,
  region: string,
): Promise<void> {
  const sdk = await import("@aws-sdk/client-s3");
  context.checking(`S3 bucket ${bucket}`);
  try {
    await s3.send(new sdk.HeadBucketCommand({ Bucket: bucket }));
    await context.apply({ resource: "S3 bucket", name: bucket, status: "exists" });
    return;
  } catch (err) {
    if (!isAwsError(err, "NotFound", "NoSuchBucket")) {
      throw err;
    }
  }
  await context.apply({ resource: "S3 bucket", name: bucket, status: "create", detail: region }, async () => {
    // us-east-1 is the one region that refuses an explicit LocationConstraint.
    // (The SDK types the constraint as a list of known regions; newer regions are valid too.)
    const configuration =
      region === "us-east-1"
        ? {}
        : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } };
    await s3.send(new sdk.CreateBucketCommand({ Bucket: bucket, ...configuration }));
  });
}

/**
 * Merge the SES write statement into the bucket policy.
 *
 * @example
 * ```ts
 * await ensureBucketPolicy(context, s3, "mail", statement);
 * ```
 */
export async function ensureBucketPolicy(
  context: SetupContext,
  s3: AwsClientLike,
  bucket: string,
  statement: BucketStatement,
): Promise<void> {
  const sdk = await import("@aws-sdk/client-s3");
  const resource = "S3 bucket policy";
  const name = `${bucket} (${statement.Sid})`;
  const detail = `ses.amazonaws.com may PutObject ${String(statement.Resource)} for this account and rule only`;
  let existing: string | undefined;
  // A bucket that does not exist yet (dry run) has no policy to read.
  const planned = context.steps.find((s) => s.resource === "S3 bucket" && s.name === bucket);
  if (planned?.status !== "create") {
    context.checking(`policy of S3 bucket ${bucket}`);
    try {
      existing = (
        await call<GetBucketPolicyCommandOutput>(s3, new sdk.GetBucketPolicyCommand({ Bucket: bucket }))
      ).Policy;
    } catch (err) {
      if (!isAwsError(err, "NoSuchBucketPolicy")) {
        throw err;
      }
    }
  }
  const merged = mergeStatement(existing, statement);
  await context.apply({ resource, name, status: merged.status, detail }, async () => {
    await s3.send(new sdk.PutBucketPolicyCommand({ Bucket: bucket, Policy: merged.policy }));
  });
}
