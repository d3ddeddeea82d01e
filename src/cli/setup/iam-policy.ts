/**
 * The least-privilege IAM policies the setup commands print for the application's role. Pure.
 *
 * The actions follow what AWS authorizes, which is not what the API names suggest: an SESv2
 * SendEmail with raw content is authorized as ses:SendEmail AND ses:SendRawEmail, a template
 * SendBulkEmail as ses:SendBulkEmail AND ses:SendBulkTemplatedEmail (Anymail 11.0.1, issue #384),
 * and a send through a configuration set is also checked against the configuration set's ARN.
 *
 * @module
 */

/**
 * An IAM policy document.
 *
 * @example
 * ```ts
 * const policy: IamPolicy = { Version: "2012-10-17", Statement: [] };
 * ```
 */
export interface IamPolicy {
  Version: "2012-10-17";
  Statement: IamStatement[];
}

/**
 * One IAM policy statement.
 *
 * @example
 * ```ts
 * const statement: IamStatement = { Sid: "Read", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" };
 * ```
 */
export interface IamStatement {
  Sid: string;
  Effect: "Allow";
  Action: string | string[];
  Resource: string | string[];
}

/**
 * Where the resources live: parsed from the topic ARN, or placeholders in a dry run that would
 * create the first topic.
 *
 * @example
 * ```ts
 * const where: AccountRegion = { partition: "aws", region: "eu-west-1", accountId: "123456789012" };
 * ```
 */
export interface AccountRegion {
  partition: string;
  region: string;
  accountId: string;
}

/**
 * The policy for an application that sends through `configurationSetName` and runs the tracking
 * webhook (which confirms the SNS subscription).
 *
 * @example
 * ```ts
 * trackingPolicy(where, { configurationSetName: "Tracking", topicArn });
 * ```
 */
export function trackingPolicy(
  where: AccountRegion,
  options: { configurationSetName: string; topicArn: string },
): IamPolicy {
  const ses = `arn:${where.partition}:ses:${where.region}:${where.accountId}`;
  const identities = `${ses}:identity/*`;
  const configurationSet = `${ses}:configuration-set/${options.configurationSetName}`;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "MailroomSend",
        Effect: "Allow",
        Action: ["ses:SendEmail", "ses:SendRawEmail"],
        Resource: [identities, configurationSet],
      },
      {
        Sid: "MailroomSendTemplates",
        Effect: "Allow",
        Action: ["ses:SendBulkEmail", "ses:SendBulkTemplatedEmail"],
        Resource: [identities, configurationSet, `${ses}:template/*`],
      },
      confirmStatement(options.topicArn),
    ],
  };
}

/**
 * The policy for an application that runs the inbound webhook: confirm the subscription, and
 * read the stored mail when the receipt rule writes it to S3.
 *
 * @example
 * ```ts
 * inboundPolicy(where, { topicArn, bucket: "mail", prefix: "inbound/" });
 * ```
 */
export function inboundPolicy(
  where: AccountRegion,
  options: { topicArn: string; bucket?: string | undefined; prefix?: string | undefined },
): IamPolicy {
  const statements = [confirmStatement(options.topicArn)];
  if (options.bucket !== undefined) {
    statements.push({
      Sid: "MailroomReadInboundMail",
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: `arn:${where.partition}:s3:::${options.bucket}/${options.prefix ?? ""}*`,
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

function confirmStatement(topicArn: string): IamStatement {
  return {
    Sid: "MailroomConfirmSnsSubscription",
    Effect: "Allow",
    Action: "sns:ConfirmSubscription",
    Resource: topicArn,
  };
}

/**
 * Account, region and partition from a topic ARN; placeholders when there is none yet.
 *
 * @example
 * ```ts
 * accountRegion("arn:aws:sns:eu-west-1:123456789012:t", undefined).accountId; // "123456789012"
 * ```
 */
export function accountRegion(
  topicArn: string | undefined,
  fallbackRegion: string | undefined,
): AccountRegion {
  const parts = topicArn?.split(":") ?? [];
  if (parts.length === 6 && parts[0] === "arn" && parts[2] === "sns") {
    return { partition: parts[1] ?? "aws", region: parts[3] ?? "", accountId: parts[4] ?? "" };
  }
  return { partition: "aws", region: fallbackRegion ?? "<region>", accountId: "<account-id>" };
}

/**
 * The topic's ARN, or what it will be once created (a dry run that would create it).
 *
 * @example
 * ```ts
 * topicArnFor(undefined, anyArn, "ses-tracking", "eu-west-1");
 * ```
 */
export function topicArnFor(
  arn: string | undefined,
  anyArn: string | undefined,
  name: string,
  fallbackRegion: string | undefined,
): string {
  if (arn !== undefined) {
    return arn;
  }
  const where = accountRegion(anyArn, fallbackRegion);
  return `arn:${where.partition}:sns:${where.region}:${where.accountId}:${name}`;
}
