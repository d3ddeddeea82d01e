/**
 * The converter fills each member of the {@link TrackingEvent} union with what its type promises:
 * a known bounce type (an unknown one becomes `Undetermined`), a click's link, a delay's type and
 * expiration time, and every detail that does not apply present and `undefined`.
 */
import { describe, expect, it } from "vitest";

import { WebhookValidationError } from "../../src/errors";
import { TrackingEventType, type TrackingEvent } from "../../src/events";
import { sesEventToTrackingEvents } from "../../src/ses/webhooks/tracking";

const envelope = { messageId: "n-1", timestamp: "2018-03-26T17:58:59.675Z" };
const mail = { messageId: "m-1", destination: ["a@example.com", "b@example.com"] };

function only(events: TrackingEvent[]): TrackingEvent {
  expect(events).toHaveLength(1);
  return events[0] as TrackingEvent;
}

describe("tracking event union: what the converter fills", () => {
  it("reports a bounce type newer than this library as Undetermined, keeping SES's word in description", () => {
    const event = only(
      sesEventToTrackingEvents(
        {
          eventType: "Bounce",
          mail,
          bounce: {
            bounceType: "Soft",
            bounceSubType: "Greylisted",
            bouncedRecipients: [{ emailAddress: "a@example.com" }],
          },
        },
        envelope,
      ),
    );
    expect(event).toMatchObject({
      eventType: "bounced",
      recipient: "a@example.com",
      bounceType: "Undetermined",
      bounceSubType: "Greylisted",
      description: "Soft: Greylisted",
      rejectReason: "bounced",
    });
  });

  it.each(["Permanent", "Transient", "Undetermined"])("keeps the bounce type %s", (bounceType) => {
    const event = only(
      sesEventToTrackingEvents(
        {
          eventType: "Bounce",
          mail,
          bounce: {
            bounceType,
            bounceSubType: "General",
            bouncedRecipients: [{ emailAddress: "a@example.com" }],
          },
        },
        envelope,
      ),
    );
    expect(event.bounceType).toBe(bounceType);
  });

  it.each([
    ["no click object", { eventType: "Click", mail }],
    ["a click without its link", { eventType: "Click", mail, click: { userAgent: "UA" } }],
  ])("refuses %s: a clicked event always has its clickUrl", (_name, sesEvent) => {
    expect(() => sesEventToTrackingEvents(sesEvent, envelope)).toThrow(WebhookValidationError);
  });

  it("gives a deferred event its delay type and expiration time, a Date per event", () => {
    const events = sesEventToTrackingEvents(
      {
        eventType: "DeliveryDelay",
        mail,
        deliveryDelay: {
          delayType: "MailboxFull",
          expirationTime: "2020-06-16T00:25:40.914Z",
          delayedRecipients: [{ emailAddress: "a@example.com" }, { emailAddress: "b@example.com" }],
        },
      },
      envelope,
    );
    expect(events).toHaveLength(2);
    const [first, second] = events;
    if (first?.eventType !== "deferred" || second?.eventType !== "deferred") {
      throw new Error("expected two deferred events");
    }
    expect(first.delayType).toBe("MailboxFull");
    expect(first.description).toBe("MailboxFull");
    expect(first.expirationTime?.toISOString()).toBe("2020-06-16T00:25:40.914Z");
    expect(first.expirationTime).not.toBe(second.expirationTime);
  });

  it("leaves the expiration time undefined when SES's value is not an ISO time", () => {
    const event = only(
      sesEventToTrackingEvents(
        {
          eventType: "DeliveryDelay",
          mail,
          deliveryDelay: { expirationTime: "soon", delayedRecipients: [{ emailAddress: "a@example.com" }] },
        },
        envelope,
      ),
    );
    expect(event).toMatchObject({ eventType: "deferred", delayType: undefined, expirationTime: undefined });
  });

  it("emits only tracking event types, each with every detail field present", () => {
    const samples: unknown[] = [
      { eventType: "Send", mail },
      { eventType: "Reject", mail, reject: { reason: "Bad content" } },
      { eventType: "Rendering Failure", mail, failure: { errorMessage: "x" } },
      { eventType: "Open", mail, open: {} },
      { eventType: "Click", mail, click: { link: "https://example.com/" } },
      { eventType: "Delivery", mail, delivery: { recipients: ["a@example.com"] } },
      {
        eventType: "Complaint",
        mail,
        complaint: { complainedRecipients: [{ emailAddress: "a@example.com" }] },
      },
      { eventType: "Subscription", mail, subscription: { newTopicPreferences: { unsubscribeAll: true } } },
      { eventType: "SomethingNew", mail },
    ];
    const known = new Set<string>(Object.values(TrackingEventType));
    for (const sample of samples) {
      for (const event of sesEventToTrackingEvents(sample, envelope)) {
        expect(known.has(event.eventType), event.eventType).toBe(true);
        for (const key of [
          "rejectReason",
          "mtaResponse",
          "userAgent",
          "clickUrl",
          "bounceType",
          "bounceSubType",
        ]) {
          expect(key in event, `${event.eventType}.${key}`).toBe(true);
        }
      }
    }
  });
});
