/**
 * SNS for the setup commands: find or create the topic, and find or create the HTTPS
 * subscription whose URL carries the webhook secret (SNS sends it as basic auth after the
 * webhook's 401 challenge) and the retry policy SNS uses to deliver to it.
 *
 * @module
 */
import type {
  GetSubscriptionAttributesCommandOutput,
  ListSubscriptionsByTopicCommandOutput,
  ListTopicsCommandOutput,
  CreateTopicCommandOutput,
  Subscription,
} from "@aws-sdk/client-sns";

import type { AwsClientLike } from "../deps";
import { maskUrl } from "../secret";
import { allPages, call } from "./aws-call";
import {
  deliveryPolicyAttribute,
  describePolicy,
  hasDeliveryPolicy,
  type SnsDeliveryPolicy,
} from "./delivery-policy";
import type { SetupContext } from "./plan";

/**
 * What {@link ensureTopic} found.
 *
 * @example
 * ```ts
 * const { arn, anyArn } = await ensureTopic(context, sns, "ses-tracking");
 * ```
 */
export interface TopicLookup {
  /** The topic's ARN; undefined only in a dry run when the topic does not exist yet. */
  arn: string | undefined;
  /** Some topic ARN of the account and region, to fill in account and region in a dry run. */
  anyArn: string | undefined;
}

/**
 * Find the topic by name (ListTopics), or create it.
 *
 * @example
 * ```ts
 * const { arn } = await ensureTopic(context, sns, "ses-tracking");
 * ```
 */
export async function ensureTopic(
  context: SetupContext,
  sns: AwsClientLike,
  name: string,
): Promise<TopicLookup> {
  const sdk = await import("@aws-sdk/client-sns");
  context.checking(`SNS topic ${name}`);
  // ListTopics rather than CreateTopic (which is idempotent): a dry run may only read, and the
  // plan must tell "exists" from "created".
  const arns = await allPages(async (token) => {
    const out = await call<ListTopicsCommandOutput>(sns, new sdk.ListTopicsCommand({ NextToken: token }));
    return {
      items: (out.Topics ?? []).flatMap((t) => (t.TopicArn === undefined ? [] : [t.TopicArn])),
      next: out.NextToken,
    };
  });
  const existing = arns.find((arn) => arn.split(":")[5] === name);
  if (existing !== undefined) {
    await context.apply({ resource: "SNS topic", name, status: "exists", detail: existing });
    return { arn: existing, anyArn: existing };
  }
  const created = await context.apply({ resource: "SNS topic", name, status: "create" }, async () => {
    const out = await call<CreateTopicCommandOutput>(sns, new sdk.CreateTopicCommand({ Name: name }));
    return out.TopicArn;
  });
  return { arn: created, anyArn: created ?? arns[0] };
}

/** How a listed endpoint compares with the wanted one. */
type EndpointMatch = "same" | "masked" | "other-credentials" | "different";

function compareEndpoint(listed: string | undefined, wanted: URL): EndpointMatch {
  let url: URL;
  try {
    url = new URL(listed ?? "");
  } catch {
    return "different";
  }
  const bare = (u: URL): string => `${u.protocol}//${u.host}${u.pathname}${u.search}`;
  if (bare(url) !== bare(wanted)) {
    return "different";
  }
  if (url.username !== wanted.username) {
    return "other-credentials";
  }
  if (url.password === wanted.password) {
    return "same";
  }
  // SNS lists HTTP(S) endpoints with the password masked, so it cannot be compared.
  return url.password === "****" && wanted.password !== "" ? "masked" : "other-credentials";
}

/**
 * Options of {@link ensureSubscription}.
 *
 * @example
 * ```ts
 * const options: SubscriptionOptions = { endpoint, resubscribe: false, deliveryPolicy: DEFAULT_DELIVERY_POLICY };
 * ```
 */
export interface SubscriptionOptions {
  /** The endpoint URL, with the secret as userinfo when there is one. */
  endpoint: URL;
  /** Ask SNS to send the confirmation request again for a pending subscription. */
  resubscribe: boolean;
  /** The retry policy SNS must use for this subscription. */
  deliveryPolicy: SnsDeliveryPolicy;
}

/**
 * Find the subscription of `endpoint` to the topic, or subscribe it. A pending subscription is
 * fine: the webhook confirms it when SNS's confirmation request arrives. A confirmed one with raw
 * message delivery on is switched off (raw delivery strips the signed envelope), and its delivery
 * policy set to `options.deliveryPolicy` when it differs.
 *
 * @example
 * ```ts
 * await ensureSubscription(context, sns, topicArn, { endpoint, resubscribe: false, deliveryPolicy });
 * ```
 */
