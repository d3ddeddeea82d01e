/** The SES parts of {@link FakeAws}: SESv2 configuration sets, SES v1 receipt rules. */
import {
  AlreadyExistsException,
  InvalidS3ConfigurationException,
  RuleDoesNotExistException,
  RuleSetDoesNotExistException,
  type ReceiptRule,
} from "@aws-sdk/client-ses";
import { NotFoundException, type EventDestination } from "@aws-sdk/client-sesv2";

import type { FakeAws, FakeHandler } from "./fake-aws";

const meta = { $metadata: { httpStatusCode: 400 } };

function destinations(aws: FakeAws, name: unknown): Map<string, EventDestination> {
  const found = aws.configurationSets.get(String(name));
  if (found === undefined) {
    throw new NotFoundException({ message: "Configuration set does not exist", ...meta });
  }
  return found;
}

function putDestination(aws: FakeAws, input: Record<string, unknown>, mustExist: boolean): unknown {
  const existing = destinations(aws, input.ConfigurationSetName);
  const name = String(input.EventDestinationName);
  if (existing.has(name) !== mustExist) {
    throw new Error(`FakeAws: event destination ${name} ${mustExist ? "does not exist" : "already exists"}`);
  }
  const definition = input.EventDestination as Omit<EventDestination, "Name">;
  const topic = definition.SnsDestination?.TopicArn;
  if (topic !== undefined && !aws.topics.includes(topic)) {
    throw new Error(`FakeAws: SNS topic ${topic} does not exist`);
  }
  existing.set(name, { Name: name, ...definition });
  return {};
}

export const sesv2Handlers: Record<string, FakeHandler> = {
  GetConfigurationSet(aws, input) {
    destinations(aws, input.ConfigurationSetName);
    return { ConfigurationSetName: input.ConfigurationSetName };
  },
  CreateConfigurationSet(aws, input) {
    aws.configurationSets.set(String(input.ConfigurationSetName), new Map());
    return {};
  },
  GetConfigurationSetEventDestinations(aws, input) {
    return { EventDestinations: [...destinations(aws, input.ConfigurationSetName).values()] };
  },
  CreateConfigurationSetEventDestination: (aws, input) => putDestination(aws, input, false),
  UpdateConfigurationSetEventDestination: (aws, input) => putDestination(aws, input, true),
};

function rules(aws: FakeAws, name: unknown): ReceiptRule[] {
  const found = aws.ruleSets.get(String(name));
  if (found === undefined) {
    throw new RuleSetDoesNotExistException({ message: `Rule set does not exist: ${String(name)}`, ...meta });
  }
  return found;
}

/** SES checks a rule's topic and S3 bucket when the rule is saved (it writes a setup object). */
function checkRule(aws: FakeAws, rule: ReceiptRule): void {
  for (const action of rule.Actions ?? []) {
    const topic = action.S3Action?.TopicArn ?? action.SNSAction?.TopicArn;
    if (topic !== undefined && !aws.topics.includes(topic)) {
      throw new Error(`FakeAws: SNS topic ${topic} does not exist`);
    }
    const bucket = action.S3Action?.BucketName;
    if (bucket !== undefined && !(aws.buckets.get(bucket)?.policy ?? "").includes("ses.amazonaws.com")) {
      throw new InvalidS3ConfigurationException({
        message: `Could not write to bucket: ${bucket}`,
        Bucket: bucket,
        ...meta,
      });
    }
  }
}

export const sesHandlers: Record<string, FakeHandler> = {
  DescribeReceiptRuleSet(aws, input) {
    return { Metadata: { Name: input.RuleSetName }, Rules: structuredClone(rules(aws, input.RuleSetName)) };
  },
  CreateReceiptRuleSet(aws, input) {
    if (aws.ruleSets.has(String(input.RuleSetName))) {
      throw new AlreadyExistsException({ message: "Rule set already exists", ...meta });
    }
    aws.ruleSets.set(String(input.RuleSetName), []);
    return {};
  },
  DescribeActiveReceiptRuleSet(aws) {
    const active = aws.activeRuleSet;
    return active === undefined ? {} : { Metadata: { Name: active }, Rules: rules(aws, active) };
  },
  SetActiveReceiptRuleSet(aws, input) {
    rules(aws, input.RuleSetName);
    aws.activeRuleSet = String(input.RuleSetName);
    return {};
  },
  CreateReceiptRule(aws, input) {
    const existing = rules(aws, input.RuleSetName);
    const rule = input.Rule as ReceiptRule;
    if (existing.some((r) => r.Name === rule.Name)) {
      throw new AlreadyExistsException({ message: "Rule already exists", ...meta });
    }
    checkRule(aws, rule);
    // Without `After`, SES puts the new rule first.
    existing.unshift(rule);
    return {};
  },
  UpdateReceiptRule(aws, input) {
    const existing = rules(aws, input.RuleSetName);
    const rule = input.Rule as ReceiptRule;
    const at = existing.findIndex((r) => r.Name === rule.Name);
    if (at < 0) {
      throw new RuleDoesNotExistException({ message: "Rule does not exist", ...meta });
    }
    checkRule(aws, rule);
    existing[at] = rule;
    return {};
  },
};
