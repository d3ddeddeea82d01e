/** The SQS and EventBridge parts of {@link FakeAws}: queues and their attributes, rules and targets. */
import { ResourceNotFoundException } from "@aws-sdk/client-eventbridge";
import { QueueDoesNotExist } from "@aws-sdk/client-sqs";

import type { FakeAws, FakeHandler } from "./fake-aws";

const meta = { $metadata: { httpStatusCode: 400 } };

export interface FakeQueue {
  url: string;
  arn: string;
  attributes: Record<string, string>;
}

export interface FakeRule {
  arn: string;
  eventPattern: string;
  state: string;
  targets: { Id: string; Arn: string }[];
}

function queueByUrl(aws: FakeAws, url: unknown): FakeQueue {
  const found = [...aws.queues.values()].find((q) => q.url === url);
  if (found === undefined) {
    throw new QueueDoesNotExist({ message: "The specified queue does not exist.", ...meta });
  }
  return found;
}

export const sqsHandlers: Record<string, FakeHandler> = {
  GetQueueUrl(aws, input) {
    const queue = aws.queues.get(String(input.QueueName));
    if (queue === undefined) {
      throw new QueueDoesNotExist({ message: "The specified queue does not exist.", ...meta });
    }
    return { QueueUrl: queue.url };
  },

  CreateQueue(aws, input) {
    const name = String(input.QueueName);
    const existing = aws.queues.get(name);
    const attributes = (input.Attributes ?? {}) as Record<string, string>;
    if (existing !== undefined) {
      // Like SQS: the same name with different attributes is an error, not an update.
      if (Object.entries(attributes).some(([key, value]) => existing.attributes[key] !== value)) {
        throw new Error(`FakeAws: queue ${name} exists with other attributes`);
      }
      return { QueueUrl: existing.url };
    }
    const queue: FakeQueue = {
      url: `https://sqs.${aws.region}.amazonaws.com/${aws.accountId}/${name}`,
      arn: `arn:aws:sqs:${aws.region}:${aws.accountId}:${name}`,
      attributes: { VisibilityTimeout: "30", MessageRetentionPeriod: "345600", ...attributes },
    };
    aws.queues.set(name, queue);
    return { QueueUrl: queue.url };
  },

  GetQueueAttributes(aws, input) {
    const queue = queueByUrl(aws, input.QueueUrl);
    return { Attributes: { ...queue.attributes, QueueArn: queue.arn } };
  },

  SetQueueAttributes(aws, input) {
    const queue = queueByUrl(aws, input.QueueUrl);
    const attributes = (input.Attributes ?? {}) as Record<string, string>;
    const redrive = attributes.RedrivePolicy;
    if (redrive !== undefined) {
      const target = (JSON.parse(redrive) as { deadLetterTargetArn?: string }).deadLetterTargetArn;
      if (![...aws.queues.values()].some((q) => q.arn === target)) {
        throw new Error(`FakeAws: dead-letter queue ${String(target)} does not exist`);
      }
    }
    Object.assign(queue.attributes, attributes);
    return {};
  },
};

export const eventBridgeHandlers: Record<string, FakeHandler> = {
  DescribeRule(aws, input) {
    const rule = aws.rules.get(String(input.Name));
    if (rule === undefined) {
      throw new ResourceNotFoundException({ message: `Rule ${String(input.Name)} does not exist.`, ...meta });
    }
    return { Name: input.Name, Arn: rule.arn, EventPattern: rule.eventPattern, State: rule.state };
  },

  PutRule(aws, input) {
    const name = String(input.Name);
    const arn = `arn:aws:events:${aws.region}:${aws.accountId}:rule/${name}`;
    const targets = aws.rules.get(name)?.targets ?? [];
    aws.rules.set(name, {
      arn,
      eventPattern: String(input.EventPattern),
      state: String(input.State),
      targets,
    });
    return { RuleArn: arn };
  },

  ListTargetsByRule(aws, input) {
    const rule = aws.rules.get(String(input.Rule));
    if (rule === undefined) {
      throw new ResourceNotFoundException({ message: `Rule ${String(input.Rule)} does not exist.`, ...meta });
    }
    const { items, next } = aws.page(rule.targets, input.NextToken);
    return { Targets: items, NextToken: next };
  },

  PutTargets(aws, input) {
    const rule = aws.rules.get(String(input.Rule));
    if (rule === undefined) {
      throw new ResourceNotFoundException({ message: `Rule ${String(input.Rule)} does not exist.`, ...meta });
    }
    for (const target of input.Targets as { Id: string; Arn: string }[]) {
      rule.targets = [...rule.targets.filter((t) => t.Id !== target.Id), { Id: target.Id, Arn: target.Arn }];
    }
    return { FailedEntryCount: 0, FailedEntries: [] };
  },
};
