/**
 * A stateful, in-memory fake of the AWS APIs the setup commands call (SNS, SESv2, SES v1
 * receipt rules, S3 buckets and policies). There is no SNS emulator, so the CLI's setup commands
 * are tested against this: it receives the real SDK command objects, records every call, keeps
 * state between runs (so idempotency can be tested by running a command twice), and answers the
 * way AWS does, with the SDK's own exception classes. The per-service behaviour lives in
 * fake-aws-sns.ts, fake-aws-ses.ts, fake-aws-sesv2.ts (suppression list, GetAccount, contact lists)
 * and fake-aws-s3.ts.
 */
import type { ReceiptRule } from "@aws-sdk/client-ses";
import type { EventDestination } from "@aws-sdk/client-sesv2";

import type { AwsClientLike, AwsService } from "../../src/cli/deps";
import { s3Handlers } from "./fake-aws-s3";
import { sesHandlers, sesv2Handlers } from "./fake-aws-ses";
import { sesv2ReputationHandlers } from "./fake-aws-sesv2";
import { snsHandlers } from "./fake-aws-sns";
import { eventBridgeHandlers, sqsHandlers, type FakeQueue, type FakeRule } from "./fake-aws-sqs";

export interface RecordedCall {
  service: AwsService;
  operation: string;
  input: Record<string, unknown>;
}

/** One fake API operation: the fake's state and the command input → the command output. */
export type FakeHandler = (aws: FakeAws, input: Record<string, unknown>) => unknown;

/** Operations that change something; a dry run must call none of them. */
export const WRITE_OPERATIONS = new Set([
  "CreateTopic",
  "Subscribe",
  "SetSubscriptionAttributes",
  "CreateConfigurationSet",
  "CreateConfigurationSetEventDestination",
  "UpdateConfigurationSetEventDestination",
  "CreateReceiptRuleSet",
  "CreateReceiptRule",
  "UpdateReceiptRule",
  "SetActiveReceiptRuleSet",
  "CreateBucket",
  "PutBucketPolicy",
  "PutSuppressedDestination",
  "DeleteSuppressedDestination",
  "CreateImportJob",
  "CreateQueue",
  "SetQueueAttributes",
  "PutRule",
  "PutTargets",
]);

export interface FakeSubscription {
  arn: string;
  topicArn: string;
  protocol: string;
  /** The endpoint as subscribed (with the real password). */
  endpoint: string;
  confirmed: boolean;
  attributes: Record<string, string>;
}

const HANDLERS: Record<AwsService, Record<string, FakeHandler>> = {
  sns: snsHandlers,
  sesv2: { ...sesv2Handlers, ...sesv2ReputationHandlers },
  ses: sesHandlers,
  s3: s3Handlers,
  sqs: sqsHandlers,
  eventbridge: eventBridgeHandlers,
};

export class FakeAws {
  readonly region = "eu-west-1";
  readonly accountId = "123456789012";
  readonly calls: RecordedCall[] = [];
  /** Items per page of list APIs: small, so paging is exercised. */
  pageSize = 2;
  readonly topics: string[] = [];
  readonly subscriptions: FakeSubscription[] = [];
  readonly configurationSets = new Map<string, Map<string, EventDestination>>();
  readonly ruleSets = new Map<string, ReceiptRule[]>();
  activeRuleSet: string | undefined;
  readonly buckets = new Map<string, { region: string | undefined; policy: string | undefined }>();
  readonly queues = new Map<string, FakeQueue>();
  readonly rules = new Map<string, FakeRule>();
  /** operation → error to throw instead of answering. */
  readonly failures = new Map<string, Error>();
  private counter = 0;

  clients(): Record<AwsService, AwsClientLike> {
    const client = (service: AwsService): AwsClientLike => ({
      send: async (command: object) => this.handle(service, command),
    });
    return {
      sns: client("sns"),
      sesv2: client("sesv2"),
      ses: client("ses"),
      s3: client("s3"),
      sqs: client("sqs"),
      eventbridge: client("eventbridge"),
    };
  }

  writes(): RecordedCall[] {
    return this.calls.filter((call) => WRITE_OPERATIONS.has(call.operation));
  }

  topicArn(name: string): string {
    return `arn:aws:sns:${this.region}:${this.accountId}:${name}`;
  }

  /** What the webhook does when SNS's confirmation request arrives. */
  confirmAll(): void {
    for (const subscription of this.subscriptions) {
      subscription.confirmed = true;
    }
  }

  nextId(): number {
    this.counter += 1;
    return this.counter;
  }

  /** One page of a NextToken-paged list. */
  page<T>(items: T[], token: unknown): { items: T[]; next: string | undefined } {
    const start = typeof token === "string" ? Number(token) : 0;
    const end = start + this.pageSize;
    return { items: items.slice(start, end), next: end < items.length ? String(end) : undefined };
  }

  private async handle(service: AwsService, command: object): Promise<unknown> {
    // The SDK's command classes are named after the operation: ListTopicsCommand → ListTopics.
    const operation = command.constructor.name.replace(/Command$/, "");
    const input = structuredClone((command as { input: Record<string, unknown> }).input);
    this.calls.push({ service, operation, input });
    const failure = this.failures.get(operation);
    if (failure !== undefined) {
      throw failure;
    }
    const handler = HANDLERS[service][operation];
    if (handler === undefined) {
      throw new Error(`FakeAws: ${service} ${operation} is not implemented`);
    }
    return handler(this, input);
  }
}
