/** The SNS part of {@link FakeAws}: topics and subscriptions, with their attributes. */
import { InvalidParameterException, NotFoundException } from "@aws-sdk/client-sns";

import type { FakeAws, FakeHandler, FakeSubscription } from "./fake-aws";

const meta = { $metadata: { httpStatusCode: 400 } };

function requireTopic(aws: FakeAws, arn: string): void {
  if (!aws.topics.includes(arn)) {
    throw new NotFoundException({ message: "Topic does not exist", ...meta });
  }
}

function subscription(aws: FakeAws, arn: unknown): FakeSubscription {
  const found = aws.subscriptions.find((s) => s.arn === arn);
  if (found === undefined) {
    throw new NotFoundException({ message: "Subscription does not exist", ...meta });
  }
  return found;
}

function invalid(message: string): never {
  throw new InvalidParameterException({ message: `Invalid parameter: ${message}`, ...meta });
}

const BACKOFF = new Set(["linear", "arithmetic", "geometric", "exponential"]);

/**
 * Check an HTTP/S `DeliveryPolicy` as SNS documents its limits: every number whole, delays 1 to
 * 3,600 s with min <= max, 0 to 100 retries, the phases within the total, a known backoff.
 */
function checkDeliveryPolicy(value: string): void {
  let policy: { healthyRetryPolicy?: Record<string, unknown>; throttlePolicy?: Record<string, unknown> };
  try {
    policy = JSON.parse(value) as typeof policy;
  } catch {
    invalid("DeliveryPolicy: not JSON");
  }
  const retry = policy.healthyRetryPolicy;
  if (retry === undefined) {
    invalid("DeliveryPolicy: healthyRetryPolicy is required");
  }
  const count = (key: string, low: number, high: number): number => {
    const n = retry[key] ?? 0;
    if (typeof n !== "number" || !Number.isInteger(n) || n < low || n > high) {
      invalid(`DeliveryPolicy: ${key} must be a whole number from ${low} to ${high}`);
    }
    return n;
  };
  const min = count("minDelayTarget", 1, 3600);
  const max = count("maxDelayTarget", 1, 3600);
  const total = count("numRetries", 0, 100);
  const phases = ["numNoDelayRetries", "numMinDelayRetries", "numMaxDelayRetries"].map((k) =>
    count(k, 0, 100),
  );
  if (min > max) {
    invalid("DeliveryPolicy: minDelayTarget must not exceed maxDelayTarget");
  }
  if (phases.reduce((a, b) => a + b, 0) > total) {
    invalid("DeliveryPolicy: the retry phases exceed numRetries");
  }
  if (retry.backoffFunction !== undefined && !BACKOFF.has(String(retry.backoffFunction))) {
    invalid("DeliveryPolicy: unknown backoffFunction");
  }
  const throttle = policy.throttlePolicy?.maxReceivesPerSecond;
  if (
    throttle !== undefined &&
    (typeof throttle !== "number" || !Number.isInteger(throttle) || throttle < 1)
  ) {
    invalid("DeliveryPolicy: maxReceivesPerSecond must be a whole number of at least 1");
  }
}

/** Set one subscription attribute, validated like SNS does. */
function setAttribute(target: FakeSubscription, name: string, value: string): void {
  if (name === "DeliveryPolicy") {
    checkDeliveryPolicy(value);
  } else if (name !== "RawMessageDelivery") {
    invalid(`AttributeName ${name} is not modelled by the fake`);
  }
  target.attributes[name] = value;
}

/** SNS lists HTTP(S) endpoints with the password masked. */
function maskPassword(endpoint: string): string {
  const url = new URL(endpoint);
  if (url.password !== "") {
    url.password = "****";
  }
  return url.href;
}

export const snsHandlers: Record<string, FakeHandler> = {
  ListTopics(aws, input) {
    const { items, next } = aws.page(aws.topics, input.NextToken);
    return { Topics: items.map((TopicArn) => ({ TopicArn })), NextToken: next };
  },

  CreateTopic(aws, input) {
    const arn = aws.topicArn(String(input.Name));
    if (!aws.topics.includes(arn)) {
      aws.topics.push(arn);
    }
    return { TopicArn: arn };
  },

  ListSubscriptionsByTopic(aws, input) {
    requireTopic(aws, String(input.TopicArn));
    const own = aws.subscriptions.filter((s) => s.topicArn === input.TopicArn);
    const { items, next } = aws.page(own, input.NextToken);
    return {
      Subscriptions: items.map((s) => ({
        SubscriptionArn: s.confirmed ? s.arn : "PendingConfirmation",
        TopicArn: s.topicArn,
        Protocol: s.protocol,
        Endpoint: maskPassword(s.endpoint),
        Owner: aws.accountId,
      })),
      NextToken: next,
    };
  },

  Subscribe(aws, input) {
    const topicArn = String(input.TopicArn);
    requireTopic(aws, topicArn);
    // Like SNS: subscribing the same endpoint again returns the existing subscription.
    const existing = aws.subscriptions.find(
      (s) => s.topicArn === topicArn && s.protocol === input.Protocol && s.endpoint === input.Endpoint,
    );
    const attributes = (input.Attributes ?? {}) as Record<string, string>;
    if (existing !== undefined) {
      // Like SNS: the same subscription again, but with other attributes, is refused.
      if (Object.entries(attributes).some(([name, value]) => existing.attributes[name] !== value)) {
        invalid("Attributes Reason: Subscription already exists with different attributes");
      }
      return { SubscriptionArn: existing.arn };
    }
    const created: FakeSubscription = {
      arn: `${topicArn}:sub-${aws.nextId()}`,
      topicArn,
      protocol: String(input.Protocol),
      endpoint: String(input.Endpoint),
      // SNS confirms a subscription of a queue of the same account at once.
      confirmed: input.Protocol === "sqs",
      attributes: { RawMessageDelivery: "false", ...((input.Attributes ?? {}) as Record<string, string>) },
    };
    for (const [name, value] of Object.entries(attributes)) {
      setAttribute(created, name, value);
    }
    aws.subscriptions.push(created);
    return { SubscriptionArn: input.ReturnSubscriptionArn === true ? created.arn : "pending confirmation" };
  },

  GetSubscriptionAttributes(aws, input) {
    const found = subscription(aws, input.SubscriptionArn);
    if (!found.confirmed) {
      throw new NotFoundException({ message: "Subscription does not exist", ...meta });
    }
    return { Attributes: { ...found.attributes, Endpoint: maskPassword(found.endpoint) } };
  },

  SetSubscriptionAttributes(aws, input) {
    setAttribute(
      subscription(aws, input.SubscriptionArn),
      String(input.AttributeName),
      String(input.AttributeValue),
    );
    return {};
  },
};
