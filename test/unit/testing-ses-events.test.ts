/**
 * The test kit's SES event builders, checked the only way that matters: what they build goes
 * through the real converters (sesEventToTrackingEvents, sesReceivedToInboundEvent) and comes out
 * as the expected normalized events; and it has the shape of SES's own examples (the fixtures).
 */
import { describe, expect, it } from "vitest";

import { createMailer } from "../../src/mailer";
import { sesReceivedToInboundEvent } from "../../src/ses/webhooks/inbound";
import { sesEventToTrackingEvents } from "../../src/ses/webhooks/tracking";
import { createMemoryBackend, sesEvents } from "../../src/testing/index";
import { fixtureCases } from "../helpers/fixture-cases";

const ENVELOPE = {
  messageId: "sns-1",
  timestamp: "2026-01-02T03:04:05.000Z",
  topicArn: "arn:aws:sns:us-east-1:123456789012:t",
};

const convert = (event: unknown) => sesEventToTrackingEvents(event, ENVELOPE);

/** The fields worth comparing (raw, timestamps and ids are checked elsewhere). */
function essentials(event: ReturnType<typeof convert>[number]) {
  const { raw: _raw, timestamp: _timestamp, eventId: _eventId, sesTags: _sesTags, ...rest } = event;
  return rest;
}

