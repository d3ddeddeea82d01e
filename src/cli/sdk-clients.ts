/**
 * The real AWS SDK clients, each imported only when a command needs it: `mailroom send` never
 * loads the SNS, SES v1 or S3 packages.
 *
 * @module
 */
import { VERSION } from "../version";
import type { AwsClientConfig, AwsClientLike, AwsService } from "./deps";

/**
 * Create an AWS SDK v3 client. Region and credentials follow the SDK's default chains
 * (AWS_REGION, AWS_PROFILE, ~/.aws, instance roles…) unless --region / --endpoint say otherwise.
 *
 * @example
 * ```ts
 * const sns = await createSdkClient("sns", { region: "eu-west-1" });
 * ```
 */
export async function createSdkClient(service: AwsService, config: AwsClientConfig): Promise<AwsClientLike> {
  const options = {
    ...(config.region === undefined ? {} : { region: config.region }),
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    customUserAgent: [["mailroom-cli", VERSION]] as [string, string][],
  };
  switch (service) {
    case "sns":
      return new (await import("@aws-sdk/client-sns")).SNSClient(options);
    case "sesv2":
      return new (await import("@aws-sdk/client-sesv2")).SESv2Client(options);
    case "ses":
      return new (await import("@aws-sdk/client-ses")).SESClient(options);
    case "s3":
      return new (await import("@aws-sdk/client-s3")).S3Client(options);
    case "sqs":
      return new (await import("@aws-sdk/client-sqs")).SQSClient(options);
    case "eventbridge":
      return new (await import("@aws-sdk/client-eventbridge")).EventBridgeClient(options);
  }
}
