/**
 * Issue 11 §4: the tracking fan-out is bounded. One notification naming many recipients costs
 * one shared, frozen copy of its tags and metadata (not one per recipient), events are built one
 * at a time into onEvent, and what is decoded from X-Metadata / X-Tag headers is bounded in size
 * and depth: over the bound the value is dropped with a logged reason, and the event still goes out.
 */
import { describe, expect, it } from "vitest";

import type { TrackingEvent } from "../../src/events";
import { decodeEncodedWords } from "../../src/ses/webhooks/encoded-words";
import { amazonSesTrackingWebhook } from "../../src/ses/webhooks/tracking-handler";
import {
  deepMetadata,
  FAN_OUT_RECIPIENTS,
  FAN_OUT_SES_TAGS,
  fanOutSendMessage,
} from "../helpers/fan-out-event";
import {
  harness,
  recordingLogger,
  signer,
  snsRequest,
  type WebhookUnderTest,
} from "../helpers/webhook-harness";

const tracking: WebhookUnderTest = {
  create: (options, callback) => amazonSesTrackingWebhook({ ...options, onEvent: callback }),
  validMessage: "",
  expectedCalls: 1,
  misroutedMessage: "",
  misroutedLog: /./,
};

function sendWithHeaders(headers: { name: string; value: string }[]): string {
  return JSON.stringify({
    eventType: "Send",
    mail: { messageId: "m-1", destination: ["a@example.com", "b@example.com"], headers },
    send: {},
  });
}

describe("tracking fan-out (issue 11 §4)", () => {
  it("handles a signed 207 KiB Send to 12,000 recipients with 4,000 SES tags in bounded memory", async () => {
    const message = fanOutSendMessage();
    expect(message.length).toBeGreaterThan(206 * 1024);
    expect(message.length).toBeLessThan(208 * 1024);
    const envelope = signer.notification({ message });
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    let count = 0;
    let first: TrackingEvent | undefined;
    let sharedMetadata = true;
    const { handler } = harness(tracking, {}, (event) => {
      const e = event as TrackingEvent;
      first ??= e;
      sharedMetadata &&= e.metadata === first.metadata && e.sesTags === first.sesTags;
      count += 1;
      if (count % 500 === 0) {
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      }
    });
    const response = await handler(snsRequest(envelope));
    expect(response.status).toBe(200);
    expect(count).toBe(FAN_OUT_RECIPIENTS);
    expect(sharedMetadata).toBe(true);
    expect(Object.keys(first?.sesTags ?? {})).toHaveLength(FAN_OUT_SES_TAGS);
    expect(first?.metadata).toEqual({ campaign: "spring", batch: { id: 7 } });
    // Garbage not yet collected counts too, so this is an upper bound of what was kept.
    expect(peak - before).toBeLessThan(64 * 1024 * 1024);
  }, 20_000);

  it("delivers the event without its metadata when X-Metadata nests 30,000 deep, and logs why", async () => {
    const { handler, calls, log } = harness(tracking);
    const envelope = signer.notification({
      message: sendWithHeaders([
        { name: "X-Tag", value: "kept" },
        { name: "X-Metadata", value: deepMetadata(30_000) },
      ]),
    });
    const response = await handler(snsRequest(envelope));
    expect(response.status).toBe(200);
    const events = calls as TrackingEvent[];
    expect(events).toHaveLength(2);
    expect(events[0]?.metadata).toEqual({});
    expect(events[0]?.tags).toEqual(["kept"]);
    const warning = log.entries.find((e) => /header value was left out/.test(e.message));
    expect(warning?.message).toMatch(/X-Metadata nests deeper than 32 levels/);
    expect(warning?.details.messageId).toBe(envelope.MessageId);
  });

  it("keeps metadata nested within the bound", async () => {
    const { handler, calls } = harness(tracking);
    const envelope = signer.notification({
      message: sendWithHeaders([{ name: "X-Metadata", value: deepMetadata(30) }]),
    });
    expect((await handler(snsRequest(envelope))).status).toBe(200);
    expect(JSON.stringify((calls as TrackingEvent[])[0]?.metadata)).toBe(
      JSON.stringify(JSON.parse(deepMetadata(30))),
    );
  });

  it("drops an oversized X-Tag or X-Metadata value with a logged reason, and delivers the event", async () => {
    const log = recordingLogger();
    const { handler, calls } = harness(tracking, { logger: log.logger });
    const envelope = signer.notification({
      message: sendWithHeaders([
        { name: "X-Tag", value: "x".repeat(70_000) },
        { name: "X-Tag", value: "small" },
        { name: "X-Metadata", value: `{"big": "${"y".repeat(70_000)}"}` },
      ]),
    });
    expect((await handler(snsRequest(envelope))).status).toBe(200);
    const events = calls as TrackingEvent[];
    expect(events.map((e) => e.tags)).toEqual([["small"], ["small"]]);
    expect(events[0]?.metadata).toEqual({});
    const reasons = log.entries.map((e) => e.message).join("\n");
    expect(reasons).toMatch(/X-Tag header of 70000 characters is over the limit of 65536/);
    expect(reasons).toMatch(/X-Metadata header of \d+ characters is over the limit/);
    expect(reasons).not.toContain("xxxx");
  });
});

describe("SES tags read once", () => {
  it("keeps a tag named __proto__ as a plain, frozen entry", async () => {
    const { handler, calls } = harness(tracking);
    const message = JSON.parse(sendWithHeaders([])) as { mail: Record<string, unknown> };
    message.mail.tags = JSON.parse('{"__proto__": ["x"], "ses:operation": ["SendEmail"]}') as unknown;
    const envelope = signer.notification({ message: JSON.stringify(message) });
    expect((await handler(snsRequest(envelope))).status).toBe(200);
    const sesTags = (calls as TrackingEvent[])[0]?.sesTags ?? {};
    expect(Object.getPrototypeOf(sesTags)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(sesTags, "__proto__")?.value).toEqual(["x"]);
    expect(sesTags["ses:operation"]).toEqual(["SendEmail"]);
    expect(Object.isFrozen(sesTags)).toBe(true);
  });
});

describe("decodeEncodedWords on long input (issue 11 §4)", () => {
  it.each([
    [
      "two long adjacent B words",
      `=?utf-8?b?${"QUFB".repeat(100_000)}?= =?utf-8?b?${"QUFB".repeat(100_000)}?=`,
      600_000,
    ],
    ["one long Q word", `=?utf-8?q?${"=41".repeat(200_000)}?=`, 200_000],
    ["a long windows-1252 word", `=?iso-8859-1?q?${"=E9".repeat(200_000)}?=`, 200_000],
    ["many short words", "=?utf-8?q?a?= ".repeat(50_000), 50_001],
  ])("does not throw on %s", (_name, input, length) => {
    expect(decodeEncodedWords(input)).toHaveLength(length);
  });

  it("still decodes a multi-byte character split across two words", () => {
    expect(decodeEncodedWords("=?utf-8?q?=E2=98?= =?utf-8?q?=95?=")).toBe("☕");
  });
});