describe("sesEvents tracking builders round-trip through sesEventToTrackingEvents", () => {
  const common = {
    messageId: "msg-1",
    tags: [],
    metadata: {},
    esp: "Amazon SES",
  };
  const none = {
    rejectReason: undefined,
    description: undefined,
    mtaResponse: undefined,
    userAgent: undefined,
    clickUrl: undefined,
    bounceType: undefined,
    bounceSubType: undefined,
  };
  const to = { messageId: "msg-1", destination: ["alice@example.com", "bob@example.com"] };

  it.each([
    [
      "bounce",
      sesEvents.bounce({ ...to, recipients: ["bob@example.com"] }),
      [
        {
          ...none,
          eventType: "bounced",
          sesEventType: "Bounce",
          recipient: "bob@example.com",
          rejectReason: "bounced",
          description: "Permanent: General",
          mtaResponse: "smtp; 550 5.1.1 user unknown",
          bounceType: "Permanent",
          bounceSubType: "General",
        },
      ],
    ],
    [
      "transient bounce",
      sesEvents.bounce({
        ...to,
        recipients: [{ emailAddress: "alice@example.com", diagnosticCode: "smtp; 552 mailbox full" }],
        bounceType: "Transient",
        bounceSubType: "MailboxFull",
      }),
      [
        {
          ...none,
          eventType: "bounced",
          sesEventType: "Bounce",
          recipient: "alice@example.com",
          rejectReason: "bounced",
          description: "Transient: MailboxFull",
          mtaResponse: "smtp; 552 mailbox full",
          bounceType: "Transient",
          bounceSubType: "MailboxFull",
        },
      ],
    ],
    [
      "complaint",
      sesEvents.complaint({ ...to, recipients: ["alice@example.com"] }),
      [
        {
          ...none,
          eventType: "complained",
          sesEventType: "Complaint",
          recipient: "alice@example.com",
          rejectReason: "spam",
          description: "abuse",
          userAgent: expect.stringContaining("Mozilla/5.0"),
        },
      ],
    ],
    [
      "delivery",
      sesEvents.delivery({ ...to, recipients: ["alice@example.com"], smtpResponse: "250 OK" }),
      [
        {
          ...none,
          eventType: "delivered",
          sesEventType: "Delivery",
          recipient: "alice@example.com",
          mtaResponse: "250 OK",
        },
      ],
    ],
    [
      "send",
      sesEvents.send(to),
      ["alice@example.com", "bob@example.com"].map((recipient) => ({
        ...none,
        eventType: "sent",
        sesEventType: "Send",
        recipient,
      })),
    ],
    [
      "reject",
      sesEvents.reject({ ...to, destination: ["alice@example.com"] }),
      [
        {
          ...none,
          eventType: "rejected",
          sesEventType: "Reject",
          recipient: "alice@example.com",
          rejectReason: "blocked",
          description: "Bad content",
        },
      ],
    ],
    [
      "open",
      sesEvents.open({ ...to, destination: ["alice@example.com"], userAgent: "Mail/1.0" }),
      [
        {
          ...none,
          eventType: "opened",
          sesEventType: "Open",
          recipient: "alice@example.com",
          userAgent: "Mail/1.0",
        },
      ],
    ],
    [
      "click",
      sesEvents.click({ ...to, destination: ["alice@example.com"], link: "https://example.com/orders/42" }),
      [
        {
          ...none,
          eventType: "clicked",
          sesEventType: "Click",
          recipient: "alice@example.com",
          userAgent: expect.stringContaining("Mozilla/5.0"),
          clickUrl: "https://example.com/orders/42",
        },
      ],
    ],
    [
      "rendering failure",
      sesEvents.renderingFailure({ ...to, destination: ["alice@example.com"], errorMessage: "no name" }),
      [
        {
          ...none,
          eventType: "failed",
          sesEventType: "Rendering Failure",
          recipient: "alice@example.com",
          description: "no name",
        },
      ],
    ],
    [
      "delivery delay",
      sesEvents.deliveryDelay({ ...to, recipients: ["bob@example.com"], delayType: "MailboxFull" }),
      [
        {
          ...none,
          eventType: "deferred",
          sesEventType: "DeliveryDelay",
          recipient: "bob@example.com",
          description: "MailboxFull",
          mtaResponse: "smtp; 421 4.4.1 Unable to connect to remote host",
        },
      ],
    ],
    [
      "unsubscribe from everything",
      sesEvents.subscription({ ...to, destination: ["alice@example.com"] }),
      [{ eventType: "unsubscribed", sesEventType: "Subscription", recipient: "alice@example.com" }],
    ],
    [
      "opt in to a topic",
      sesEvents.subscription({ ...to, destination: ["alice@example.com"], topics: { Newsletter: "OptIn" } }),
      [{ eventType: "subscribed", sesEventType: "Subscription", recipient: "alice@example.com" }],
    ],
  ])("%s", (_name, built, expected) => {
    const events = convert(JSON.parse(JSON.stringify(built)));
    expect(events.map(essentials)).toMatchObject(expected.map((event) => ({ ...common, ...event })));
    expect(events[0]?.eventId).toBe("sns-1");
    expect(events[0]?.sesTags["ses:configuration-set"]).toEqual(["ConfigSet"]);
  });

  it.each([
    ["bounce", sesEvents.bounce({ format: "notification", recipients: ["a@example.com"] }), "bounced"],
    [
      "complaint",
      sesEvents.complaint({ format: "notification", recipients: ["a@example.com"] }),
      "complained",
    ],
    ["delivery", sesEvents.delivery({ format: "notification", recipients: ["a@example.com"] }), "delivered"],
  ])("%s as an identity notification (notificationType, no mail.tags)", (_name, built, eventType) => {
    expect(built).not.toHaveProperty("eventType");
    expect(built.mail).not.toHaveProperty("tags");
    expect(built.mail).toHaveProperty("callerIdentity");
    const [event] = convert(built);
    expect(event).toMatchObject({ eventType, recipient: "a@example.com", sesTags: {} });
  });

  it("echoes tags and metadata the way SES echoes the X-Tag and X-Metadata headers", () => {
    const built = sesEvents.delivery({
      tags: ["welcome", "Ünï"],
      metadata: { orderId: 42, customer: "Zoë" },
    });
    expect(built.mail.headers).toContainEqual({ name: "X-Tag", value: "=?UTF-8?Q?=C3=9Cn=C3=AF?=" });
    const [event] = convert(built);
    expect(event?.tags).toEqual(["welcome", "Ünï"]);
    expect(event?.metadata).toEqual({ orderId: 42, customer: "Zoë" });
    expect(event?.recipient).toBe("recipient@example.com");
  });

  it("takes everything from a sent message of the memory backend (SendEmail)", async () => {
    const backend = createMemoryBackend({ configurationSetName: "Tracking", messageTagName: "Type" });
    const long = "x".repeat(40);
    const status = await createMailer({ backend }).send({
      from: "Shop <shop@example.com>",
      to: ["alice@example.com", "bob@example.com"],
      bcc: "audit@example.com",
      subject: "Your order",
      text: "Shipped",
      tags: ["orders"],
      metadata: { orderId: 42, a: long, b: long, c: long },
    });
    const built = sesEvents.bounce({ sent: backend.outbox[0], recipients: ["bob@example.com"] });
    expect(built.mail).toMatchObject({
      messageId: status.messageId,
      source: "shop@example.com",
      destination: ["alice@example.com", "bob@example.com", "audit@example.com"],
      commonHeaders: { subject: "Your order", from: ["Shop <shop@example.com>"] },
      tags: { "ses:configuration-set": ["Tracking"], Type: ["orders"] },
    });
    // The long X-Metadata went out folded; SES echoes the folding, the converter unfolds it.
    expect(built.mail.headers?.find((h) => h.name === "X-Metadata")?.value).toContain("\r\n ");
    const [event] = convert(built);
    expect(event).toMatchObject({
      eventType: "bounced",
      messageId: status.messageId,
      recipient: "bob@example.com",
      tags: ["orders"],
      metadata: { orderId: 42, a: long, b: long, c: long },
      sesTags: { Type: ["orders"] },
    });
  });

  it("takes the recipient's own message id and merged metadata from a template send", async () => {
    const backend = createMemoryBackend();
    const status = await createMailer({ backend }).send({
      from: "shop@example.com",
      to: ["alice@example.com", "bob@example.com"],
      templateId: "welcome",
      metadata: { campaign: "spring" },
      mergeMetadata: { "bob@example.com": { userId: 2 } },
      tags: ["welcome"],
    });
    const [event] = convert(sesEvents.delivery({ sent: backend.outbox[0], recipients: ["bob@example.com"] }));
    expect(event).toMatchObject({
      messageId: status.recipients["bob@example.com"]?.messageId,
      recipient: "bob@example.com",
      metadata: { campaign: "spring", userId: 2 },
      tags: ["welcome"],
    });
    expect(event?.messageId).not.toBe(status.recipients["alice@example.com"]?.messageId);
  });

  it("lets every object be overridden last", () => {
    const built = sesEvents.bounce({ bounce: { feedbackId: "fb-1" }, mail: { sourceArn: "arn:custom" } });
    expect(built.bounce.feedbackId).toBe("fb-1");
    expect(built.mail.sourceArn).toBe("arn:custom");
  });
});

