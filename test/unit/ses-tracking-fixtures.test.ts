/**
 * Data-driven tests for the SES tracking converter: every `test/fixtures/ses-tracking/<case>.json`
 * (a full SNS HTTP body) must convert to `<case>.expected.json`. Adding a case = adding two files.
 */
import { readdirSync } from "node:fs";

import { describe, expect, it } from "vitest";

import type { TrackingEvent } from "../../src/events";
import { sesEventToTrackingEvents } from "../../src/ses/webhooks/tracking";
import { fixtureCases } from "../helpers/fixture-cases";
import type { SnsFixtureBody } from "../helpers/fixture-cases";

const { dir, cases, readJson } = fixtureCases("ses-tracking");

/**
 * The event as JSON can hold it, with every field present: `undefined` becomes `null` (so a
 * field the converter forgot to set, or set when it should not, fails the comparison) and Dates
 * become ISO strings. `raw` is compared separately.
 */
function comparable(event: TrackingEvent): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (key !== "raw") {
      out[key] = value instanceof Date ? value.toISOString() : (value ?? null);
    }
  }
  return out;
}

describe("SES tracking fixtures", () => {
  it("finds the fixture cases, each with an expected file", () => {
    expect(cases.length).toBeGreaterThanOrEqual(28);
    const files = new Set(readdirSync(dir));
    for (const name of cases) {
      expect(files.has(`${name}.expected.json`), `${name}.expected.json`).toBe(true);
    }
  });

  it.each(cases)("%s", (name) => {
    const body = readJson(`${name}.json`) as SnsFixtureBody;
    expect(body).toMatchObject({ Type: "Notification", SignatureVersion: "1", Signature: "EXAMPLE" });
    const expected = readJson(`${name}.expected.json`);
    const sesEvent: unknown = JSON.parse(body.Message);

    const events = sesEventToTrackingEvents(sesEvent, {
      messageId: body.MessageId,
      timestamp: body.Timestamp,
      topicArn: body.TopicArn,
    });

    expect(events.map(comparable)).toStrictEqual(expected);
    for (const event of events) {
      expect(event.raw).toStrictEqual(JSON.parse(body.Message));
      expect(event.timestamp === undefined || event.timestamp instanceof Date).toBe(true);
    }
  });
});
