import { describe, expect, it } from "vitest";

import { ConfigurationError, MailroomError, WebhookValidationError } from "../../src/errors";
import { decodeEncodedWords } from "../../src/ses/webhooks/encoded-words";
import { sesEventToTrackingEvents } from "../../src/ses/webhooks/tracking";

const envelope = {
  messageId: "19ba9823-d7f2-53c1-860e-cb10e0d13dfc",
  timestamp: "2018-03-26T17:58:59.675Z",
  topicArn: "arn:aws:sns:us-east-1:123456789012:SES_Tracking",
};
const mail = { messageId: "m-1", destination: ["a@example.com", "b@example.com"] };

function validationError(run: () => unknown): WebhookValidationError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(WebhookValidationError);
    return err as WebhookValidationError;
  }
  throw new Error("expected a WebhookValidationError, nothing was thrown");
}

describe("sesEventToTrackingEvents errors", () => {
  it("refuses a Received notification with a ConfigurationError naming the topic (Anymail test 55)", () => {
    const run = () =>
      sesEventToTrackingEvents(
        { notificationType: "Received" },
        { ...envelope, topicArn: "arn:aws:sns:us-east-1:111111111111:SES_Inbound" },
      );
    expect(run).toThrow(ConfigurationError);
    expect(run).toThrow(
      "You seem to have set an Amazon SES *inbound* receipt rule to publish to an SNS Topic that posts " +
        "to Mailroom's *tracking* webhook URL. Point that topic's subscription at the inbound webhook " +
        "instead. (SNS TopicArn arn:aws:sns:us-east-1:111111111111:SES_Inbound)",
    );
  });

  it("says so even when the envelope has no TopicArn", () => {
    expect(() => sesEventToTrackingEvents({ eventType: "Received", mail }, {})).toThrow(
      /\*inbound\*.*\*tracking\*.*\(SNS TopicArn unknown\)$/,
    );
  });

  it.each([null, undefined, "Bounce", 42, [], [{ eventType: "Send" }]])(
    "refuses %o: not an object",
    (input) => {
      const err = validationError(() => sesEventToTrackingEvents(input, envelope));
      expect(err).toBeInstanceOf(MailroomError);
      expect(err.code).toBe("webhook_validation");
      expect(err.httpStatus).toBe(400);
      expect(err.message).toBe("The SES event (the SNS Message) is not a JSON object");
    },
  );

  const bounce = { bounceType: "Permanent", bounceSubType: "General" };
  it.each([
    [
      "a Bounce without bounce",
      { eventType: "Bounce", mail },
      "'Bounce'",
      '"bounce" is missing or not an object',
    ],
    [
      "a bounce without bouncedRecipients",
      { notificationType: "Bounce", mail, bounce },
      "'Bounce'",
      '"bounce.bouncedRecipients" is missing or not an array',
    ],
    [
      "bouncedRecipients that is an object",
      {
        eventType: "Bounce",
        mail,
        bounce: { ...bounce, bouncedRecipients: { emailAddress: "a@example.com" } },
      },
      "'Bounce'",
      '"bounce.bouncedRecipients" is missing or not an array',
    ],
    [
      "a bounced recipient without emailAddress",
      { eventType: "Bounce", mail, bounce: { ...bounce, bouncedRecipients: [{ emailAddress: "a@x" }, {}] } },
      "'Bounce'",
      '"bounce.bouncedRecipients[1].emailAddress" is missing or not a string',
    ],
    [
      "a bounce without bounceSubType",
      { eventType: "Bounce", mail, bounce: { bounceType: "Permanent", bouncedRecipients: [] } },
      "'Bounce'",
      '"bounce.bounceSubType" is missing or not a string',
    ],
    [
      "a numeric diagnosticCode",
      {
        eventType: "Bounce",
        mail,
        bounce: { ...bounce, bouncedRecipients: [{ emailAddress: "a@x", diagnosticCode: 550 }] },
      },
      "'Bounce'",
      '"bounce.bouncedRecipients[0].diagnosticCode" is missing or not a string',
    ],
    [
      "a complaint without complainedRecipients",
      { notificationType: "Complaint", mail, complaint: { complaintFeedbackType: "abuse" } },
      "'Complaint'",
      '"complaint.complainedRecipients" is missing or not an array',
    ],
    [
      "a delivery without recipients",
      { notificationType: "Delivery", mail, delivery: { smtpResponse: "250 ok" } },
      "'Delivery'",
      '"delivery.recipients" is missing or not an array',
    ],
    [
      "a delivery recipient that is not a string",
      { eventType: "Delivery", mail, delivery: { recipients: [{ emailAddress: "a@example.com" }] } },
      "'Delivery'",
      '"delivery.recipients[0]" is missing or not a string',
    ],
    [
      "a reject without reason",
      { eventType: "Reject", mail, reject: {} },
      "'Reject'",
      '"reject.reason" is missing or not a string',
    ],
    [
      "a rendering failure without failure",
      { eventType: "Rendering Failure", mail },
      "'Rendering Failure'",
      '"failure" is missing or not an object',
    ],
    [
      "a delivery delay without delayedRecipients",
      { eventType: "DeliveryDelay", mail, deliveryDelay: { delayType: "MailboxFull" } },
      "'DeliveryDelay'",
      '"deliveryDelay.delayedRecipients" is missing or not an array',
    ],
    [
      "a subscription without newTopicPreferences",
      { eventType: "Subscription", mail, subscription: { contactList: "Customers" } },
      "'Subscription'",
      '"subscription.newTopicPreferences" is missing or not an object',
    ],
    [
      "a click whose link is not a string",
      { eventType: "Click", mail, click: { link: ["https://example.com/"] } },
      "'Click'",
      '"click.link" is missing or not a string',
    ],
    [
      "a mail.destination that is a string",
      { eventType: "Send", mail: { destination: "a@example.com" }, send: {} },
      "'Send'",
      '"mail.destination" is missing or not an array',
    ],
    [
      "a mail that is an array",
      { eventType: "Send", mail: [], send: {} },
      "'Send'",
      '"mail" is missing or not an object',
    ],
  ])("refuses %s with a WebhookValidationError", (_what, event, type, detail) => {
    const err = validationError(() => sesEventToTrackingEvents(event, envelope));
    expect(err.message).toBe(`Malformed SES ${type} event: ${detail}`);
    expect(err.httpStatus).toBe(400);
  });

  it("lets the webhook choose another status", () => {
    expect(new WebhookValidationError("x", { httpStatus: 403 }).httpStatus).toBe(403);
  });
});

