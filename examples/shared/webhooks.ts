/**
 * The two webhooks every example mounts, configured from the environment. Production settings:
 * signature verification on (AWS's own certificates), the basic-auth secret from
 * MAILROOM_WEBHOOK_SECRET. Tests pass `overrides` (a test signer's certificate fetcher, a
 * recording callback).
 */
import type { InboundEvent, TrackingEvent } from "../../src/index";
import { amazonSesInboundWebhook, amazonSesTrackingWebhook } from "../../src/ses/index";
import type { SnsWebhookOptions } from "../../src/webhook/types";

export interface ExampleWebhookOverrides extends Partial<SnsWebhookOptions> {
  onEvent?: (event: TrackingEvent) => unknown;
  onMessage?: (event: InboundEvent) => unknown;
}

export function createWebhooks(overrides: ExampleWebhookOverrides = {}) {
  const { onEvent, onMessage, ...options } = overrides;
  const common: SnsWebhookOptions = { secret: process.env.MAILROOM_WEBHOOK_SECRET, ...options };
  return {
    tracking: amazonSesTrackingWebhook({
      ...common,
      onEvent:
        onEvent ??
        ((event) => console.log(`[tracking] ${event.eventType} ${event.recipient} ${event.messageId}`)),
    }),
    inbound: amazonSesInboundWebhook({
      ...common,
      onMessage:
        onMessage ??
        ((event) => console.log(`[inbound] ${event.message.from?.addrSpec}: ${event.message.subject}`)),
    }),
  };
}
