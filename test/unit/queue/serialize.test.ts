import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { ApiError, InvalidAddressError } from "../../../src/errors";
import { uncheckedEspExtra } from "../../../src/message/esp-extra";
import type { EmailMessage, JsonObject } from "../../../src/message/types";
import { messageWeight, sesRequestWeight } from "../../../src/queue/recipient-weight";
import {
  describeError,
  deserializeMessage,
  restoreStatus,
  serializeMessage,
  storeStatus,
} from "../../../src/queue/serialize";
import { makeSendStatus } from "../../../src/send-status";

const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);

describe("queue serialization", () => {
  it("keeps attachment bytes, Buffers, dates and JSON fields through a JSON string", () => {
    const message: EmailMessage = {
      from: "f@example.com",
      to: ["a@example.com"],
      subject: "Invoice",
      attachments: [
        { filename: "all-bytes.bin", content: bytes },
        { filename: "buffer.bin", content: Buffer.from([0, 255, 13, 10]) },
        { filename: "note.txt", content: "plain text ✓" },
        { filename: "slice.bin", content: bytes.subarray(10, 20) },
      ],
      sendAt: new Date("2031-02-03T04:05:06.789Z"),
      metadata: { orderId: 7, nested: { list: [1, "two", null] } },
      espExtra: uncheckedEspExtra({ Raw: { Data: new Uint8Array([1, 2, 3]) } }),
    };
    const json = serializeMessage(message);
    expect(typeof json).toBe("string");
    const back = deserializeMessage(JSON.parse(JSON.stringify(json)) as string);
    const contents = back.attachments?.map((a) => a.content);
    expect(contents?.[0]).toEqual(bytes);
    expect(contents?.[0]).toBeInstanceOf(Uint8Array);
    expect(contents?.[1]).toEqual(new Uint8Array([0, 255, 13, 10]));
    expect(contents?.[2]).toBe("plain text ✓");
    expect(contents?.[3]).toEqual(bytes.subarray(10, 20));
    expect(back.sendAt).toEqual(message.sendAt);
    expect(back.metadata).toEqual(message.metadata);
    const extra = back.espExtra as { Raw?: { Data: Uint8Array } } | undefined;
    expect(extra?.Raw?.Data).toEqual(new Uint8Array([1, 2, 3]));
  });

  it("gives back user data that looks like its own tags unchanged", () => {
    const lookalikes: JsonObject[] = [
      { $mailroom: "bytes", base64: "AAEC" },
      { $mailroom: "date", iso: "2030-01-01T00:00:00.000Z" },
      { $mailroom: "date", iso: "not a date" },
      { $mailroom: "something else", x: 1 },
      { $mailroom: "bytes" },
      { $$mailroom: "bytes", base64: "AAEC" },
      { $: 1, $$: 2, $$$: { $mailroom: "bytes", base64: "" } },
    ];
    const message: EmailMessage = {
      to: "a@example.com",
      metadata: { lookalikes, nested: { $mailroom: "bytes", base64: "AA==" } },
      mergeData: { "a@example.com": { $mailroom: "date", iso: "x" } },
      attachments: [{ filename: "a.bin", content: bytes }],
      sendAt: new Date("2031-02-03T04:05:06.789Z"),
    };
    const back = deserializeMessage(serializeMessage(message));
    expect(back.metadata).toEqual(message.metadata);
    expect(back.mergeData).toEqual(message.mergeData);
    expect(back.attachments?.[0]?.content).toEqual(bytes);
    expect(back.sendAt).toEqual(message.sendAt);
  });

  it("round-trips any JSON value in every JSON field (property)", () => {
    const withLookalikes = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        fc.jsonValue({ maxDepth: 2 }),
        fc.record(
          { $mailroom: fc.constantFrom("bytes", "date", "x"), base64: fc.string(), iso: fc.string() },
          {
            requiredKeys: ["$mailroom"],
          },
        ),
        fc.dictionary(
          fc.constantFrom("$mailroom", "$$mailroom", "$", "$$x", "a", "__proto__"),
          tie("value"),
          {
            maxKeys: 3,
          },
        ),
        fc.array(tie("value"), { maxLength: 3 }),
      ),
    })).value;
    fc.assert(
      fc.property(fc.dictionary(fc.string(), withLookalikes), (metadata) => {
        // What JSON itself can carry (-0 becomes 0): that much must come back exactly.
        const expected: unknown = JSON.parse(JSON.stringify(metadata));
        const back = deserializeMessage(
          serializeMessage({ metadata: metadata as never, mergeGlobalData: metadata as never }),
        );
        expect(back.metadata).toStrictEqual(expected);
        expect(back.mergeGlobalData).toStrictEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it("stores a status without its Set and raw response, and restores it", () => {
    const status = makeSendStatus(
      { "a@example.com": { status: "queued", messageId: "m" } },
      { huge: "response" },
    );
    const restored = restoreStatus(
      JSON.parse(JSON.stringify(storeStatus(status))) as ReturnType<typeof storeStatus>,
    );
    expect(restored.statuses).toEqual(new Set(["queued"]));
    expect(restored.messageId).toBe("m");
    expect(restored.recipients).toEqual(status.recipients);
    expect(restored.response).toBeUndefined();
  });

  it("describes errors with their stable fields", () => {
    expect(describeError(new ApiError("no", { awsCode: "MessageRejected", httpStatus: 400 }))).toEqual({
      name: "ApiError",
      message: "no",
      code: "api_error",
      awsCode: "MessageRejected",
      httpStatus: 400,
      kind: "permanent",
    });
    expect(describeError(new InvalidAddressError("bad", "to", "x"))).toMatchObject({
      name: "InvalidAddressError",
      code: "invalid_address",
      kind: "permanent",
    });
  });
});

describe("recipient weights", () => {
  it("counts every destination of a SendEmail or SendBulkEmail request", () => {
    expect(
      sesRequestWeight({ Destination: { ToAddresses: ["a", "b"], CcAddresses: ["c"], BccAddresses: ["d"] } }),
    ).toBe(4);
    const entries = Array.from({ length: 50 }, () => ({
      Destination: { ToAddresses: ["x"], CcAddresses: ["cc"] },
    }));
    expect(sesRequestWeight({ BulkEmailEntries: entries })).toBe(100);
    expect(sesRequestWeight({})).toBe(1);
    expect(sesRequestWeight("nonsense")).toBe(1);
  });

  it("counts a message's recipients, with template copies for cc and bcc", () => {
    expect(messageWeight({ to: "a@example.com, Bob <b@example.com>", cc: ["c@example.com"] })).toBe(3);
    expect(
      messageWeight({ to: ["a@example.com", "b@example.com"], cc: "c@example.com", templateId: "T" }),
    ).toBe(4);
    expect(
      messageWeight({ to: ["a@example.com"], mergeData: {}, bcc: ["x@example.com", "y@example.com"] }),
    ).toBe(3);
    expect(messageWeight({ to: "not an address" })).toBe(1);
    expect(messageWeight({})).toBe(1);
  });
});