export async function ensureSubscription(
  context: SetupContext,
  sns: AwsClientLike,
  topicArn: string | undefined,
  options: SubscriptionOptions,
): Promise<void> {
  const sdk = await import("@aws-sdk/client-sns");
  const { endpoint } = options;
  const name = maskUrl(endpoint);
  const resource = "SNS subscription";
  const protocol = endpoint.protocol.replace(":", "");
  // The policy goes with a new subscription (a pending one has no ARN to set attributes on), but
  // not with a repeated Subscribe: SNS refuses one whose attributes differ from the existing one's.
  const subscribe = async (withPolicy: boolean): Promise<void> => {
    await sns.send(
      new sdk.SubscribeCommand({
        TopicArn: topicArn,
        Protocol: protocol,
        Endpoint: endpoint.href,
        ReturnSubscriptionArn: true,
        ...(withPolicy
          ? { Attributes: { DeliveryPolicy: deliveryPolicyAttribute(options.deliveryPolicy) } }
          : {}),
      }),
    );
  };
  const policyNote = `delivery policy: ${describePolicy(options.deliveryPolicy)}`;
  const pendingNote = `pending until the webhook answers SNS's confirmation request (deploy it with this secret first); ${policyNote}`;
  if (topicArn === undefined) {
    await context.apply({ resource, name, status: "create", detail: pendingNote });
    return;
  }
  context.checking(`subscriptions of ${topicArn}`);
  const subscriptions = await listTopicSubscriptions(sns, topicArn);
  const sameProtocol = subscriptions.filter((s) => s.Protocol === protocol);
  const matches = sameProtocol.filter((s) =>
    ["same", "masked"].includes(compareEndpoint(s.Endpoint, endpoint)),
  );
  const others = sameProtocol.filter((s) => compareEndpoint(s.Endpoint, endpoint) === "other-credentials");
  const othersNote =
    others.length === 0
      ? ""
      : `; ${others.length} other subscription(s) to this URL with other credentials exist: delete them if stale`;
  // A confirmed match beats a pending one.
  const match = matches.find((s) => s.SubscriptionArn !== "PendingConfirmation") ?? matches[0];
  if (match === undefined) {
    await context.apply({ resource, name, status: "create", detail: pendingNote + othersNote }, () =>
      subscribe(true),
    );
    return;
  }
  const masked =
    compareEndpoint(match.Endpoint, endpoint) === "masked"
      ? "; SNS shows the password masked: if you changed the secret, delete this subscription and run again"
      : "";
  if (match.SubscriptionArn === "PendingConfirmation" || match.SubscriptionArn === undefined) {
    if (options.resubscribe) {
      const detail = "pending confirmation: SNS sends the confirmation request again";
      await context.apply({ resource, name, status: "update", detail }, () => subscribe(false));
      return;
    }
    const detail = `pending confirmation (the webhook confirms it on SNS's request; --resubscribe asks SNS to send it again); run this again once it is confirmed to check its delivery policy${masked}${othersNote}`;
    await context.apply({ resource, name, status: "exists", detail });
    return;
  }
  const subscriptionArn = match.SubscriptionArn;
  const attributes = await call<GetSubscriptionAttributesCommandOutput>(
    sns,
    new sdk.GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn }),
  );
  const changes: { reason: string; attribute: string; value: string }[] = [];
  if (attributes.Attributes?.RawMessageDelivery === "true") {
    changes.push({
      reason: "raw message delivery is on: turning it off (the webhook needs the signed SNS envelope)",
      attribute: "RawMessageDelivery",
      value: "false",
    });
  }
  if (!hasDeliveryPolicy(attributes.Attributes?.DeliveryPolicy, options.deliveryPolicy)) {
    changes.push({
      reason: `setting the ${policyNote}`,
      attribute: "DeliveryPolicy",
      value: deliveryPolicyAttribute(options.deliveryPolicy),
    });
  }
  if (changes.length > 0) {
    const detail = changes.map((change) => change.reason).join("; ");
    await context.apply({ resource, name, status: "update", detail }, async () => {
      for (const change of changes) {
        await sns.send(
          new sdk.SetSubscriptionAttributesCommand({
            SubscriptionArn: subscriptionArn,
            AttributeName: change.attribute,
            AttributeValue: change.value,
          }),
        );
      }
    });
    return;
  }
  await context.apply({
    resource,
    name,
    status: "exists",
    detail: `confirmed; ${policyNote}${masked}${othersNote}`,
  });
}

/**
 * Every subscription of a topic, all pages (SNS lists 100 at a time).
 *
 * @example
 * ```ts
 * const subscriptions = await listTopicSubscriptions(sns, "arn:aws:sns:us-east-1:123456789012:ses-events");
 * ```
 */
export async function listTopicSubscriptions(sns: AwsClientLike, topicArn: string): Promise<Subscription[]> {
  const sdk = await import("@aws-sdk/client-sns");
  return allPages<Subscription>(async (token) => {
    const out = await call<ListSubscriptionsByTopicCommandOutput>(
      sns,
      new sdk.ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken: token }),
    );
    return { items: out.Subscriptions ?? [], next: out.NextToken };
  });
}
