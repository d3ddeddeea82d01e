/**
 * SESv2 for `setup tracking`: the configuration set and its SNS event destination.
 *
 * @module
 */
import type {
  EventDestination,
  GetConfigurationSetEventDestinationsCommandOutput,
} from "@aws-sdk/client-sesv2";

import { UsageError } from "../cli-error";
import type { AwsClientLike } from "../deps";
import { call, isAwsError } from "./aws-call";
import type { SetupContext } from "./plan";

/**
 * The SES event-destination event types (API names), in the order SES documents them.
 *
 * @example
 * ```ts
 * SES_EVENT_TYPES.includes("BOUNCE"); // true
 * ```
 */
export const SES_EVENT_TYPES = [
  "SEND",
  "REJECT",
  "BOUNCE",
  "COMPLAINT",
  "DELIVERY",
  "OPEN",
  "CLICK",
  "RENDERING_FAILURE",
  "DELIVERY_DELAY",
  "SUBSCRIPTION",
] as const;

/**
 * One SES event-destination event type.
 *
 * @example
 * ```ts
 * const type: SesEventTypeName = "BOUNCE";
 * ```
 */
export type SesEventTypeName = (typeof SES_EVENT_TYPES)[number];

/**
 * Parse `--events` (comma-separated, any case, `-` or space for `_`); default every type.
 *
 * @example
 * ```ts
 * parseEventTypes("bounce,complaint,delivery-delay"); // ["BOUNCE", "COMPLAINT", "DELIVERY_DELAY"]
 * ```
 */
export function parseEventTypes(text: string | undefined): SesEventTypeName[] {
  if (text === undefined) {
    return [...SES_EVENT_TYPES];
  }
  const wanted = new Set<SesEventTypeName>();
  for (const raw of text.split(",")) {
    const name = raw.trim().toUpperCase().replace(/[- ]/g, "_");
    const found = SES_EVENT_TYPES.find((type) => type === name);
    if (found === undefined) {
      throw new UsageError(
        `--events: unknown event type '${raw.trim()}' (known: ${SES_EVENT_TYPES.join(", ")})`,
      );
    }
    wanted.add(found);
  }
  // SES's order, so that the plan compares and prints the same whatever order was typed.
  return SES_EVENT_TYPES.filter((type) => wanted.has(type));
}

/**
 * Find or create the configuration set. Returns false only in a dry run when it is missing.
 *
 * @example
 * ```ts
 * const exists = await ensureConfigurationSet(context, sesv2, "Tracking");
 * ```
 */
export async function ensureConfigurationSet(
  context: SetupContext,
  sesv2: AwsClientLike,
  name: string,
): Promise<boolean> {
  const sdk = await import("@aws-sdk/client-sesv2");
  context.checking(`configuration set ${name}`);
  try {
    await sesv2.send(new sdk.GetConfigurationSetCommand({ ConfigurationSetName: name }));
    await context.apply({ resource: "Configuration set", name, status: "exists" });
    return true;
  } catch (err) {
    if (!isAwsError(err, "NotFoundException")) {
      throw err;
    }
  }
  await context.apply({ resource: "Configuration set", name, status: "create" }, async () => {
    await sesv2.send(new sdk.CreateConfigurationSetCommand({ ConfigurationSetName: name }));
  });
  return !context.dryRun;
}

/**
 * What the event destination should be.
 *
 * @example
 * ```ts
 * const wanted: EventDestinationSpec = { configurationSetName: "Tracking", name: "mailroom-sns",
 *   topicArn, events: ["BOUNCE"], configurationSetExists: true };
 * ```
 */
export interface EventDestinationSpec {
  configurationSetName: string;
  name: string;
  /** The SNS topic the events go to (an SNS destination)… */
  topicArn: string;
  /** …or, when set, the EventBridge bus instead (an EventBridge destination; `topicArn` unused). */
  eventBusArn?: string | undefined;
  events: readonly SesEventTypeName[];
  /** False in a dry run that would create the configuration set: there is nothing to read yet. */
  configurationSetExists: boolean;
}

/** Why an existing destination differs from the wanted one; empty when it does not. */
function differences(existing: EventDestination, wanted: EventDestinationSpec): string[] {
  const found: string[] = [];
  if (existing.Enabled !== true) {
    found.push("it is disabled");
  }
  const have = new Set(existing.MatchingEventTypes ?? []);
  const added = wanted.events.filter((type) => !have.has(type));
  const removed = [...have].filter((type) => !wanted.events.includes(type as SesEventTypeName));
  if (added.length > 0 || removed.length > 0) {
    const parts = [...added.map((t) => `+${t}`), ...removed.map((t) => `-${t}`)];
    found.push(`events ${parts.join(" ")}`);
  }
  if (wanted.eventBusArn !== undefined) {
    const bus = existing.EventBridgeDestination?.EventBusArn;
    if (bus !== wanted.eventBusArn) {
      found.push(bus === undefined ? "it is not an EventBridge destination" : `it publishes to ${bus}`);
    }
    return found;
  }
  const topic = existing.SnsDestination?.TopicArn;
  if (topic !== wanted.topicArn) {
    found.push(topic === undefined ? "it is not an SNS destination" : `it publishes to ${topic}`);
  }
  return found;
}

/**
 * Find the event destination by name and create it, or update it when its settings differ.
 *
 * @example
 * ```ts
 * await ensureEventDestination(context, sesv2, wanted);
 * ```
 */
export async function ensureEventDestination(
  context: SetupContext,
  sesv2: AwsClientLike,
  wanted: EventDestinationSpec,
): Promise<void> {
  const sdk = await import("@aws-sdk/client-sesv2");
  const name = `${wanted.configurationSetName}/${wanted.name}`;
  const resource = "Event destination";
  const bus = wanted.eventBusArn;
  const definition = {
    Enabled: true,
    MatchingEventTypes: [...wanted.events],
    ...(bus === undefined
      ? { SnsDestination: { TopicArn: wanted.topicArn } }
      : { EventBridgeDestination: { EventBusArn: bus } }),
  };
  const detail = `${bus === undefined ? `SNS ${wanted.topicArn}` : `EventBridge ${bus}`}: ${wanted.events.join(", ")}`;
  let existing: EventDestination | undefined;
  if (wanted.configurationSetExists) {
    context.checking(`event destinations of ${wanted.configurationSetName}`);
    const out = await call<GetConfigurationSetEventDestinationsCommandOutput>(
      sesv2,
      new sdk.GetConfigurationSetEventDestinationsCommand({
        ConfigurationSetName: wanted.configurationSetName,
      }),
    );
    existing = (out.EventDestinations ?? []).find((d) => d.Name === wanted.name);
  }
  const input = {
    ConfigurationSetName: wanted.configurationSetName,
    EventDestinationName: wanted.name,
    EventDestination: definition,
  };
  if (existing === undefined) {
    await context.apply({ resource, name, status: "create", detail }, async () => {
      await sesv2.send(new sdk.CreateConfigurationSetEventDestinationCommand(input));
    });
    return;
  }
  const changes = differences(existing, wanted);
  if (changes.length === 0) {
    await context.apply({ resource, name, status: "exists", detail });
    return;
  }
  await context.apply(
    { resource, name, status: "update", detail: `${changes.join("; ")} → ${detail}` },
    async () => {
      await sesv2.send(new sdk.UpdateConfigurationSetEventDestinationCommand(input));
    },
  );
}
