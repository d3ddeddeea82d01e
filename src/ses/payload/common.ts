import type { ConfigurationOverrides, MessageTag } from "@aws-sdk/client-sesv2";

import type { SendContext } from "../../backend";
import type { NormalizedMessage } from "../../message/types";
import type { SesPayloadOptions } from "../options";

/**
 * The SES message tag for a message's single tag, when `messageTagName` is configured.
 *
 * @example
 * ```ts
 * sesMessageTags(message, { messageTagName: "Campaign" }, ctx); // [{ Name: "Campaign", Value: "Welcome" }]
 * ```
 */
export function sesMessageTags(
  message: NormalizedMessage,
  options: SesPayloadOptions,
  context: SendContext,
): MessageTag[] | undefined {
  if (options.messageTagName === undefined || message.tags.length === 0) {
    return undefined;
  }
  if (message.tags.length > 1) {
    context.unsupported("multiple tags with the messageTagName option");
  }
  return [{ Name: options.messageTagName, Value: message.tags[0] }];
}

/**
 * SESv2 per-message tracking overrides for `trackOpens` / `trackClicks` (Anymail cannot do this;
 * SESv2 `ConfigurationOverrides.Tracking` can). They only take effect with a configuration set.
 *
 * @example
 * ```ts
 * trackingOverrides({ ...message, trackClicks: false }); // { Tracking: { ClickTrackingEnabled: "DISABLED" } }
 * ```
 */
export function trackingOverrides(message: NormalizedMessage): ConfigurationOverrides | undefined {
  const { trackOpens, trackClicks } = message;
  if (trackOpens === undefined && trackClicks === undefined) {
    return undefined;
  }
  const state = (on: boolean) => (on ? "ENABLED" : "DISABLED");
  return {
    Tracking: {
      ...(trackOpens === undefined ? {} : { OpenTrackingEnabled: state(trackOpens) }),
      ...(trackClicks === undefined ? {} : { ClickTrackingEnabled: state(trackClicks) }),
    },
  };
}

/**
 * Report `sendAt`, which SES cannot schedule (a queue can: see mailroom-ses/queue).
 *
 * @example
 * ```ts
 * checkSendAt(message, ctx); // throws UnsupportedFeatureError when message.sendAt is set
 * ```
 */
export function checkSendAt(message: NormalizedMessage, context: SendContext): void {
  if (message.sendAt !== undefined) {
    context.unsupported("sendAt (SES sends immediately; schedule with a queue instead)");
  }
}
