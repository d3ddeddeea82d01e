import { describe, expect, it } from "vitest";

import { RecipientsRefusedError, InvalidMessageError } from "../../src/errors";
import type { TrackingEvent } from "../../src/events";
import { createMailer } from "../../src/mailer";
import { createSuppressionFeed } from "../../src/reputation/suppression-feed";
import { createMemorySuppressionStore } from "../../src/store/memory-suppression-store";
import { ACCOUNT_SCOPE } from "../../src/store/suppression-store";
import type { SuppressionStore } from "../../src/store/suppression-store";
import { sesEventToTrackingEvents } from "../../src/ses/webhooks/tracking";
import { createMemoryBackend } from "../../src/testing/memory-backend";
import { sesEvents } from "../../src/testing/ses-events";

const since = new Date("2026-05-01T12:00:00.000Z");

async function listWith(...entries: [string, "bounce" | "complaint" | "unsubscribe" | "manual", string?][]) {
  const store = createMemorySuppressionStore();
  for (const [address, reason, scope] of entries) {
    await store.put({ address, reason, scope: scope ?? ACCOUNT_SCOPE, since, eventId: `evt-${address}` });
  }
  return store;
}

function mailer(store: SuppressionStore) {
  const backend = createMemoryBackend();
  return { backend, mailer: createMailer({ backend, suppression: store }) };
}

describe("createMailer({ suppression })", () => {
  it("takes suppressed to/cc/bcc recipients out of the request and reports them rejected with reason and since", async () => {
    const store = await listWith(["bounced@example.com", "bounce"], ["cc@example.com", "complaint"]);
    const { backend, mailer: m } = mailer(store);
    const status = await m.send({
      from: "shop@example.com",
      to: ["good@example.com", "Bounced <BOUNCED@Example.com>"],
      cc: "cc@example.com",
      bcc: "audit@example.com",
      subject: "Hi",
      text: "Hello",
    });
    expect(backend.outbox).toHaveLength(1);
    const payload = backend.outbox[0]?.payload;
    expect(payload?.operation === "SendEmail" && payload.input.Destination).toEqual({
      ToAddresses: ["good@example.com", "BOUNCED@Example.com"],
      BccAddresses: ["audit@example.com"],
    });
    expect(status.recipients["good@example.com"]?.status).toBe("queued");
    expect(status.recipients["audit@example.com"]?.status).toBe("queued");
    // The local part is compared exactly: BOUNCED@ is not bounced@ (see docs/reputation.md).
    expect(status.recipients["BOUNCED@Example.com"]?.status).toBe("queued");
    expect(status.recipients["cc@example.com"]).toEqual({
      status: "rejected",
      messageId: undefined,
      error: `Suppressed (complaint) since ${since.toISOString()}`,
      suppressed: {
        reason: "complaint",
        scope: "*",
        since,
        detail: undefined,
        eventId: "evt-cc@example.com",
      },
    });
  });

  it("filters each bulk entry before SendBulkEmail", async () => {
    const store = await listWith(["b@example.com", "bounce"]);
    const { backend, mailer: m } = mailer(store);
    const status = await m.send({
      from: "shop@example.com",
      to: ["a@example.com", "b@example.com", "c@example.com"],
      templateId: "welcome",
      mergeData: { "b@example.com": { name: "B" } },
    });
    const payload = backend.outbox[0]?.payload;
    expect(payload?.operation).toBe("SendBulkEmail");
    const sent =
      payload?.operation === "SendBulkEmail"
        ? payload.inputs.flatMap((input) =>
            (input.BulkEmailEntries ?? []).map((e) => e.Destination?.ToAddresses),
          )
        : [];
    expect(sent).toEqual([["a@example.com"], ["c@example.com"]]);
    expect(status.recipients["b@example.com"]?.suppressed?.reason).toBe("bounce");
  });

  it("makes no call when every recipient is suppressed, and applies the all-refused rule", async () => {
    const store = await listWith(["a@example.com", "bounce"], ["b@example.com", "complaint"]);
    const { backend, mailer: m } = mailer(store);
    const message = {
      from: "shop@example.com",
      to: ["a@example.com", "b@example.com"],
      subject: "x",
      text: "y",
    };
    const err = await m.send(message).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RecipientsRefusedError);
    expect(backend.outbox).toHaveLength(0);
    const lenient = createMailer({ backend, suppression: store, ignoreRecipientStatus: true });
    const status = await lenient.send(message);
    expect([...status.statuses]).toEqual(["rejected"]);
    expect(backend.outbox).toHaveLength(0);
  });

  it("applies scoped entries only to messages of that scope; ignoreReasons lets must-go mail pass unsubscribes only", async () => {
    const store = await listWith(
      ["news-only@example.com", "unsubscribe", "marketing"],
      ["everything@example.com", "unsubscribe"],
      ["hard@example.com", "bounce"],
    );
    const { backend, mailer: m } = mailer(store);
    const to = ["news-only@example.com", "everything@example.com", "hard@example.com", "ok@example.com"];
    const base = { from: "shop@example.com", to, subject: "x", text: "y" };
    const news = await m.send({ ...base, suppression: { scope: "marketing" } });
    expect(Object.entries(news.recipients).map(([a, r]) => [a, r.status])).toEqual(
      expect.arrayContaining([
        ["news-only@example.com", "rejected"],
        ["everything@example.com", "rejected"],
        ["hard@example.com", "rejected"],
        ["ok@example.com", "queued"],
      ]),
    );
    const receipt = await m.send({ ...base, suppression: { scope: "transactional" } });
    expect(receipt.recipients["news-only@example.com"]?.status).toBe("queued");
    expect(receipt.recipients["everything@example.com"]?.status).toBe("rejected");
    const reset = await m.send({
      ...base,
      suppression: { scope: "transactional", ignoreReasons: ["unsubscribe"] },
    });
    expect(reset.recipients["everything@example.com"]?.status).toBe("queued");
    expect(reset.recipients["hard@example.com"]?.status).toBe("rejected");
    expect(backend.outbox).toHaveLength(3);
    await expect(
      m.send({ ...base, suppression: { ignoreReasons: ["bounce" as "manual"] } }),
    ).rejects.toBeInstanceOf(InvalidMessageError);
  });
});

