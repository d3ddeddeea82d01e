/** The SNS part of {@link FakeAws}: topics and subscriptions. */
import { NotFoundException } from "@aws-sdk/client-sns";

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
    if (existing !== undefined) {
      return { SubscriptionArn: existing.arn };
    }
    const created: FakeSubscription = {
      arn: `${topicArn}:sub-${aws.nextId()}`,
      topicArn,
      protocol: String(input.Protocol),
      endpoint: String(input.Endpoint),
      confirmed: false,
      attributes: { RawMessageDelivery: "false" },
    };
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
    subscription(aws, input.SubscriptionArn).attributes[String(input.AttributeName)] = String(
      input.AttributeValue,
    );
    return {};
  },
};
