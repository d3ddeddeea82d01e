/**
 * Judge an SES `Subscription` event (a recipient changed their list-management preferences) as
 * `unsubscribed` or `subscribed`.
 *
 * @module
 */
import { EventType } from "../../events";
import { isRecord, optionalRecord, optionalString, requireRecord, type JsonRecord } from "./tracking-guards";

/**
 * The verdict on one `Subscription` event.
 *
 * @example
 * ```ts
 * const change: SubscriptionChange = { eventType: "unsubscribed", description: "Unsubscribed from all topics of contact list 'Customers'" };
 * ```
 */
export interface SubscriptionChange {
  eventType: typeof EventType.unsubscribed | typeof EventType.subscribed;
  description: string;
}

type TopicStatus = readonly [topic: string, status: string];

function topicStatuses(preferences: JsonRecord): TopicStatus[] {
  const list = Array.isArray(preferences.topicSubscriptionStatus) ? preferences.topicSubscriptionStatus : [];
  return list.flatMap((item): TopicStatus[] =>
    isRecord(item) && typeof item.topicName === "string" && typeof item.subscriptionStatus === "string"
      ? [[item.topicName, item.subscriptionStatus]]
      : [],
  );
}

function verdict(statuses: readonly TopicStatus[], where: string): SubscriptionChange | undefined {
  const topics = (status: string): string | undefined => {
    const names = statuses.filter(([, s]) => s === status).map(([topic]) => `'${topic}'`);
    return names.length === 0 ? undefined : `${names.length === 1 ? "topic" : "topics"} ${names.join(", ")}`;
  };
  const out = topics("OptOut");
  if (out) {
    return { eventType: EventType.unsubscribed, description: `Opted out of ${out} of ${where}` };
  }
  const into = topics("OptIn");
  if (into) {
    return { eventType: EventType.subscribed, description: `Opted in to ${into} of ${where}` };
  }
  return undefined;
}

/**
 * Decide what a `subscription` object means, from `newTopicPreferences` (compared with
 * `oldTopicPreferences` when SES sends them):
 * 1. `unsubscribeAll: true` → `unsubscribed` from the whole contact list;
 * 2. a topic whose status changed → `unsubscribed` if any changed to `OptOut`, else `subscribed`
 *    if any changed to `OptIn`;
 * 3. `unsubscribeAll` went from true to false → `subscribed` (resubscribed to the list);
 * 4. without a visible change, the topics' current statuses decide the same way as in 2;
 * 5. otherwise `subscribed`: the contact is not unsubscribed from anything.
 * The description names the contact list and the topics.
 *
 * @param sesType - the SES event type, for error messages
 * @throws WebhookValidationError without `newTopicPreferences`
 * @example
 * ```ts
 * describeSubscription(
 *   { contactList: "Customers", newTopicPreferences: { unsubscribeAll: true } },
 *   "Subscription",
 * ); // { eventType: "unsubscribed", description: "Unsubscribed from all topics of contact list 'Customers'" }
 * ```
 */
export function describeSubscription(subscription: JsonRecord, sesType: string): SubscriptionChange {
  const t = sesType;
  const list = optionalString(subscription.contactList, t, "subscription.contactList");
  const next = requireRecord(subscription.newTopicPreferences, t, "subscription.newTopicPreferences");
  const previous = optionalRecord(subscription.oldTopicPreferences, t, "subscription.oldTopicPreferences");
  const where = list === undefined ? "the contact list" : `contact list '${list}'`;

  if (next.unsubscribeAll === true) {
    return { eventType: EventType.unsubscribed, description: `Unsubscribed from all topics of ${where}` };
  }
  const now = topicStatuses(next);
  const before = new Map(topicStatuses(previous));
  const changed = now.filter(([topic, status]) => before.get(topic) !== status);
  const fromChange = verdict(changed, where);
  if (fromChange) {
    return fromChange;
  }
  if (previous.unsubscribeAll === true) {
    return { eventType: EventType.subscribed, description: `Resubscribed to ${where}` };
  }
  return (
    verdict(now, where) ?? {
      eventType: EventType.subscribed,
      description: `Subscription preferences changed for ${where}`,
    }
  );
}
