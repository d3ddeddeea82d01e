import MailComposer from "nodemailer/lib/mail-composer";
import PostalMime from "postal-mime";
import { describe, expect, it } from "vitest";

import { InvalidMessageError, SerializationError } from "../../src/errors";
import type { EmailMessage } from "../../src/message/types";
import { serializeMimeTree } from "../../src/ses/payload/mime-serializer";
import { buildAndParse, headerValues } from "../helpers/raw-message";

const base: EmailMessage = { from: "a@example.com", to: "b@example.com", subject: "Hi", text: "Hello" };

async function refusal(message: EmailMessage): Promise<InvalidMessageError> {
  const error = await buildAndParse(message).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(InvalidMessageError);
  return error as InvalidMessageError;
}

/** The top-level header block of a raw message (before the first empty line). */
function topHeaders(raw: string): string {
  return raw.slice(0, raw.indexOf("\r\n\r\n", 2));
}

describe("token-like fields are ASCII tokens (no header injection past the CR/LF check)", () => {
  it.each([
    ["U+010D U+010A (latin1 turns them into CR LF)", "l\u010D\u010AReply-To:attacker@evil.example"],
    ["a space", "logo 1@example.com"],
    ["angle brackets", "<logo@example.com>"],
    ["non-ASCII", "logö@example.com"],
    ["U+2028", "logo\u2028@example.com"],
    ["an empty string", ""],
  ])("refuses a contentId with %s, naming the field", async (_label, contentId) => {
    const error = await refusal({
      ...base,
      attachments: [{ filename: "logo.png", content: new Uint8Array([1]), contentId }],
    });
    expect(error.field).toBe("attachments[0].contentId");
  });

  it("accepts RFC 2392 ids and the bare ids nodemailer users write", async () => {
    for (const contentId of [
      "logo@example.com",
      "img.1b4e28ba@mailroom.inline",
      "logo",
      "a+b=c@[127.0.0.1]",
    ]) {
      const { raw } = await buildAndParse({
        ...base,
        html: `<img src="cid:${contentId}">`,
        attachments: [{ filename: "logo.png", content: new Uint8Array([1]), contentId }],
      });
      expect(raw).toContain(`\r\nContent-ID: <${contentId}>\r\n`);
    }
  });

  it("refuses a disposition other than attachment or inline", async () => {
    const error = await refusal({
      ...base,
      attachments: [
        {
          filename: "a.txt",
          content: "x",
          disposition: "inline\u010D\u010AReply-To: x@evil.example" as "inline",
        },
      ],
    });
    expect(error.field).toBe("attachments[0].disposition");
  });

  it.each([
    ["U+010D U+010A", "text/x-amp-html\u010D\u010A\u010D\u010Aforged body"],
    ["a parameter with non-ASCII", "text/x-amp-html; x=ä"],
    ["no subtype", "text"],
    ["a tspecial in the type", "te(x)t/html"],
    ["an unterminated quoted parameter", 'text/html; a="b'],
  ])("refuses an alternative content type with %s, naming the field", async (_label, contentType) => {
    const error = await refusal({ ...base, alternatives: [{ content: "<p>x</p>", contentType }] });
    expect(error.field).toBe("alternatives[0].contentType");
  });

  it("refuses an attachment content type whose parameters are not ASCII", async () => {
    const error = await refusal({
      ...base,
      attachments: [
        { filename: "a.bin", content: new Uint8Array([1]), contentType: "application/x; a=\u010D\u010A" },
      ],
    });
    expect(error.field).toBe("attachments[0].contentType");
  });

  it("the crafted contentId of the report no longer reaches the top-level headers", async () => {
    const attack: EmailMessage = {
      from: "a@example.com",
      to: "b@example.com",
      attachments: [
        { content: "x", contentType: "image/png", contentId: "l\u010D\u010AReply-To:attacker@evil.example" },
      ],
    };
    await expect(buildAndParse(attack)).rejects.toThrow(InvalidMessageError);
  });
});

