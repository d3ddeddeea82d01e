/**
 * Small sample SES notifications for `mailroom verify-webhook`: one of every sending event type
 * (the shapes of the SES developer guide's examples, as in test/fixtures/ses-tracking) and a few
 * receipt notifications. Embedded, because the CLI must not read the test tree at runtime.
 *
 * @module
 */

/**
 * One sample: a label for the report, and the SNS `Message` (an object is JSON-encoded, as SES
 * does; a string is sent as is).
 *
 * @example
 * ```ts
 * const sample: Sample = { label: "Send", message: { eventType: "Send", mail, send: {} } };
 * ```
 */
export interface Sample {
  label: string;
  message: string | object;
}

const RECIPIENT = "recipient@example.com";
const TIMESTAMP = "2024-01-01T12:00:00.000Z";

function mail(messageId: string): object {
  return {
    timestamp: TIMESTAMP,
    source: "sender@example.com",
    sourceArn: "arn:aws:ses:us-east-1:123456789012:identity/sender@example.com",
    sendingAccountId: "123456789012",
    messageId,
    destination: [RECIPIENT],
    headersTruncated: false,
    headers: [
      { name: "From", value: "sender@example.com" },
      { name: "To", value: RECIPIENT },
      { name: "Subject", value: "Mailroom verify-webhook sample" },
      { name: "X-Tag", value: "mailroom-verify" },
      { name: "X-Metadata", value: '{"sample": true}' },
    ],
    commonHeaders: {
      from: ["sender@example.com"],
      to: [RECIPIENT],
      subject: "Mailroom verify-webhook sample",
    },
    tags: { "ses:configuration-set": ["Tracking"] },
  };
}

function event(eventType: string, key: string, detail: object): Sample {
  return { label: eventType, message: { eventType, mail: mail(`mailroom-verify-${key}`), [key]: detail } };
}

/**
 * One sample of each of the ten SES sending event types, plus the plain-text message SES
 * publishes when an event destination is created.
 *
 * @example
 * ```ts
 * for (const sample of TRACKING_SAMPLES) post(sample.message);
 * ```
 */
export const TRACKING_SAMPLES: readonly Sample[] = [
  event("Send", "send", {}),
  event("Reject", "reject", { reason: "Bad content" }),
  event("Bounce", "bounce", {
    bounceType: "Permanent",
    bounceSubType: "General",
    bouncedRecipients: [
      {
        emailAddress: RECIPIENT,
        action: "failed",
        status: "5.1.1",
        diagnosticCode: "smtp; 550 5.1.1 user unknown",
      },
    ],
    timestamp: TIMESTAMP,
    feedbackId: "mailroom-verify-bounce-feedback",
    reportingMTA: "dsn; mta.example.com",
  }),
  event("Complaint", "complaint", {
    complainedRecipients: [{ emailAddress: RECIPIENT }],
    timestamp: TIMESTAMP,
    feedbackId: "mailroom-verify-complaint-feedback",
    userAgent: "ExampleMail/1.0",
    complaintFeedbackType: "abuse",
    arrivalDate: TIMESTAMP,
  }),
  event("Delivery", "delivery", {
    timestamp: TIMESTAMP,
    processingTimeMillis: 1200,
    recipients: [RECIPIENT],
    smtpResponse: "250 2.6.0 Message received",
    reportingMTA: "mta.example.com",
  }),
  event("Open", "open", { ipAddress: "192.0.2.1", timestamp: TIMESTAMP, userAgent: "ExampleMail/1.0" }),
  event("Click", "click", {
    ipAddress: "192.0.2.1",
    timestamp: TIMESTAMP,
    userAgent: "ExampleMail/1.0",
    link: "https://example.com/welcome",
    linkTags: {},
  }),
  event("Rendering Failure", "failure", {
    templateName: "Welcome",
    errorMessage: "Attribute 'name' is not present in the rendering data.",
  }),
  event("DeliveryDelay", "deliveryDelay", {
    timestamp: TIMESTAMP,
    delayType: "TransientCommunicationFailure",
    expirationTime: "2024-01-01T12:10:00.000Z",
    delayedRecipients: [
      { emailAddress: RECIPIENT, status: "4.4.1", diagnosticCode: "smtp; 421 4.4.1 try later" },
    ],
    reportingMTA: "a1-2.smtp-out.amazonses.com",
  }),
  event("Subscription", "subscription", {
    contactList: "Customers",
    timestamp: TIMESTAMP,
    source: "UnsubscribeHeader",
    newTopicPreferences: { unsubscribeAll: true, topicSubscriptionStatus: [] },
    oldTopicPreferences: { unsubscribeAll: false, topicSubscriptionStatus: [] },
  }),
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

function received(action: object, content: string | undefined, messageId: string): object {
  const verdict = { status: "PASS" };
  return {
    notificationType: "Received",
    mail: {
      timestamp: TIMESTAMP,
      source: "sender@example.com",
      messageId,
      destination: ["support@example.com"],
      headersTruncated: false,
      headers: [{ name: "Subject", value: "Mailroom verify-webhook sample" }],
      commonHeaders: {
        from: ["Sender <sender@example.com>"],
        to: ["support@example.com"],
        subject: "Mailroom verify-webhook sample",
      },
    },
    receipt: {
      timestamp: TIMESTAMP,
      processingTimeMillis: 300,
      recipients: ["support@example.com"],
      spamVerdict: verdict,
      virusVerdict: verdict,
      spfVerdict: verdict,
      dkimVerdict: verdict,
      dmarcVerdict: verdict,
      action,
    },
    ...(content === undefined ? {} : { content }),
  };
}

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
  return [
    {
      label: "Received (SNS, UTF-8)",
      message: received({ type: "SNS", topicArn, encoding: "UTF8" }, RAW_MIME, "mailroom-verify-utf8"),
    },
    {
      label: "Received (SNS, Base64)",
      message: received(
        { type: "SNS", topicArn, encoding: "BASE64" },
        Buffer.from(RAW_MIME, "utf8").toString("base64"),
        "mailroom-verify-base64",
      ),
    },
    {
      label: "Received (S3 setup)",
      message: received(
        {
          type: "S3",
          topicArn,
          bucketName: "example-bucket",
          objectKeyPrefix: "inbound/",
          objectKey: "inbound/AMAZON_SES_SETUP_NOTIFICATION",
        },
        undefined,
        "AMAZON_SES_SETUP_NOTIFICATION",
      ),
    },
  ];
}