describe("sesEventToTrackingEvents behaviour", () => {
  it("prefers eventType over notificationType, as Anymail does", () => {
    const [event] = sesEventToTrackingEvents(
      { eventType: "Send", notificationType: "Bounce", mail },
      envelope,
    );
    expect(event?.eventType).toBe("sent");
    expect(event?.sesEventType).toBe("Send");
  });

  it("shares one frozen copy of tags, metadata and SES tags across a fan-out; each event has its own timestamp", () => {
    const sesEvent = {
      eventType: "Open",
      mail: {
        ...mail,
        headers: [
          { name: "X-Tag", value: "t" },
          { name: "X-Metadata", value: '{"a": {"b": 1}}' },
        ],
      },
      open: {},
    };
    const [first, second] = sesEventToTrackingEvents(sesEvent, envelope);
    if (!first || !second) {
      throw new Error("expected two events");
    }
    expect(second.tags).toBe(first.tags);
    expect(second.metadata).toBe(first.metadata);
    expect(second.sesTags).toBe(first.sesTags);
    expect(() => (first.tags as string[]).push("changed")).toThrow(TypeError);
    expect(() => {
      (first.metadata.a as Record<string, number>).b = 2;
    }).toThrow(TypeError);
    expect(() => {
      (first.sesTags as Record<string, string[]>).extra = [];
    }).toThrow(TypeError);
    first.timestamp?.setUTCFullYear(2000);
    expect(second.tags).toEqual(["t"]);
    expect(second.metadata).toEqual({ a: { b: 1 } });
    expect(second.timestamp?.toISOString()).toBe("2018-03-26T17:58:59.675Z");
    expect(first.raw).toBe(sesEvent);
    expect(second.raw).toBe(sesEvent);
  });

  it("treats a null mail.destination like a missing one", () => {
    expect(sesEventToTrackingEvents({ eventType: "Send", mail: { destination: null } }, envelope)).toEqual(
      [],
    );
  });

  const subscription = (sub: Record<string, unknown>) =>
    sesEventToTrackingEvents({ eventType: "Subscription", mail, subscription: sub }, envelope).map((e) => [
      e.eventType,
      e.description,
    ]);

  it.each([
    [
      "a topic opt-out without old preferences",
      {
        contactList: "L",
        newTopicPreferences: { topicSubscriptionStatus: [{ topicName: "T", subscriptionStatus: "OptOut" }] },
      },
      ["unsubscribed", "Opted out of topic 'T' of contact list 'L'"],
    ],
    [
      "an opt-in to every topic without old preferences",
      {
        contactList: "L",
        newTopicPreferences: {
          unsubscribeAll: false,
          topicSubscriptionStatus: [
            { topicName: "A", subscriptionStatus: "OptIn" },
            { topicName: "B", subscriptionStatus: "OptIn" },
          ],
        },
      },
      ["subscribed", "Opted in to topics 'A', 'B' of contact list 'L'"],
    ],
    [
      "a resubscription to the whole list",
      {
        newTopicPreferences: { unsubscribeAll: false, topicSubscriptionStatus: [] },
        oldTopicPreferences: { unsubscribeAll: true, topicSubscriptionStatus: [] },
      },
      ["subscribed", "Resubscribed to the contact list"],
    ],
    [
      "a resubscription that leaves an old topic opt-out in place",
      {
        contactList: "L",
        newTopicPreferences: {
          unsubscribeAll: false,
          topicSubscriptionStatus: [{ topicName: "T", subscriptionStatus: "OptOut" }],
        },
        oldTopicPreferences: {
          unsubscribeAll: true,
          topicSubscriptionStatus: [{ topicName: "T", subscriptionStatus: "OptOut" }],
        },
      },
      ["subscribed", "Resubscribed to contact list 'L'"],
    ],
    [
      "preferences with nothing to judge",
      { contactList: "L", newTopicPreferences: {} },
      ["subscribed", "Subscription preferences changed for contact list 'L'"],
    ],
  ])("judges %s", (_what, sub, verdict) => {
    expect(subscription(sub)).toEqual([verdict, verdict]);
  });
});

