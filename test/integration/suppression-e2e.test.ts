/**
 * The suppression list end to end, through public APIs only: signed SNS notifications posted to
 * the tracking webhook feed a Redis-backed list; a second mailer (its own store instance on the
 * same Redis) then sends through aws-ses-v2-local and leaves the suppressed recipients out.
 */
import { randomUUID } from "node:crypto";

import { afterAll, expect, inject, it } from "vitest";

import { describeWithRedis } from "../helpers/redis";

import {
  amazonSes,
  amazonSesTrackingWebhook,
  createMailer,
  createRedisSuppressionStore,
  type TrackingEvent,
} from "../../src/index";
import { createSnsTestSigner, postToWebhook, sesEvents } from "../../src/testing/index";
import { emulatorClient } from "../helpers/ses-local";

const secret = "mailroom:correct-horse-battery";
const signer = createSnsTestSigner();
const prefix = `test:${randomUUID()}:`;
const webhookStore = createRedisSuppressionStore({ redis: inject("redisUrl"), prefix });
const mailerStore = createRedisSuppressionStore({ redis: inject("redisUrl"), prefix });

afterAll(async () => {
  await webhookStore.close();
  await mailerStore.close();
});

describeWithRedis("suppression, end to end", () => {
  it("a hard bounce and a complaint posted to the webhook keep the next send (another mailer) from those addresses", async () => {
    const events: TrackingEvent[] = [];
    const tracking = amazonSesTrackingWebhook({
      secret,
      allowedTopicArns: [signer.topicArn],
      // Fixed SNS timestamps (the suppression dates come from them): no freshness window.
      verifySignature: { fetchCertificate: signer.fetchCertificate, maxAgeSeconds: Number.POSITIVE_INFINITY },
      suppression: webhookStore,
      onEvent: (event) => void events.push(event),
    });
    const first = emulatorClient();
    const sent = await createMailer({ backend: amazonSes({ client: first.client }) }).send({
      from: "shop@example.com",
      to: ["bounces@example.com", "complains@example.com", "good@example.com"],
      subject: "Welcome",
      text: "Hello",
    });
    const bounceAt = "2026-12-05T10:00:00.000Z";
    const bounced = await postToWebhook(
      tracking,
      sesEvents.bounce({
        messageId: sent.messageId,
        recipients: ["bounces@example.com"],
        bounceType: "Permanent",
      }),
      { secret, signer, messageId: "sns-bounce-1", timestamp: bounceAt },
    );
    const complained = await postToWebhook(
      tracking,
      sesEvents.complaint({
        messageId: sent.messageId,
        recipients: ["complains@example.com"],
        complaintFeedbackType: "abuse",
      }),
      { secret, signer, messageId: "sns-complaint-1", timestamp: "2026-12-05T10:05:00.000Z" },
    );
    expect([bounced.status, complained.status]).toEqual([200, 200]);
    expect(events.map((e) => e.eventType)).toEqual(["bounced", "complained"]);

    // A second mailer instance, with its own connection to the same Redis.
    const second = emulatorClient();
    const mailer = createMailer({ backend: amazonSes({ client: second.client }), suppression: mailerStore });
    const message = {
      from: "shop@example.com",
      to: ["bounces@example.com", "complains@EXAMPLE.com", "good@example.com"],
      subject: "Next",
      text: "Hello again",
    };
    const status = await mailer.send(message);
    expect(second.sent.map((call) => call.operation)).toEqual(["SendEmailCommand"]);
    expect(second.sent[0]?.input.Destination).toEqual({ ToAddresses: ["good@example.com"] });
    expect(status.recipients["good@example.com"]?.status).toBe("queued");
    expect(status.recipients["bounces@example.com"]).toMatchObject({
      status: "rejected",
      suppressed: {
        reason: "bounce",
        detail: "Permanent: General",
        since: new Date(bounceAt),
        eventId: "sns-bounce-1",
      },
    });
    expect(status.recipients["complains@EXAMPLE.com"]).toMatchObject({
      status: "rejected",
      suppressed: {
        reason: "complaint",
        since: new Date("2026-12-05T10:05:00.000Z"),
        eventId: "sns-complaint-1",
      },
    });

    // A not-spam feedback reverses the complaint (never the bounce).
    const reversed = await postToWebhook(
      tracking,
      sesEvents.complaint({ recipients: ["complains@example.com"], complaintFeedbackType: "not-spam" }),
      { secret, signer, messageId: "sns-complaint-2" },
    );
    expect(reversed.status).toBe(200);
    const again = await mailer.send(message);
    expect(second.sent[1]?.input.Destination).toEqual({
      ToAddresses: ["complains@EXAMPLE.com", "good@example.com"],
    });
    expect(again.recipients["complains@EXAMPLE.com"]?.status).toBe("queued");
    expect(again.recipients["bounces@example.com"]?.status).toBe("rejected");
  });

  it("answers 500 (so SNS retries) when the list cannot be written", async () => {
    const down = createRedisSuppressionStore({
      redis: { port: 1, connectTimeout: 200, commandTimeout: 200 },
    });
    const tracking = amazonSesTrackingWebhook({
      secret,
      allowedTopicArns: [signer.topicArn],
      verifySignature: { fetchCertificate: signer.fetchCertificate },
      suppression: down,
      logger: { warn: () => undefined, error: () => undefined },
      onEvent: () => undefined,
    });
    const response = await postToWebhook(tracking, sesEvents.bounce({ recipients: ["x@example.com"] }), {
      secret,
      signer,
    });
    expect(response.status).toBe(500);
    await down.close();
  });
});
