import { describe, expect, it } from "vitest";

import { InvalidAddressError, InvalidMessageError } from "../../src/errors";
import { normalizeMessage } from "../../src/message/normalize";
import type { EmailMessage } from "../../src/message/types";
import { buildAndParse } from "../helpers/raw-message";

const base: EmailMessage = { from: "a@example.com", to: "b@example.com", subject: "Hi", text: "Hello" };

function errorOf(message: EmailMessage): unknown {
  try {
    normalizeMessage(message);
  } catch (err) {
    return err;
  }
  return undefined;
}

describe("attachment fields from nodemailer are refused with the Mailroom name", () => {
  it.each([
    ["cid", "logo@example.com", "contentId"],
    ["contentDisposition", "inline", "disposition"],
    ["encoding", "base64", "Buffer.from"],
    ["path", "/etc/passwd", "readFile"],
    ["href", "https://example.com/a.pdf", "download"],
    ["contentTransferEncoding", "8bit", "transfer encoding"],
    ["headers", { "X-A": "b" }, "not supported"],
    ["somethingElse", 1, "Unknown attachment field"],
  ])("%s", (field, value, hint) => {
    const err = errorOf({
      ...base,
      attachments: [{ filename: "a.png", content: new Uint8Array([1]), [field]: value } as never],
    });
    expect(err).toBeInstanceOf(InvalidMessageError);
    expect((err as InvalidMessageError).field).toBe(`attachments[0].${field}`);
    expect((err as Error).message).toContain(hint);
  });

  it("refuses stream content with a hint, and missing content", async () => {
    const { Readable } = await import("node:stream");
    const stream = errorOf({
      ...base,
      attachments: [{ filename: "a.bin", content: Readable.from([]) as never }],
    });
    expect(stream).toBeInstanceOf(InvalidMessageError);
    expect((stream as Error).message).toContain("collect the stream");
    const missing = errorOf({ ...base, attachments: [{ filename: "a.bin" } as never] });
    expect(missing).toBeInstanceOf(InvalidMessageError);
  });
});

describe("address objects { name, address }", () => {
  it("are accepted wherever an address is: from, to, cc, bcc, replyTo, envelopeSender", async () => {
    const { input, raw } = await buildAndParse({
      from: { name: "Shop, Inc.", address: "shop@example.com" },
      to: [{ name: "Zoë", address: "zoe@example.com" }, "bob@example.com"],
      cc: { address: "carol@example.com" },
      bcc: [{ name: "Audit", address: "audit@example.com" }],
      replyTo: { name: "Support", address: "support@example.com" },
      envelopeSender: { address: "bounces@example.com" },
      subject: "Hi",
      text: "Hello",
    });
    expect(input.Destination).toEqual({
      ToAddresses: ["zoe@example.com", "bob@example.com"],
      CcAddresses: ["carol@example.com"],
      BccAddresses: ["audit@example.com"],
    });
    expect(input.FeedbackForwardingEmailAddress).toBe("bounces@example.com");
    expect(raw).toContain('\r\nFrom: "Shop, Inc." <shop@example.com>\r\n');
    expect(raw).toContain("\r\nTo: =?UTF-8?Q?Zo=C3=AB?= <zoe@example.com>, bob@example.com\r\n");
    expect(raw).toContain("\r\nReply-To: Support <support@example.com>\r\n");
  });

  it.each([
    ["a number", 42],
    ["null in a list", [null]],
    ["an object without address", { name: "Bob" }],
    ["an address with a display name inside", { address: "Bob <bob@example.com>" }],
    ["a name with a line break", { name: "Bob\r\nBcc: x@evil.example", address: "bob@example.com" }],
    ["an unknown key", { name: "Bob", address: "bob@example.com", email: "x" }],
    ["a nested list", [["a@example.com"]]],
    ["a bad addr-spec", { address: "not an address" }],
  ])("anything else is a typed InvalidAddressError, never a TypeError: %s", (_label, to) => {
    const err = errorOf({ ...base, to: to as never });
    expect(err).toBeInstanceOf(InvalidAddressError);
    expect((err as InvalidAddressError).field).toBe("to");
  });

  it("refuses a list for from and envelopeSender with a typed error", () => {
    expect(errorOf({ ...base, envelopeSender: ["a@example.com"] as never })).toBeInstanceOf(
      InvalidAddressError,
    );
    expect(errorOf({ ...base, from: 7 as never })).toBeInstanceOf(InvalidAddressError);
  });
});