/** Every key path of a JSON value (array items merged), to compare shapes. */
function keyPaths(value: unknown, prefix = ""): Set<string> {
  const paths = new Set<string>();
  if (Array.isArray(value)) {
    for (const item of value) {
      for (const path of keyPaths(item, `${prefix}[]`)) paths.add(path);
    }
  } else if (typeof value === "object" && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      // Header and tag names are data, not shape.
      if (prefix.endsWith("mail.tags") || prefix.endsWith("linkTags")) continue;
      paths.add(`${prefix}.${key}`);
      for (const path of keyPaths(child, `${prefix}.${key}`)) paths.add(path);
    }
  }
  return paths;
}

describe("sesEvents have the shape of SES's own examples (test/fixtures/ses-tracking)", () => {
  const { cases, readJson } = fixtureCases("ses-tracking");
  const builders: Record<string, (format: "event" | "notification") => object> = {
    "event-bounce-permanent": () => sesEvents.bounce(),
    "event-complaint-abuse": () => sesEvents.complaint(),
    "event-delivery": () => sesEvents.delivery(),
    "event-delivery-delay": () => sesEvents.deliveryDelay(),
    "event-send": () => sesEvents.send(),
    "event-reject": () => sesEvents.reject(),
    "event-open": () => sesEvents.open(),
    "event-click": () => sesEvents.click({ linkTags: { campaign: ["spring"] } }),
    "event-rendering-failure": () => sesEvents.renderingFailure(),
    "event-subscription-topic-opt-out": () => sesEvents.subscription({ topics: { Newsletter: "OptOut" } }),
    "notification-bounce-permanent": () => sesEvents.bounce({ format: "notification" }),
    "notification-complaint-abuse": () => sesEvents.complaint({ format: "notification" }),
    "notification-delivery": () => sesEvents.delivery({ format: "notification" }),
  };
  // Fields SES includes only sometimes (the examples show them; our defaults leave them out).
  const optional = new Set([".mail.commonHeaders.date", ".bounce.remoteMtaIp", ".delivery.remoteMtaIp"]);

  it.each(Object.keys(builders))("%s", (name) => {
    expect(cases).toContain(name);
    const fixture = JSON.parse((readJson(`${name}.json`) as { Message: string }).Message) as object;
    const built = JSON.parse(JSON.stringify(builders[name]?.("event"))) as object;
    const expected = [...keyPaths(fixture)].filter((path) => !optional.has(path)).sort();
    const actual = [...keyPaths(built)].filter((path) => !optional.has(path)).sort();
    expect(actual).toEqual(expected);
  });
});