describe("decodeEncodedWords", () => {
  it.each([
    ["plain text", "plain text"],
    ["=?utf-8?q?Caf=C3=A9_au_lait?=", "Café au lait"],
    ["=?UTF-8?Q?caf=c3=a9?=", "café"],
    ["=?utf-8?b?5paw6KaP?=", "新規"],
    ["=?UTF-8?B?4piV?=", "☕"],
    ["=?ISO-8859-1?Q?Gr=FC=DFe?=", "Grüße"],
    ["=?windows-1252?q?=80_5?=", "€ 5"],
    ["=?iso-8859-1?q?=9F=E9?=", "Ÿé"],
    ["=?utf-8*en?q?Hello?=", "Hello"],
    ["=?utf-8?q?a?= \r\n =?utf-8?q?b?=", "ab"],
    ["=?utf-8?q?a?= x =?utf-8?q?b?=", "a x b"],
    ["=?utf-8?q?=E2=82?= =?utf-8?q?=AC?=", "€"],
    ["=?utf-8?q?=C3?= =?iso-8859-1?q?=E9?=", "\uFFFDé"],
    ["Price: =?utf-8?q?10=E2=82=AC?=!", "Price: 10€!"],
    ["=?utf-8?q?100=_sure?=", "100= sure"],
    ["=?utf-8?b?not*base64?=", "=?utf-8?b?not*base64?="],
    ["=?no-such-charset?q?abc?= =?utf-8?q?d?=", "=?no-such-charset?q?abc?=d"],
    ["=?utf-8?x?abc?=", "=?utf-8?x?abc?="],
  ])("decodes %j", (input, output) => {
    expect(decodeEncodedWords(input)).toBe(output);
  });
});
