/**
 * AWS Lambda subscribed to the SNS topic directly (no HTTP endpoint, no basic auth: the
 * invocation is authorized by IAM). Signatures are still verified and the topic is allow-listed.
 * Deploy with `handler` as the entry point and TRACKING_TOPIC_ARN set: without it the handler
 * cannot be created (no basic auth on this path, so the allow-list is the only check of the topic).
 */
import { toLambdaHandler } from "../../src/adapters/lambda";
import { createWebhooks } from "../shared/webhooks";
import type { ExampleWebhookOverrides } from "../shared/webhooks";

export function createHandler(overrides: ExampleWebhookOverrides = {}) {
  const topic = process.env.TRACKING_TOPIC_ARN;
  const { tracking } = createWebhooks({
    // Basic auth never applies to SNS-triggered invocations: only the allow-list may open this.
    secret: undefined,
    allowedTopicArns: topic === undefined ? undefined : [topic],
    ...overrides,
  });
  return toLambdaHandler(tracking);
}

export const handler = createHandler();