describe("the serializer itself refuses to emit anything but 7-bit lines of at most 998 octets", () => {
  it("throws SerializationError on a character above 0x7E in a header", () => {
    const root = new MailComposer({ from: "a@example.com", to: "b@example.com", text: "x" }).compile();
    root.setHeader("X-Test", { prepared: true, value: "caf\u00e9" });
    expect(() => serializeMimeTree(root)).toThrow(SerializationError);
  });

  it("throws SerializationError on a latin1 trick character (U+010A) anywhere", () => {
    const root = new MailComposer({ from: "a@example.com", to: "b@example.com", text: "x" }).compile();
    root.setHeader("X-Test", { prepared: true, value: "a\u010D\u010AReply-To: x@evil.example" });
    expect(() => serializeMimeTree(root)).toThrow(SerializationError);
  });

  it("throws SerializationError on a line over 998 octets", () => {
    const root = new MailComposer({ from: "a@example.com", to: "b@example.com", text: "x" }).compile();
    root.setHeader("X-Test", { prepared: true, value: "a".repeat(1_000) });
    expect(() => serializeMimeTree(root)).toThrow(SerializationError);
  });

  it("throws SerializationError on a bare LF or a NUL", () => {
    for (const value of ["a\nb: c", "a\u0000b"]) {
      const root = new MailComposer({ from: "a@example.com", to: "b@example.com", text: "x" }).compile();
      root.setHeader("X-Test", { prepared: true, value });
      expect(() => serializeMimeTree(root)).toThrow(SerializationError);
    }
  });
});

describe("bodies with characters the serializer refuses", () => {
  it("sends a body with DEL (0x7F) quoted-printable instead of 7bit", async () => {
    const { raw } = await buildAndParse({ ...base, html: "<p>a\u007fb</p>" });
    expect(raw).toMatch(
      /Content-Type: text\/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<p>a=7Fb<\/p>/,
    );
  });
});

describe("custom headers cannot replace the structure Mailroom writes", () => {
  it.each([
    ["Content-Type", "text/html", "html"],
    ["content-transfer-encoding", "8bit", "transfer encoding"],
    ["MIME-Version", "2.0", "MIME-Version"],
    ["X-Metadata", '{"a": 1}', "metadata"],
    ["X-Tag", "welcome", "tags"],
    ["Cc", "c@example.com", "cc"],
  ])("refuses %s in headers and says where the value belongs", async (name, value, hint) => {
    const error = await refusal({ ...base, headers: { [name]: value } });
    expect(error.field).toBe(`headers.${name}`);
    expect(error.message).toContain(hint);
  });

  it("refuses them in mergeHeaders too", async () => {
    const { normalizeMessage } = await import("../../src/message/normalize");
    expect(() =>
      normalizeMessage({
        ...base,
        templateId: "t",
        mergeHeaders: { "b@example.com": { "Content-Type": "text/html" } },
      }),
    ).toThrow(InvalidMessageError);
  });

  it("keeps a To header as the documented spoofed To (shown, not delivered)", async () => {
    const { raw, input } = await buildAndParse({ ...base, headers: { To: "Everyone <all@example.com>" } });
    expect(topHeaders(raw)).toContain("\r\nTo: Everyone <all@example.com>\r\n");
    expect(input.Destination?.ToAddresses).toEqual(["b@example.com"]);
  });
});

describe("attached messages and multipart attachments", () => {
  const eightBit = new Uint8Array(
    Buffer.from("From: x@example.com\nSubject: \u0000y\n\nbody \xff\xfe\n", "latin1"),
  );

  it("sends a message/rfc822 attachment that is not 7-bit clean as base64, bytes intact", async () => {
    const { raw, parsed } = await buildAndParse({
      ...base,
      attachments: [{ filename: "m.eml", content: eightBit, contentType: "message/rfc822" }],
    });
    expect(raw).toMatch(/^[\t\r\n\x20-\x7e]*$/);
    expect(raw).not.toContain("Content-Transfer-Encoding: 8bit");
    const part = raw.slice(raw.indexOf("Content-Type: message/rfc822"));
    expect(part).toMatch(/^Content-Type: message\/rfc822[^]*?Content-Transfer-Encoding: base64/);
    const attached = parsed.attachments.find((a) => a.mimeType === "message/rfc822");
    expect(attached).toBeDefined();
  });

  it("sends message/global the same way", async () => {
    const { raw } = await buildAndParse({
      ...base,
      attachments: [{ filename: "m.u8msg", content: eightBit, contentType: "message/global" }],
    });
    expect(raw).toMatch(/^[\t\r\n\x20-\x7e]*$/);
    expect(raw).toMatch(/Content-Type: message\/global[^]*?Content-Transfer-Encoding: base64/);
  });

  it("keeps a 7-bit clean attached message as it is (7bit)", async () => {
    const clean = "From: x@example.com\r\nSubject: y\r\n\r\nbody\r\n";
    const { raw } = await buildAndParse({
      ...base,
      attachments: [{ filename: "m.eml", content: clean, contentType: "message/rfc822" }],
    });
    expect(raw).toContain(
      `Content-Transfer-Encoding: 7bit\r\nContent-Disposition: attachment; filename=m.eml\r\n\r\n${clean}`,
    );
  });

  it("refuses an attachment typed multipart/* (it would vanish for the recipient)", async () => {
    const error = await refusal({
      ...base,
      attachments: [{ filename: "parts.bin", content: "abc", contentType: "multipart/mixed" }],
    });
    expect(error.field).toBe("attachments[0].contentType");
    expect(error.message).toContain("application/octet-stream");
  });
});

