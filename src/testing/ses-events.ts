/**
 * `sesEvents`: one builder per SES notification a webhook can receive.
 *
 * @module
 */
import { receivedEvent } from "./ses-received-event";
import { sesTrackingEvents } from "./ses-tracking-events";

/**
 * Builders of the JSON SES publishes to SNS: every sending event type, in event-publishing
 * format (`eventType`, the default) or, for bounces, complaints and deliveries, identity
 * notification format (`format: "notification"`), and `Received` notifications of inbound mail
 * (SNS action in UTF8 or BASE64, or S3 action) from a raw MIME message. Defaults are realistic;
 * every field can be overridden. Pass the result to `postToWebhook`, or to
 * `sesEventToTrackingEvents` directly.
 *
 * @example
 * ```ts
 * import { sesEvents } from "mailroom-ses/testing";
 *
 * const bounce = sesEvents.bounce({ recipients: ["alice@example.com"], bounceType: "Permanent" });
 * const sameFromOutbox = sesEvents.bounce({ sent: backend.outbox[0], recipients: ["alice@example.com"] });
 * const complaint = sesEvents.complaint({ format: "notification", messageId: status.messageId });
 * const inbound = sesEvents.received({ raw: mimeBytes, encoding: "BASE64" });
 * ```
 */
export const sesEvents = {
  ...sesTrackingEvents,
  /** A `Received` notification of inbound mail, from the raw MIME message. */
  received: receivedEvent,
} as const;
