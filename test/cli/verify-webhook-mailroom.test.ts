/**
 * verify-webhook against Mailroom's own tracking webhook (mailroom-ses + mailroom-ses/node), the way
 * a user would point it at their deployment.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

import { afterEach, describe, expect, it } from "vitest";

import { toNodeListener } from "../../src/adapters/node";
import { WebhookValidationError } from "../../src/errors";
import type { TrackingEvent } from "../../src/events";
import { amazonSesTrackingWebhook } from "../../src/ses/webhooks/tracking-handler";
import { runCli } from "../helpers/cli-run";

const SECRET = "hooks:mailroom-webhook-password";
const quietLogger = { warn: () => undefined, error: () => undefined };
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function serve(verifySignature: Parameters<typeof amazonSesTrackingWebhook>[0]["verifySignature"]) {
  const events: TrackingEvent[] = [];
  const handler = amazonSesTrackingWebhook({
    secret: SECRET,
    verifySignature,
    logger: quietLogger,
    onEvent: (event) => void events.push(event),
  });
  const server = createServer(toNodeListener(handler));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/mailroom/ses/tracking`, events };
}

describe("mailroom verify-webhook against Mailroom's tracking webhook", () => {
  it("gets 403 for every sample when signatures are verified (the secure result)", async () => {
    // The certificate download fails the way AWS answers for a certificate it never issued.
    const { url, events } = await serve({
      fetchCertificate: () =>
        Promise.reject(new WebhookValidationError("HTTP status 404", { httpStatus: 403 })),
    });
    const result = await runCli(["verify-webhook", url, "--expect", "rejected"], {
      fetch: globalThis.fetch,
      env: { MAILROOM_WEBHOOK_SECRET: SECRET },
    });
    expect(result.stdout).toContain("Result: OK");
    expect(result.code).toBe(0);
    expect(result.stdout.match(/401→403/g)).toHaveLength(11);
    expect(events).toEqual([]);
  });

  it.each(["any", "rejected"])(
    "reports a wrong secret as a FAIL naming the secret, even with --expect %s",
    async (expectation) => {
      const { url, events } = await serve({
        fetchCertificate: () =>
          Promise.reject(new WebhookValidationError("HTTP status 404", { httpStatus: 403 })),
      });
      const result = await runCli(
        ["verify-webhook", url, "--expect", expectation, "--secret", "hooks:not-the-right-password"],
        { fetch: globalThis.fetch },
      );
      expect(result.stdout).not.toContain("Result: OK");
      expect(result.stdout).toMatch(/secret/i);
      expect(result.code).toBe(1);
      expect(events).toEqual([]);
    },
  );

  it("gets 200 with signature verification off, and the webhook normalizes every sample", async () => {
    const { url, events } = await serve(false);
    const result = await runCli(["verify-webhook", url, "--expect", "accepted", "--secret", SECRET], {
      fetch: globalThis.fetch,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Warning: Some samples were ACCEPTED");
    expect(events.map((event) => event.eventType)).toEqual([
      "sent",
      "rejected",
      "bounced",
      "complained",
      "delivered",
      "opened",
      "clicked",
      "failed",
      "deferred",
      "unsubscribed",
    ]);
    expect(events.every((event) => event.tags.includes("mailroom-verify"))).toBe(true);
    expect(events[0]?.metadata).toEqual({ sample: true });
  });
});
