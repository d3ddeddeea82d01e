/**
 * AWS Lambda behind a Function URL (or API Gateway): the SNS HTTPS subscription posts to the
 * URL, with the webhook secret as basic auth, as it would to any server.
 */
import { toLambdaHandler } from "../../src/adapters/lambda";
import { createWebhooks } from "../shared/webhooks";
import type { ExampleWebhookOverrides } from "../shared/webhooks";

export function createHandler(overrides: ExampleWebhookOverrides = {}) {
  return toLambdaHandler(createWebhooks(overrides).tracking);
}

export const handler = createHandler();
