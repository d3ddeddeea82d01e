import { afterEach, describe, expect, it } from "vitest";

import { InvalidAddressError, UnsupportedFeatureError } from "../../../src/errors";
import { createMailer } from "../../../src/mailer";
import type { EmailMessage } from "../../../src/message/types";
import { createMailQueue } from "../../../src/queue/create-queue";
import type { MailQueue } from "../../../src/queue/types";
import { amazonSes } from "../../../src/ses/backend";
import { createMemoryBackend } from "../../../src/testing/memory-backend";

const queues: MailQueue[] = [];
afterEach(async () => {
  await Promise.all(queues.splice(0).map((q) => q.close()));
});

const message: EmailMessage = {
  from: "f@example.com",
  to: "a@example.com",
  cc: "c@example.com",
  subject: "Later",
};

/** An SES backend whose client must never be called (scheduling does no I/O). */
const sesBackend = () =>
  amazonSes({
    client: {
      send: async () => {
        throw new Error("no SES call expected");
      },
    },
  });

describe("sendAt with a queue", () => {
  it("enqueues a delayed job and returns a scheduled status with the job id; a worker sends it later", async () => {
    const queue = createMailQueue({ memory: true });
    queues.push(queue);
    const backend = createMemoryBackend();
    const mailer = createMailer({ backend, queue, sendDefaults: { bcc: "audit@example.com" } });
    const sendAt = new Date(Date.now() + 200);
    const status = await mailer.send({ ...message, sendAt });
    expect(status.jobId).toEqual(expect.any(String));
    expect(status.statuses).toEqual(new Set(["scheduled"]));
    expect(Object.keys(status.recipients)).toEqual(["a@example.com", "c@example.com", "audit@example.com"]);
    expect(backend.outbox).toHaveLength(0);
    expect(await queue.result(status.jobId as string)).toMatchObject({ state: "delayed", sendAt });

    queue.work({ mailer });
    const result = await queue.waitForResult(status.jobId as string);
    expect(result.state).toBe("sent");
    // Send defaults were applied once, by the worker's mailer.
    expect(backend.outbox[0]?.message.bcc.map((a) => a.addrSpec)).toEqual(["audit@example.com"]);
    expect(backend.outbox[0]?.message.sendAt).toBeUndefined();
  });

  it("lifts the SES backend's unsupported-feature error for sendAt", async () => {
    const queue = createMailQueue({ memory: true });
    queues.push(queue);
    const sendAt = new Date(Date.now() + 60_000);
    await expect(createMailer({ backend: sesBackend() }).send({ ...message, sendAt })).rejects.toThrow(
      UnsupportedFeatureError,
    );
    const status = await createMailer({ backend: sesBackend(), queue }).send({ ...message, sendAt });
    expect(status.statuses).toEqual(new Set(["scheduled"]));
  });

  it("validates before enqueueing: a message the backend would refuse never reaches the queue", async () => {
    const enqueued: EmailMessage[] = [];
    const queue = {
      enqueue: async (m: EmailMessage) => {
        enqueued.push(m);
        return "job";
      },
    };
    const mailer = createMailer({ backend: sesBackend(), queue });
    const sendAt = new Date(Date.now() + 60_000);
    await expect(mailer.send({ ...message, to: "nobody", sendAt })).rejects.toThrow(InvalidAddressError);
    await expect(mailer.send({ ...message, mergeData: { "a@example.com": {} }, sendAt })).rejects.toThrow(
      UnsupportedFeatureError,
    );
    expect(enqueued).toEqual([]);
    await mailer.send({ ...message, sendAt });
    expect(enqueued).toEqual([{ ...message, sendAt }]);
  });

  it("takes a sendAt from send defaults too, and sends at once without one", async () => {
    const enqueued: (Date | undefined)[] = [];
    const queue = {
      enqueue: async (_m: EmailMessage, options?: { sendAt?: Date }) => {
        enqueued.push(options?.sendAt);
        return "job";
      },
    };
    const backend = createMemoryBackend();
    const sendAt = new Date(Date.now() + 60_000);
    await createMailer({ backend, queue, sendDefaults: { sendAt } }).send(message);
    expect(enqueued).toEqual([sendAt]);
    await createMailer({ backend, queue }).send(message);
    expect(backend.outbox).toHaveLength(1);
  });
});
