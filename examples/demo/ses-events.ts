/**
 * SES events the demo replays through the webhooks, shaped like the ones SES publishes through
 * SNS (configuration-set event publishing, "Include original headers" on).
 */

export interface SentMessage {
  messageId: string;
  recipients: string[];
  /** The X-Metadata / X-Tag headers the message was sent with, as SES echoes them back. */
  headers: { name: string; value: string }[];
}

function mail(sent: SentMessage, at: string) {
  return {
    timestamp: at,
    source: "demo@example.com",
    sourceArn: "arn:aws:ses:us-east-1:123456789012:identity/example.com",
    sendingAccountId: "123456789012",
    messageId: sent.messageId,
    destination: sent.recipients,
    headersTruncated: false,
    headers: sent.headers,
    tags: { "ses:configuration-set": ["Tracking"] },
  };
}

/** A delivery, a bounce, an open and a click for the messages the demo sent. */
export function trackingEvents(delivered: SentMessage, bounced: SentMessage): object[] {
  const at = new Date().toISOString();
  const [firstBounced = "nobody@example.com"] = bounced.recipients;
  return [
    {
      eventType: "Delivery",
      mail: mail(delivered, at),
      delivery: {
        timestamp: at,
        processingTimeMillis: 512,
        recipients: delivered.recipients,
        smtpResponse: "250 2.6.0 Message received",
        reportingMTA: "a8-70.smtp-out.amazonses.com",
      },
    },
    {
      eventType: "Bounce",
      mail: mail(bounced, at),
      bounce: {
        bounceType: "Permanent",
        bounceSubType: "General",
        bouncedRecipients: [
          {
            emailAddress: firstBounced,
            action: "failed",
            status: "5.1.1",
            diagnosticCode: "smtp; 550 5.1.1 user unknown",
          },
        ],
        timestamp: at,
        feedbackId: "0100018c-demo-bounce",
      },
    },
    {
      eventType: "Open",
      mail: mail(delivered, at),
      open: { ipAddress: "192.0.2.1", timestamp: at, userAgent: "Mozilla/5.0" },
    },
    {
      eventType: "Click",
      mail: mail(delivered, at),
      click: {
        ipAddress: "192.0.2.1",
        timestamp: at,
        userAgent: "Mozilla/5.0",
        link: "https://example.com/orders/42",
      },
    },
  ];
}

/** An SES "Received" notification for a receipt rule with an SNS action (Base64 content). */
export function receivedNotification(raw: Uint8Array): object {
  const at = new Date().toISOString();
  return {
    notificationType: "Received",
    mail: {
      timestamp: at,
      source: "customer@example.org",
      messageId: "demo0inbound0message0id",
      destination: ["support@example.com"],
      headersTruncated: false,
      headers: [],
      commonHeaders: {
        from: ["Customer <customer@example.org>"],
        to: ["support@example.com"],
        subject: "Where is my order?",
      },
    },
    receipt: {
      timestamp: at,
      processingTimeMillis: 120,
      recipients: ["support@example.com"],
      spamVerdict: { status: "PASS" },
      virusVerdict: { status: "PASS" },
      spfVerdict: { status: "PASS" },
      dkimVerdict: { status: "PASS" },
      dmarcVerdict: { status: "PASS" },
      action: { type: "SNS", topicArn: "arn:aws:sns:us-east-1:123456789012:ses-inbound", encoding: "BASE64" },
    },
    content: Buffer.from(raw).toString("base64"),
  };
}