describe("createSuppressionFeed", () => {
  const first = (notification: object, eventId: string): TrackingEvent => {
    const [event] = events(notification, eventId);
    if (event === undefined) {
      throw new Error("no event");
    }
    return event;
  };
  const events = (notification: object, eventId = "sns-1") =>
    sesEventToTrackingEvents(notification as never, {
      messageId: eventId,
      timestamp: "2026-05-02T00:00:00.000Z",
      topicArn: "arn:aws:sns:us-east-1:123456789012:t",
    });

  it("adds hard bounces and complaints, records OnAccountSuppressionList, and not-spam removes only a complaint", async () => {
    const store = createMemorySuppressionStore();
    const feed = createSuppressionFeed({ store });
    const outcomes = [];
    for (const event of [
      ...events(sesEvents.bounce({ recipients: ["hard@example.com"], bounceType: "Permanent" }), "b1"),
      ...events(
        sesEvents.bounce({
          recipients: ["ses@example.com"],
          bounceType: "Permanent",
          bounceSubType: "OnAccountSuppressionList",
        }),
        "b2",
      ),
      ...events(
        sesEvents.complaint({ recipients: ["spam@example.com"], complaintFeedbackType: "abuse" }),
        "c1",
      ),
      ...events(sesEvents.delivery({ recipients: ["fine@example.com"] }), "d1"),
    ]) {
      outcomes.push(await feed(event));
    }
    expect(outcomes).toEqual(["added", "added", "added", "ignored"]);
    const [hard, ses, spam, fine] = await store.check(
      ["hard@example.com", "ses@example.com", "spam@example.com", "fine@example.com"],
      [],
    );
    expect(hard).toMatchObject({ reason: "bounce", detail: "Permanent: General", eventId: "b1" });
    expect(ses).toMatchObject({ reason: "bounce", detail: "Permanent: OnAccountSuppressionList" });
    expect(spam).toMatchObject({ reason: "complaint", detail: "abuse", eventId: "c1" });
    expect(hard?.since).toEqual(new Date("2026-05-02T00:00:00.000Z"));
    expect(fine).toBeUndefined();

    const notSpam = (address: string) =>
      first(sesEvents.complaint({ recipients: [address], complaintFeedbackType: "not-spam" }), "ns");
    expect(await feed(notSpam("spam@example.com"))).toBe("removed");
    expect(await feed(notSpam("hard@example.com"))).toBe("ignored");
    expect(await store.check(["spam@example.com", "hard@example.com"], [])).toEqual([
      undefined,
      expect.objectContaining({ reason: "bounce" }),
    ]);
  });

  it("ignores transient bounces by default, and applies the N-within-a-window policy when set", async () => {
    const store = createMemorySuppressionStore({ now: () => Date.parse("2026-05-02T00:30:00.000Z") });
    const built = new Map<string, TrackingEvent>();
    // The same id gives the same event, as an SNS redelivery does.
    const soft = (id: string): TrackingEvent => {
      const known = built.get(id);
      if (known !== undefined) {
        return known;
      }
      const event = first(
        sesEvents.bounce({ recipients: ["soft@example.com"], bounceType: "Transient" }),
        id,
      );
      built.set(id, event);
      return event;
    };
    expect(await createSuppressionFeed({ store })(soft("t0"))).toBe("ignored");
    const feed = createSuppressionFeed({
      store,
      transientBounces: { count: 3, windowMs: 86_400_000, suppressForMs: 3_600_000 },
    });
    expect(await feed(soft("t1"))).toBe("counted");
    expect(await feed(soft("t1"))).toBe("counted"); // redelivered: counted once
    expect(await feed(soft("t2"))).toBe("counted");
    expect(await feed(soft("t3"))).toBe("added");
    const [hit] = await store.check(["soft@example.com"], []);
    expect(hit).toMatchObject({ reason: "bounce", detail: "Transient: 3 within 86400000 ms" });
    expect(hit?.expiresAt).toEqual(new Date(Date.parse("2026-05-02T00:00:00.000Z") + 3_600_000));
    expect(() => createSuppressionFeed({ store, transientBounces: { count: 0, windowMs: 1 } })).toThrow();
  });
});