describe("every text part says its charset", () => {
  /** Every Content-Type header in the raw message, unfolded. */
  function contentTypes(raw: string): string[] {
    return [...raw.replace(/\r\n[ \t]+/g, " ").matchAll(/\r\nContent-Type: ([^\r\n]*)/gi)].map(
      (m) => m[1] as string,
    );
  }

  it("labels text, html, AMP and other text alternatives and text attachments", async () => {
    const { raw, parsed } = await buildAndParse({
      ...base,
      text: "plain ascii",
      html: "<p>⚡</p>",
      alternatives: [
        { content: "<!doctype html><html ⚡4email><body>⚡</body></html>", contentType: "text/x-amp-html" },
        { content: "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", contentType: "text/calendar; method=REQUEST" },
      ],
      attachments: [
        { filename: "notes.txt", content: "ünïcode" },
        { filename: "bytes.csv", content: new Uint8Array(Buffer.from("a,b\r\n€,2\r\n")) },
      ],
    });
    const textTypes = contentTypes(raw).filter((value) => /^text\//i.test(value));
    expect(textTypes).toHaveLength(6);
    for (const value of textTypes) {
      expect(value).toMatch(/;\s*charset=utf-8/i);
    }
    // Read back: the AMP body decodes to the lightning bolt, not mojibake.
    const amp = raw.slice(raw.indexOf("Content-Type: text/x-amp-html"));
    expect(amp).toContain("=E2=9A=A1");
    expect(parsed.html?.startsWith("<p>⚡</p>")).toBe(true);
    expect(headerValues(parsed, "mime-version")).toEqual(["1.0"]);
    const reparsed = await PostalMime.parse(raw.slice(2));
    expect(reparsed.text?.startsWith("plain ascii")).toBe(true);
  });

  it("keeps a charset the caller gave and does not claim UTF-8 for bytes that are not UTF-8", async () => {
    const { raw } = await buildAndParse({
      ...base,
      attachments: [
        {
          filename: "latin.txt",
          content: new Uint8Array([0x63, 0x61, 0x66, 0xe9]),
          contentType: "text/plain; charset=iso-8859-1",
        },
      ],
    });
    expect(raw).toContain("Content-Type: text/plain; charset=iso-8859-1");
  });

  it("refuses text bytes that are not UTF-8 when no charset says what they are", async () => {
    const error = await refusal({
      ...base,
      attachments: [{ filename: "latin.txt", content: new Uint8Array([0x63, 0x61, 0x66, 0xe9]) }],
    });
    expect(error.field).toBe("attachments[0].contentType");
    expect(error.message).toContain("charset=");
  });

  it("refuses a non-UTF-8 charset on string content, which is always sent as UTF-8", async () => {
    const error = await refusal({
      ...base,
      alternatives: [{ content: "x", contentType: "text/x-amp-html; charset=iso-8859-1" }],
    });
    expect(error.field).toBe("alternatives[0].contentType");
  });

  it("sends a text attachment with bare LFs byte-exact (base64), not as broken 7bit", async () => {
    const { raw, parsed } = await buildAndParse({
      ...base,
      attachments: [{ filename: "a.csv", content: "a,b\n1,2" }],
    });
    expect(raw).toMatch(/Content-Type: text\/csv; charset=utf-8[^]*?Content-Transfer-Encoding: base64/);
    const csv = parsed.attachments.find((a) => a.filename === "a.csv");
    expect(Buffer.from(csv?.content as ArrayBuffer).toString()).toBe("a,b\n1,2");
  });
});
