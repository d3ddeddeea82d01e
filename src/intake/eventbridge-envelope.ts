/**
 * The envelope Amazon EventBridge puts around an SES event published by a configuration set's
 * EventBridge event destination. PURE: no I/O. EventBridge does not sign events; what proves their
 * origin is the path they took (a Lambda target invoked by EventBridge, an SQS queue whose policy
 * lets only the rule send, an API destination that sends a secret header).
 *
 * Facts, from AWS's documentation:
 * - the envelope fields `version`, `id`, `detail-type`, `source`, `account`, `time`, `region`,
 *   `resources`, `detail` (EventBridge User Guide, "Amazon EventBridge events");
 * - `source` is `aws.ses`, and the detail-types of email sending events are the ten names in
 *   {@link SES_DETAIL_TYPES} (EventBridge Events Reference, "Amazon Simple Email Service events";
 *   SES Developer Guide, "Monitoring SES events using Amazon EventBridge");
 * - `detail` is the event-publishing record SES also publishes to SNS and Firehose (`eventType`,
 *   `mail`, and the type's own object).
 *
 * @module
 */
import { WebhookValidationError } from "../errors";

/**
 * The detail-type of each SES email sending event, and the SES `eventType` of its `detail`.
 *
 * @example
 * ```ts
 * import { SES_DETAIL_TYPES } from "mailroom-ses";
 * SES_DETAIL_TYPES["Email Bounced"]; // "Bounce"
 * ```
 */
export const SES_DETAIL_TYPES: Readonly<Record<string, string>> = Object.freeze({
  "Email Sent": "Send",
  "Email Delivered": "Delivery",
  "Email Bounced": "Bounce",
  "Email Complaint Received": "Complaint",
  "Email Rejected": "Reject",
  "Email Opened": "Open",
  "Email Clicked": "Click",
  "Email Rendering Failed": "Rendering Failure",
  "Email Delivery Delayed": "DeliveryDelay",
  "Email Subscribed": "Subscription",
});

/**
 * An EventBridge event as it arrives (Lambda target, SQS target body, API destination body).
 *
 * @example
 * ```ts
 * import type { EventBridgeEvent } from "mailroom-ses";
 * declare const sesEvent: Record<string, unknown>;
 * const event: EventBridgeEvent = {
 *   version: "0", id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718", "detail-type": "Email Bounced",
 *   source: "aws.ses", account: "123456789012", time: "2026-12-05T10:00:00Z", region: "eu-west-1",
 *   resources: [], detail: sesEvent,
 * };
 * ```
 */
export interface EventBridgeEvent {
  /** Always `"0"` today. */
  version: string;
  /** Unique per event: the deduplication id of this route. */
  id: string;
  /** What happened, e.g. `"Email Delivered"`. */
  "detail-type": string;
  /** `"aws.ses"` for SES events. */
  source: string;
  /** The AWS account that published the event. */
  account: string;
  /** When the event was published (ISO 8601). */
  time: string;
  /** The region of the account that published it. */
  region: string;
  /** ARNs the event concerns (SES leaves this empty for email events). */
  resources: string[];
  /** The SES event-publishing record. */
  detail: Record<string, unknown>;
}

/**
 * What {@link parseEventBridgeEvent} found: an SES email event (with its SES object, its type
 * filled in from the detail-type when `detail` lacks it), or another `aws.ses` event that is
 * not about an email (Sending Status Disabled, Advisor Recommendation…), to acknowledge unhandled.
 *
 * @example
 * ```ts
 * import { parseEventBridgeEvent } from "mailroom-ses";
 * declare const body: unknown;
 * const parsed = parseEventBridgeEvent(body);
 * if (parsed.kind === "email") console.log(parsed.id, parsed.sesEvent.eventType);
 * ```
 */
export type ParsedEventBridgeEvent =
  | {
      /** An SES email sending event. */
      kind: "email";
      /** The EventBridge event id. */
      id: string;
      /** The EventBridge event time. */
      time: string;
      /** The detail-type. */
      detailType: string;
      /** `detail`, with `eventType` set. */
      sesEvent: Record<string, unknown>;
    }
  | {
      /** An `aws.ses` event about something else than one email. */
      kind: "other";
      /** The EventBridge event id. */
      id: string;
      /** The detail-type. */
      detailType: string;
    };

const REQUIRED_STRINGS = ["version", "id", "detail-type", "source", "account", "time", "region"] as const;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * True when `value` has the shape of an EventBridge event (an `id`, a `detail-type` and a
 * `detail` object): what tells it from an SNS envelope or a bare SES event in an SQS body.
 *
 * @example
 * ```ts
 * import { isEventBridgeEvent } from "mailroom-ses";
 * isEventBridgeEvent({ id: "x", "detail-type": "Email Sent", source: "aws.ses", detail: {} }); // true
 * ```
 */
export function isEventBridgeEvent(value: unknown): boolean {
  return isRecord(value) && typeof value["detail-type"] === "string" && isRecord(value.detail);
}

/**
 * Check an EventBridge event from SES and return its SES record.
 *
 * Checks: every envelope field has its documented type; `source` is `aws.ses`; for an email
 * detail-type, `detail.eventType` (when present) agrees with it. Events of `aws.ses` that are not
 * about an email come back as `kind: "other"`.
 *
 * @throws WebhookValidationError (400) for anything malformed, or an event not from `aws.ses`.
 * @example
 * ```ts
 * import { parseEventBridgeEvent } from "mailroom-ses";
 * declare const request: Request;
 * const parsed = parseEventBridgeEvent(JSON.parse(await request.text()));
 * ```
 */
export function parseEventBridgeEvent(value: unknown): ParsedEventBridgeEvent {
  if (!isRecord(value)) {
    throw new WebhookValidationError("The EventBridge event is not a JSON object");
  }
  for (const field of REQUIRED_STRINGS) {
    if (typeof value[field] !== "string" || value[field] === "") {
      throw new WebhookValidationError(`The EventBridge event has no "${field}" string`);
    }
  }
  if (value.resources !== undefined && !Array.isArray(value.resources)) {
    throw new WebhookValidationError('The EventBridge event\'s "resources" is not an array');
  }
  if (value.source !== "aws.ses") {
    throw new WebhookValidationError(
      `The EventBridge event's source is '${String(value.source)}', not 'aws.ses': check the rule's event pattern`,
    );
  }
  const id = value.id as string;
  const detailType = value["detail-type"] as string;
  const sesType = SES_DETAIL_TYPES[detailType];
  if (sesType === undefined) {
    return { kind: "other", id, detailType };
  }
  if (!isRecord(value.detail)) {
    throw new WebhookValidationError(`The EventBridge event '${detailType}' has no "detail" object`);
  }
  const detail = value.detail;
  const declared = detail.eventType;
  if (declared !== undefined && declared !== sesType) {
    throw new WebhookValidationError(
      `The EventBridge event's detail-type '${detailType}' does not match its detail.eventType '${String(declared)}'`,
    );
  }
  const sesEvent = declared === undefined ? { eventType: sesType, ...detail } : detail;
  return { kind: "email", id, time: value.time as string, detailType, sesEvent };
}
