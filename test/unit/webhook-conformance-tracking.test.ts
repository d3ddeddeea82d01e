/**
 * The SES tracking webhook: the shared conformance suite, then what is specific to tracking
 * (events reach onEvent one per recipient, in order, awaited).
 */
import { describe, expect, it } from "vitest";

import type { TrackingEvent } from "../../src/events";
import { amazonSesTrackingWebhook } from "../../src/ses/webhooks/tracking-handler";
import { fixtureMessage } from "../helpers/webhook-fixtures";
import { harness, signer, snsRequest, type WebhookUnderTest } from "../helpers/webhook-harness";
import { describeWebhookConformance } from "../webhook-conformance";

const tracking: WebhookUnderTest = {
  create: (options, callback) => amazonSesTrackingWebhook({ ...options, onEvent: callback }),
  validMessage: fixtureMessage("ses-tracking/event-delivery"),
  expectedCalls: 1,
  misroutedMessage: fixtureMessage("ses-inbound/sns-utf8"),
  misroutedLog: /\*inbound\* receipt rule .* \*tracking\* webhook URL/,
};

describeWebhookConformance("amazonSesTrackingWebhook", () => tracking);

describe("amazonSesTrackingWebhook: events", () => {
  it("calls onEvent once per recipient, in order, awaiting each call", async () => {
    const order: string[] = [];
    const { handler } = harness(tracking, {}, async (event) => {
      const { recipient } = event as TrackingEvent;
      order.push(`start ${recipient}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push(`end ${recipient}`);
    });
    const envelope = signer.notification({
      message: fixtureMessage("ses-tracking/notification-bounce-multiple"),
    });
    expect((await handler(snsRequest(envelope))).status).toBe(200);
    expect(order).toEqual([
      "start jane@example.com",
      "end jane@example.com",
      "start richard@example.com",
      "end richard@example.com",
    ]);
  });

  it("hands over normalized events carrying the SNS MessageId and Timestamp", async () => {
    // A recorded 2018 timestamp: the freshness window is turned off to keep it.
    const { handler, calls } = harness(tracking, {
      verifySignature: { fetchCertificate: signer.fetchCertificate, maxAgeSeconds: Number.POSITIVE_INFINITY },
    });
    const envelope = signer.notification({
      message: fixtureMessage("ses-tracking/event-open"),
      messageId: "19ba9823-d7f2-53c1-860e-cb10e0d13dfc",
      timestamp: "2018-03-26T17:58:59.675Z",
    });
    expect((await handler(snsRequest(envelope))).status).toBe(200);
    const events = calls as TrackingEvent[];
    expect(events.map((e) => [e.eventType, e.recipient])).toEqual([
      ["opened", "recipient@example.com"],
      ["opened", "second@example.com"],
    ]);
    expect(events[0]?.eventId).toBe("19ba9823-d7f2-53c1-860e-cb10e0d13dfc");
    expect(events[0]?.timestamp?.toISOString()).toBe("2018-03-26T17:58:59.675Z");
  });

  it("stops at the first failing onEvent and answers 500 so SNS redelivers", async () => {
    const seen: string[] = [];
    const { handler } = harness(tracking, {}, (event) => {
      seen.push((event as TrackingEvent).recipient ?? "");
      throw new Error("nope");
    });
    const envelope = signer.notification({
      message: fixtureMessage("ses-tracking/notification-bounce-multiple"),
    });
    expect((await handler(snsRequest(envelope))).status).toBe(500);
    expect(seen).toEqual(["jane@example.com"]);
  });

  it("refuses a malformed SES event with 400 before calling onEvent", async () => {
    const { handler, calls } = harness(tracking);
    const envelope = signer.notification({
      message: { eventType: "Bounce", mail: { destination: ["a@example.com"] } },
    });
    expect((await handler(snsRequest(envelope))).status).toBe(400);
    expect(calls).toHaveLength(0);
  });

  it("acknowledges a notification without recipients with 200 and no events", async () => {
    const { handler, calls } = harness(tracking);
    const envelope = signer.notification({
      message: fixtureMessage("ses-tracking/event-open-missing-destination"),
    });
    expect((await handler(snsRequest(envelope))).status).toBe(200);
    expect(calls).toHaveLength(0);
  });

  it("requires onEvent", () => {
    expect(() => amazonSesTrackingWebhook({} as never)).toThrow(TypeError);
  });
});
