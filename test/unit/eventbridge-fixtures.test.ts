/**
 * EventBridge fixtures: one per SES detail-type (test/fixtures/eventbridge/<case>.json), each
 * with its SNS twin in test/fixtures/ses-tracking named in the ONE shared table twins.json. A twin
 * carries the same SES record; its EventBridge `id` and `time` are the twin's SNS `MessageId` and
 * `Timestamp`, so the normalized events must be equal field for field.
 */
import { describe, expect, it } from "vitest";

import type { TrackingEvent } from "../../src/events";
import { SES_DETAIL_TYPES } from "../../src/intake/eventbridge-envelope";
import { createSesIntake } from "../../src/intake/ses-intake";
import { sesEventToTrackingEvents } from "../../src/ses/webhooks/tracking";
import { fixtureCases, type SnsFixtureBody } from "../helpers/fixture-cases";

const eventBridge = fixtureCases("eventbridge");
const tracking = fixtureCases("ses-tracking");
const twins = eventBridge.readJson("twins.json") as Record<string, string>;
const cases = eventBridge.cases.filter((name) => name !== "twins");

/** JSON-comparable: Dates as ISO strings, undefined as null. */
function comparable(event: TrackingEvent): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    out[key] = value instanceof Date ? value.toISOString() : (value ?? null);
  }
  return out;
}

async function viaEventBridge(event: unknown): Promise<TrackingEvent[]> {
  const events: TrackingEvent[] = [];
  const intake = createSesIntake({ formats: ["eventbridge"], onEvent: (e) => void events.push(e) });
  const result = await intake.handleEventBridgeEvent(event);
  expect(result.outcome).toBe("handled");
  return events;
}

describe("EventBridge fixtures and their SNS twins", () => {
  it("cover every SES detail-type, each case in the twins table", () => {
    const detailTypes = cases.map(
      (name) => (eventBridge.readJson(`${name}.json`) as { "detail-type": string })["detail-type"],
    );
    expect(detailTypes.sort()).toEqual(Object.keys(SES_DETAIL_TYPES).sort());
    expect(Object.keys(twins).sort()).toEqual([...cases].sort());
    for (const twin of Object.values(twins)) {
      expect(tracking.cases).toContain(twin);
    }
  });

  it.each(cases)("%s converts to the same events as its SNS twin", async (name) => {
    const event = eventBridge.readJson(`${name}.json`) as { id: string; time: string; detail: unknown };
    const twin = tracking.readJson(`${twins[name]}.json`) as SnsFixtureBody;
    expect(event.detail).toStrictEqual(JSON.parse(twin.Message));
    const fromSns = sesEventToTrackingEvents(JSON.parse(twin.Message), {
      messageId: twin.MessageId,
      timestamp: twin.Timestamp,
      topicArn: twin.TopicArn,
    });
    const fromEventBridge = await viaEventBridge(event);
    expect(fromSns.length).toBeGreaterThan(0);
    expect(fromEventBridge.map(comparable)).toStrictEqual(fromSns.map(comparable));
  });

  it("fills in detail.eventType from the detail-type when the detail lacks it", async () => {
    const event = eventBridge.readJson("email-delivered.json") as { detail: Record<string, unknown> };
    const { eventType: _, ...detail } = event.detail;
    const events = await viaEventBridge({ ...event, detail });
    expect(events.map((e) => e.eventType)).toEqual(["delivered"]);
  });

  it("refuses a detail-type that contradicts detail.eventType, and a source other than aws.ses", async () => {
    const intake = createSesIntake({
      formats: ["eventbridge"],
      onEvent: () => undefined,
      logger: { warn: () => undefined, error: () => undefined },
    });
    const event = eventBridge.readJson("email-delivered.json") as Record<string, unknown>;
    await expect(
      intake.handleEventBridgeEvent({ ...event, "detail-type": "Email Bounced" }),
    ).resolves.toMatchObject({
      outcome: "refused",
      status: 400,
    });
    await expect(intake.handleEventBridgeEvent({ ...event, source: "my.app" })).resolves.toMatchObject({
      outcome: "refused",
    });
    await expect(intake.handleEventBridgeEvent({ ...event, id: 42 })).resolves.toMatchObject({
      outcome: "refused",
    });
    await expect(intake.handleEventBridgeEvent("[]")).resolves.toMatchObject({ outcome: "refused" });
  });

  it("acknowledges aws.ses events that are not about an email without calling onEvent", async () => {
    let calls = 0;
    const intake = createSesIntake({ formats: ["eventbridge"], onEvent: () => void (calls += 1) });
    const event = eventBridge.readJson("email-sent.json") as Record<string, unknown>;
    const result = await intake.handleEventBridgeEvent({
      ...event,
      "detail-type": "Sending Status Disabled",
      detail: { status: "DISABLED" },
    });
    expect(result.outcome).toBe("ignored");
    expect(calls).toBe(0);
  });

  it("deduplicates on the EventBridge id", async () => {
    let calls = 0;
    const intake = createSesIntake({ formats: ["eventbridge"], onEvent: () => void (calls += 1) });
    const event = eventBridge.readJson("email-delivered.json");
    expect((await intake.handleEventBridgeEvent(event)).outcome).toBe("handled");
    expect((await intake.handleEventBridgeEvent(event)).outcome).toBe("duplicate");
    const other = { ...(event as Record<string, unknown>), id: "another-id" };
    expect((await intake.handleEventBridgeEvent(other)).outcome).toBe("handled");
    expect(calls).toBe(2);
  });
});
