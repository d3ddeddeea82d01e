/**
 * Small sample SES notifications for `mailroom verify-webhook`: one of every sending event type
 * and a few receipt notifications, built by the public test kit's `sesEvents` (the same builders
 * users test their own webhooks with).
 *
 * @module
 */
import { sesEvents } from "../../testing/ses-events";

/**
 * One sample: a label for the report, and the SNS `Message` (an object is JSON-encoded, as SES
 * does; a string is sent as is).
 *
 * @example
 * ```ts
 * const sample: Sample = { label: "Send", message: sesEvents.send() };
 * ```
 */
export interface Sample {
  /** How the report names the sample (the SES type, or what the notification is). */
  label: string;
  /** The SNS `Message`: an object is JSON-encoded, a string sent as is. */
  message: string | object;
}

const RECIPIENT = "recipient@example.com";
const TIMESTAMP = "2024-01-01T12:00:00.000Z";

/** What every sample says about the message it is about: easy to recognize in the application. */
function about(key: string) {
  return {
    messageId: `mailroom-verify-${key}`,
    destination: [RECIPIENT],
    subject: "Mailroom verify-webhook sample",
    tags: ["mailroom-verify"],
    metadata: { sample: true },
    configurationSetName: "Tracking",
    timestamp: TIMESTAMP,
  };
}

/**
 * One sample of each of the ten SES sending event types (built by the test kit's `sesEvents`, the
 * shapes of the SES developer guide's examples), plus the plain-text message SES publishes when
 * an event destination is created.
 *
 * @example
 * ```ts
 * for (const sample of TRACKING_SAMPLES) post(sample.message);
 * ```
 */
export const TRACKING_SAMPLES: readonly Sample[] = [
  { label: "Send", message: sesEvents.send(about("send")) },
  { label: "Reject", message: sesEvents.reject(about("reject")) },
  { label: "Bounce", message: sesEvents.bounce(about("bounce")) },
  { label: "Complaint", message: sesEvents.complaint(about("complaint")) },
  { label: "Delivery", message: sesEvents.delivery(about("delivery")) },
  { label: "Open", message: sesEvents.open(about("open")) },
  { label: "Click", message: sesEvents.click({ ...about("click"), link: "https://example.com/welcome" }) },
  {
    label: "Rendering Failure",
    message: sesEvents.renderingFailure({ ...about("failure"), templateName: "Welcome" }),
  },
  { label: "DeliveryDelay", message: sesEvents.deliveryDelay(about("deliveryDelay")) },
  { label: "Subscription", message: sesEvents.subscription(about("subscription")) },
  { label: "setup message", message: "Successfully validated SNS topic for Amazon SES event publishing." },
];

const RAW_MIME = [
  "From: Sender <sender@example.com>",
  "To: support@example.com",
  "Subject: Mailroom verify-webhook sample",
  "Message-ID: <mailroom-verify@example.com>",
  "Date: Mon, 01 Jan 2024 12:00:00 +0000",
  "MIME-Version: 1.0",
  "Content-Type: text/plain; charset=UTF-8",
  "",
  "Hello from mailroom verify-webhook.",
  "",
].join("\r\n");

/**
 * Receipt notifications: the SNS action in both encodings, and the setup notification SES sends
 * when an S3 rule is created (which the webhook ignores, so it never downloads anything).
 *
 * @example
 * ```ts
 * for (const sample of inboundSamples(topicArn)) post(sample.message);
 * ```
 */
export function inboundSamples(topicArn: string): Sample[] {
  const common = { raw: RAW_MIME, topicArn, recipients: ["support@example.com"], timestamp: TIMESTAMP };
  return [
    {
      label: "Received (SNS, UTF-8)",
      message: sesEvents.received({ ...common, encoding: "UTF8", messageId: "mailroom-verify-utf8" }),
    },
    {
      label: "Received (SNS, Base64)",
      message: sesEvents.received({ ...common, encoding: "BASE64", messageId: "mailroom-verify-base64" }),
    },
    {
      label: "Received (S3 setup)",
      message: sesEvents.received({
        ...common,
        action: "S3",
        bucketName: "example-bucket",
        objectKeyPrefix: "inbound/",
        messageId: "AMAZON_SES_SETUP_NOTIFICATION",
      }),
    },
  ];
}
