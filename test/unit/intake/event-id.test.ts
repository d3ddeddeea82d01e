import { describe, expect, it } from "vitest";

import { WebhookValidationError } from "../../../src/errors";
import { deriveSesEventId } from "../../../src/intake/event-id";

const mail = {
  messageId: "0100-abc",
  timestamp: "2026-12-05T10:00:00.000Z",
  destination: ["a@x.test", "b@x.test"],
};

describe("deriveSesEventId", () => {
  it("uses the message id, the type, the event's timestamp and the recipients it is about", () => {
    const bounce = {
      eventType: "Bounce",
      mail,
      bounce: { timestamp: "2026-12-05T10:00:05.000Z", bouncedRecipients: [{ emailAddress: "b@x.test" }] },
    };
    expect(deriveSesEventId(bounce)).toBe("0100-abc:Bounce:2026-12-05T10:00:05.000Z:b@x.test");
    expect(deriveSesEventId(structuredClone(bounce))).toBe(deriveSesEventId(bounce));
  });

  it("tells apart events that differ in type, timestamp, recipient or clicked link", () => {
    const open = (timestamp: string) => ({ eventType: "Open", mail, open: { timestamp } });
    const click = (link: string) => ({ eventType: "Click", mail, click: { timestamp: "t", link } });
    const ids = [
      deriveSesEventId(open("2026-12-05T10:01:00.000Z")),
      deriveSesEventId(open("2026-12-05T10:02:00.000Z")),
      deriveSesEventId(click("https://a.test/")),
      deriveSesEventId(click("https://b.test/")),
      deriveSesEventId({ eventType: "Send", mail, send: {} }),
      deriveSesEventId({
        notificationType: "Delivery",
        mail,
        delivery: { timestamp: "t", recipients: ["a@x.test"] },
      }),
      deriveSesEventId({
        notificationType: "Delivery",
        mail,
        delivery: { timestamp: "t", recipients: ["b@x.test"] },
      }),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    // No details timestamp: the mail's; no recipient list in the details: the destination.
    expect(ids[4]).toBe("0100-abc:Send:2026-12-05T10:00:00.000Z:a@x.test,b@x.test");
  });

  it("covers inbound Received notifications (receipt timestamp and recipients)", () => {
    const received = {
      notificationType: "Received",
      mail,
      receipt: { timestamp: "2026-12-05T10:00:01.000Z", recipients: ["in@x.test"] },
    };
    expect(deriveSesEventId(received)).toBe("0100-abc:Received:2026-12-05T10:00:01.000Z:in@x.test");
  });

  it("hashes a long id into a bounded one", () => {
    const destination = Array.from({ length: 50 }, (_, i) => `recipient-${i}@example.test`);
    const id = deriveSesEventId({ eventType: "Send", mail: { ...mail, destination }, send: {} });
    expect(id.length).toBeLessThanOrEqual(512);
    expect(id).toMatch(/^0100-abc:Send:sha256=[0-9a-f]{64}$/);
  });

  it("refuses an event without a message id or type", () => {
    expect(() => deriveSesEventId({ eventType: "Bounce" })).toThrow(WebhookValidationError);
    expect(() => deriveSesEventId({ mail })).toThrow(WebhookValidationError);
    expect(() => deriveSesEventId("nope")).toThrow(WebhookValidationError);
  });
});
