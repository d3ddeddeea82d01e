/** The EventBridge API-destination handler: fail-closed credentials, statuses, dedupe on the id. */
import { describe, expect, it } from "vitest";

import type { TrackingEvent } from "../../src/events";
import { amazonSesEventBridgeWebhook } from "../../src/intake/eventbridge-webhook";
import { fixtureCases } from "../helpers/fixture-cases";

const { readJson } = fixtureCases("eventbridge");
const KEY = "k3y-with-enough-entropy-0123456789";
const quiet = { warn: () => undefined, error: () => undefined };

function post(body: string, headers: Record<string, string> = { "x-mailroom-key": KEY }): Request {
  return new Request("https://example.com/mailroom/ses/eventbridge", { method: "POST", body, headers });
}

function webhook(onEvent: (event: TrackingEvent) => unknown = () => undefined) {
  return amazonSesEventBridgeWebhook({
    apiKey: { header: "X-Mailroom-Key", value: KEY },
    secret: "events:another-long-password",
    logger: quiet,
    onEvent,
  });
}

describe("amazonSesEventBridgeWebhook", () => {
  it("cannot be created without credentials, nor with a short key", () => {
    expect(() => amazonSesEventBridgeWebhook({ onEvent: () => undefined })).toThrow(/apiKey or secret/);
    expect(() =>
      amazonSesEventBridgeWebhook({ apiKey: { header: "x-key", value: "short" }, onEvent: () => undefined }),
    ).toThrow(/at least 16/);
    expect(() =>
      amazonSesEventBridgeWebhook({
        apiKey: { header: "Authorization", value: KEY },
        onEvent: () => undefined,
      }),
    ).toThrow(/header/);
  });

  it("answers 401 without credentials and 403 with wrong ones, never calling onEvent", async () => {
    let calls = 0;
    const handler = webhook(() => void (calls += 1));
    const body = JSON.stringify(readJson("email-delivered.json"));
    const missing = await handler(post(body, {}));
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toMatch(/^Basic /);
    expect((await handler(post(body, { "x-mailroom-key": `${KEY}x` }))).status).toBe(403);
    const wrongBasic = { authorization: `Basic ${btoa("events:wrong")}` };
    expect((await handler(post(body, wrongBasic))).status).toBe(403);
    expect(calls).toBe(0);
  });

  it("accepts the API key or the basic credentials, and deduplicates on the event id", async () => {
    const events: TrackingEvent[] = [];
    const handler = webhook((event) => void events.push(event));
    const body = JSON.stringify(readJson("email-bounced.json"));
    const first = await handler(post(body));
    expect(first.status).toBe(200);
    expect(await first.text()).toBe("OK");
    const basic = { authorization: `Basic ${btoa("events:another-long-password")}` };
    const again = await handler(post(body, basic));
    expect(again.status).toBe(200);
    expect(await again.text()).toBe("Duplicate ignored");
    expect(events.map((e) => e.eventType)).toEqual(["bounced"]);
  });

  it("maps failures: 400 malformed, 413 too large, 500 callback failed (then retried), 405 not POST", async () => {
    let fail = true;
    const handler = amazonSesEventBridgeWebhook({
      apiKey: { header: "x-mailroom-key", value: KEY },
      maxBodyBytes: 64 * 1024,
      logger: quiet,
      onEvent: () => {
        if (fail) {
          fail = false;
          throw new Error("database down");
        }
      },
    });
    expect((await handler(post("not json"))).status).toBe(400);
    expect((await handler(post(JSON.stringify({ source: "aws.ses" })))).status).toBe(400);
    expect((await handler(post("x".repeat(70_000)))).status).toBe(413);
    const body = JSON.stringify(readJson("email-opened.json"));
    const failed = await handler(post(body));
    expect(failed.status).toBe(500);
    expect(await failed.text()).not.toContain("database down");
    expect((await handler(post(body))).status).toBe(200);
    const get = await handler(new Request("https://example.com/", { headers: { "x-mailroom-key": KEY } }));
    expect(get.status).toBe(405);
  });
});