describe("sesEvents.received round-trips through sesReceivedToInboundEvent", () => {
  const raw = [
    "From: Customer <customer@example.org>",
    "To: Support <support@example.com>",
    "Subject: =?UTF-8?Q?Wo_ist_meine_Bestellung=3F_=C3=9C?=",
    "Message-ID: <abc@example.org>",
    "Date: Mon, 01 Jan 2024 12:00:00 +0000",
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="b"',
    "",
    "--b",
    "Content-Type: text/plain; charset=UTF-8",
    "",
    "Hello",
    "--b",
    'Content-Type: application/octet-stream; name="bin.dat"',
    "Content-Transfer-Encoding: base64",
    'Content-Disposition: attachment; filename="bin.dat"',
    "",
    Buffer.from([0, 255, 128, 10, 13]).toString("base64"),
    "--b--",
    "",
  ].join("\r\n");
  const noS3 = { readS3Object: () => Promise.reject(new Error("no S3 here")) };

  it.each(["UTF8", "BASE64"] as const)("SNS action, %s content", async (encoding) => {
    const built = sesEvents.received({ raw, encoding, verdicts: { spam: "FAIL" } });
    expect(built.receipt.action).toMatchObject({ type: "SNS", encoding });
    expect(built.mail.commonHeaders).toMatchObject({
      from: ["Customer <customer@example.org>"],
      subject: "Wo ist meine Bestellung? Ü",
      messageId: "<abc@example.org>",
    });
    const event = await sesReceivedToInboundEvent(JSON.parse(JSON.stringify(built)), ENVELOPE, noS3);
    expect(event?.eventId).toBe(built.mail.messageId);
    expect(event?.message.subject).toBe("Wo ist meine Bestellung? Ü");
    expect(event?.message.text?.trim()).toBe("Hello");
    expect(event?.message.envelopeSender).toBe("customer@example.org");
    expect(event?.message.envelopeRecipient).toBe("support@example.com");
    expect(event?.message.verdicts).toMatchObject({ spam: "FAIL", virus: "PASS", dkim: "PASS" });
    expect(event?.message.spamDetected).toBe(true);
    expect([...(event?.message.attachments[0]?.content ?? [])]).toEqual([0, 255, 128, 10, 13]);
  });

  it("S3 action: the webhook reads the message from the bucket and key the notification names", async () => {
    const bytes = new TextEncoder().encode(raw);
    const built = sesEvents.received({
      raw: bytes,
      action: "S3",
      bucketName: "mail",
      objectKeyPrefix: "in/",
    });
    expect(built).not.toHaveProperty("content");
    expect(built.receipt.action).toMatchObject({
      type: "S3",
      bucketName: "mail",
      objectKey: `in/${built.mail.messageId}`,
    });
    const reads: string[] = [];
    // The operator's bucket is named (fail closed: a notification cannot pick a bucket itself).
    const deps = {
      allowedBuckets: ["mail"],
      readS3Object: async (bucket: string, key: string) => {
        reads.push(`${bucket}/${key}`);
        return bytes;
      },
    };
    const event = await sesReceivedToInboundEvent(built, ENVELOPE, deps);
    expect(reads).toEqual([`mail/in/${built.mail.messageId}`]);
    expect(event?.message.text?.trim()).toBe("Hello");
  });

  it("has the shape of SES's example (test/fixtures/ses-inbound/sns-utf8)", () => {
    const { readJson } = fixtureCases("ses-inbound");
    const fixture = JSON.parse((readJson("sns-utf8.json") as { Message: string }).Message) as object;
    const built = JSON.parse(JSON.stringify(sesEvents.received({ raw }))) as object;
    expect([...keyPaths(built)].sort()).toEqual([...keyPaths(fixture)].sort());
  });
});

describe("sesEvents rebuild SES's examples: same facts in, the fixtures' expected events out", () => {
  const { readJson } = fixtureCases("ses-tracking");
  const customTags = { myCustomTag1: ["myCustomTagValue1"], myCustomTag2: ["myCustomTagValue2"] };
  const example = "EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000";
  const cases: Record<string, object> = {
    "event-bounce-permanent": sesEvents.bounce({
      messageId: example,
      destination: ["recipient@example.com"],
      tags: ["tag 1", "tag 2"],
      metadata: { meta1: "string", meta2: 2 },
      sesTags: customTags,
    }),
    "event-click": sesEvents.click({
      messageId: example,
      destination: ["recipient@example.com"],
      sesTags: customTags,
      link: "https://docs.aws.amazon.com/ses/latest/DeveloperGuide/",
      userAgent:
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/60.0.3112.90 Safari/537.36",
    }),
    "notification-delivery": sesEvents.delivery({
      format: "notification",
      messageId: "00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa0680-000000",
      destination: ["jane@example.com", "mary@example.com", "richard@example.com"],
      recipients: ["jane@example.com"],
      smtpResponse: "250 ok:  Message 64111812 accepted",
    }),
  };

  it.each(Object.keys(cases))("%s", (name) => {
    const body = readJson(`${name}.json`) as { MessageId: string; Timestamp: string; TopicArn: string };
    const events = sesEventToTrackingEvents(JSON.parse(JSON.stringify(cases[name])), {
      messageId: body.MessageId,
      timestamp: body.Timestamp,
      topicArn: body.TopicArn,
    });
    const comparable = events.map(({ raw: _raw, ...event }) =>
      Object.fromEntries(
        Object.entries(event).map(([key, value]) => [
          key,
          value instanceof Date ? value.toISOString() : (value ?? null),
        ]),
      ),
    );
    expect(comparable).toStrictEqual(readJson(`${name}.expected.json`));
  });
});
