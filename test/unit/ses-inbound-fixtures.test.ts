/**
 * Data-driven tests for the SES inbound converter: every `test/fixtures/ses-inbound/<case>.json`
 * (a full SNS HTTP body) must convert to `<case>.expected.json` — `{"event": …}`, `{"event": null}`
 * for notifications to acknowledge and ignore, or `{"error": …}`. An S3-action case ships the
 * stored object as `<case>.s3-object.eml`; the test puts it into s3rver and reads it back through
 * the real S3 reader. Adding a case = adding files.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { MailroomError, WebhookValidationError } from "../../src/errors";
import type { InboundEvent } from "../../src/events";
import type { InboundMessage } from "../../src/inbound/types";
import { sesReceivedToInboundEvent } from "../../src/ses/webhooks/inbound";
import { createS3ObjectReader } from "../../src/ses/webhooks/s3-object-reader";
import { comparableMessage } from "../helpers/inbound-comparable";
import { putObject, s3LocalClient } from "../helpers/s3-local";
import { fixtureCases } from "../helpers/fixture-cases";
import type { SnsFixtureBody } from "../helpers/fixture-cases";

const { dir, cases, readJson } = fixtureCases("ses-inbound");

function comparableEvent(event: InboundEvent): Record<string, unknown> {
  return {
    eventType: event.eventType,
    timestamp: event.timestamp?.toISOString() ?? null,
    eventId: event.eventId ?? null,
    esp: event.esp,
    message: comparableMessage(event.message),
  };
}

/** Every parsed attached email is reachable from its part, and listed once, in order. */
function expectAttachedMessagesConsistent(message: InboundMessage): void {
  const fromParts = [...message.attachments, ...message.inlines]
    .map((part) => part.message)
    .filter((nested): nested is InboundMessage => nested !== undefined);
  expect(new Set(message.attachedMessages)).toEqual(new Set(fromParts));
  expect(message.attachedMessages).toHaveLength(fromParts.length);
  message.attachedMessages.forEach(expectAttachedMessagesConsistent);
}

/** The S3 reader against s3rver, recording which objects were requested. */
function s3Deps(allowedBuckets: string[]) {
  const client = s3LocalClient();
  const requested: string[] = [];
  const reader = createS3ObjectReader({
    allowedBuckets,
    client: {
      send(command: object, options?: { abortSignal?: AbortSignal }) {
        const input = (command as { input: { Bucket: string; Key: string } }).input;
        requested.push(`${input.Bucket}/${input.Key}`);
        return client.send(command as never, options);
      },
    },
  });
  return { reader, requested, client };
}

describe("SES inbound fixtures", () => {
  it("finds the fixture cases, each with an expected file", () => {
    expect(cases.length).toBeGreaterThanOrEqual(26);
    const files = new Set(readdirSync(dir));
    for (const name of cases) {
      expect(files.has(`${name}.expected.json`), `${name}.expected.json`).toBe(true);
    }
  });

  it.each(cases)("%s", async (name) => {
    const body = readJson(`${name}.json`) as SnsFixtureBody;
    expect(body).toMatchObject({ Type: "Notification", SignatureVersion: "1" });
    const expected = readJson(`${name}.expected.json`) as {
      event?: unknown;
      error?: Record<string, unknown>;
    };
    const sesEvent: unknown = JSON.parse(body.Message);
    const objectFile = `${dir}${name}.s3-object.eml`;
    const action = (sesEvent as { receipt?: { action?: { bucketName?: string; objectKey?: string } } })
      .receipt?.action;
    // The operator names the bucket their receipt rule writes to (fail closed otherwise).
    const { reader, requested, client } = s3Deps(action?.bucketName === undefined ? [] : [action.bucketName]);
    if (existsSync(objectFile)) {
      await putObject(client, action?.bucketName ?? "", action?.objectKey ?? "", readFileSync(objectFile));
    }

    const run = () =>
      sesReceivedToInboundEvent(
        sesEvent,
        { messageId: body.MessageId, timestamp: body.Timestamp, topicArn: body.TopicArn },
        reader,
      );

    if (expected.error !== undefined) {
      const err: unknown = await run().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(MailroomError);
      const e = err as MailroomError;
      expect({
        name: e.name,
        code: e.code,
        message: e.message,
        ...(e instanceof WebhookValidationError ? { httpStatus: e.httpStatus } : {}),
      }).toStrictEqual(expected.error);
      client.destroy();
      return;
    }

    const event = await run();
    client.destroy();
    if (expected.event === null) {
      expect(event).toBeUndefined();
      expect(requested).toEqual([]); // SES's setup object is never downloaded
      return;
    }
    expect(event).toBeDefined();
    const inbound = event as InboundEvent;
    expect(comparableEvent(inbound)).toStrictEqual(expected.event);
    expect(inbound.raw).toStrictEqual(JSON.parse(body.Message));
    expectAttachedMessagesConsistent(inbound.message);
    if (existsSync(objectFile)) {
      expect(requested).toEqual([`${action?.bucketName}/${action?.objectKey}`]);
      expect(inbound.message.raw).toEqual(new Uint8Array(readFileSync(objectFile)));
    } else {
      expect(requested).toEqual([]);
    }
  });
});
