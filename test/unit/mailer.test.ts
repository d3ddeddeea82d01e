import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";

import type { MailerBackend } from "../../src/backend";
import {
  ConfigurationError,
  InvalidAddressError,
  InvalidMessageError,
  RecipientsRefusedError,
  UnsupportedFeatureError,
} from "../../src/errors";
import { createMailer } from "../../src/mailer";
import type { NormalizedMessage } from "../../src/message/types";
import { createMemoryBackend } from "../../src/testing/memory-backend";
import { VERSION } from "../../src/version";

const message = { from: "from@example.com", to: "to@example.com", subject: "Hi", text: "Hello" };

describe("createMailer", () => {
  it("refuses to start without a backend", () => {
    expect(() => createMailer({ backend: undefined as never })).toThrow(ConfigurationError);
  });

  it("runs the named steps in order: defaults, pre-send, build, call, parse, post-send", async () => {
    const steps: string[] = [];
    const backend: MailerBackend<string, string> = {
      name: "Steps",
      buildPayload: (m) => {
        steps.push(`build:${m.subject}`);
        return "payload";
      },
      callApi: async (payload) => {
        steps.push(`call:${payload}`);
        return "response";
      },
      parseResult: (response, _payload, m) => {
        steps.push(`parse:${response}`);
        return {
          recipients: { [m.to[0]?.addrSpec ?? ""]: { status: "queued", messageId: "id-1" } },
          response,
        };
      },
    };
    const mailer = createMailer({
      backend,
      sendDefaults: { subject: "default" },
      preSend: (m) => {
        steps.push(`pre:${m.subject}`);
        return { ...m, subject: "changed" };
      },
      postSend: (m, status) => {
        steps.push(`post:${m.subject}:${status.messageId}`);
      },
    });
    const status = await mailer.send({ from: "a@example.com", to: "b@example.com" });
    expect(steps).toEqual([
      "pre:default",
      "build:changed",
      "call:payload",
      "parse:response",
      "post:changed:id-1",
    ]);
    expect(status.messageId).toBe("id-1");
    expect(mailer.esp).toBe("Steps");
  });

  it("lets a pre-send hook cancel: nothing is sent", async () => {
    const backend = createMemoryBackend();
    const mailer = createMailer({ backend, preSend: (_m, control) => control.cancel("opted out") });
    const status = await mailer.send(message);
    expect(status.cancelled).toBe(true);
    expect(backend.outbox).toHaveLength(0);
  });

  it("propagates other pre-send errors", async () => {
    const mailer = createMailer({
      backend: createMemoryBackend(),
      preSend: () => {
        throw new Error("hook broke");
      },
    });
    await expect(mailer.send(message)).rejects.toThrow("hook broke");
  });

  it("raises RecipientsRefusedError when every recipient was refused, unless told not to", async () => {
    const refusing: MailerBackend<NormalizedMessage, null> = {
      name: "Refusing",
      buildPayload: (m) => m,
      callApi: async () => null,
      parseResult: (_r, m) => ({
        recipients: Object.fromEntries(
          m.to.map((a) => [a.addrSpec, { status: "rejected" as const, messageId: undefined }]),
        ),
        response: null,
      }),
    };
    const err = await createMailer({ backend: refusing })
      .send(message)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RecipientsRefusedError);
    expect((err as RecipientsRefusedError).status.recipients["to@example.com"]?.status).toBe("rejected");
    const status = await createMailer({ backend: refusing, ignoreRecipientStatus: true }).send(message);
    expect(status.statuses).toEqual(new Set(["rejected"]));
  });

  it("validates before any I/O: bad addresses, unknown fields, no recipients", async () => {
    const backend = createMemoryBackend();
    const mailer = createMailer({ backend });
    await expect(mailer.send({ ...message, to: "nobody" })).rejects.toThrow(InvalidAddressError);
    await expect(mailer.send({ ...message, subjet: "typo" } as never)).rejects.toThrow(
      "Unknown message field `subjet`",
    );
    await expect(mailer.send({ from: "a@example.com", subject: "x" })).rejects.toThrow(InvalidMessageError);
    await expect(mailer.send({ ...message, sendAt: new Date("nope") })).rejects.toThrow(/valid Date/);
    await expect(
      mailer.send({ ...message, attachments: [{ filename: "a\r\n.txt", content: "x" }] }),
    ).rejects.toThrow(/CR or LF/);
    expect(backend.outbox).toHaveLength(0);
  });

  it("turns unsupported features into no-ops with ignoreUnsupportedFeatures", async () => {
    const backend: MailerBackend<null, null> = {
      name: "Picky",
      buildPayload: (_m, ctx) => {
        ctx.unsupported("everything");
        return null;
      },
      callApi: async () => null,
      parseResult: () => ({
        recipients: { "to@example.com": { status: "queued", messageId: "1" } },
        response: null,
      }),
    };
    await expect(createMailer({ backend }).send(message)).rejects.toThrow(
      new UnsupportedFeatureError("everything", "Picky").message,
    );
    await expect(
      createMailer({ backend, ignoreUnsupportedFeatures: true }).send(message),
    ).resolves.toMatchObject({ messageId: "1" });
  });
});

describe("createMemoryBackend (mailroom-ses/testing)", () => {
  it("keeps sent messages in an outbox, with statuses for every recipient", async () => {
    const backend = createMemoryBackend();
    const mailer = createMailer({ backend, sendDefaults: { bcc: "audit@example.com" } });
    const status = await mailer.send(message);
    expect(backend.outbox).toHaveLength(1);
    expect(backend.outbox[0]?.message.bcc.map((a) => a.addrSpec)).toEqual(["audit@example.com"]);
    expect(Object.keys(status.recipients)).toEqual(["to@example.com", "audit@example.com"]);
    backend.clear();
    expect(backend.outbox).toHaveLength(0);
  });

  it("fails the next send on demand", async () => {
    const backend = createMemoryBackend();
    const mailer = createMailer({ backend });
    backend.failNext(new Error("SES is down"));
    await expect(mailer.send(message)).rejects.toThrow("SES is down");
    await expect(mailer.send(message)).resolves.toMatchObject({ messageId: "test-message-1" });
  });
});

describe("VERSION", () => {
  it("matches package.json", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    expect(VERSION).toBe(pkg.version);
  });
});
