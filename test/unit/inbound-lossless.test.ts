/**
 * Lossless inbound MIME (issue 12, items 1-4): bodies lose only the line break that belongs to the
 * boundary, attachments are byte-exact under every transfer encoding, attached messages keep their
 * original bytes, and every From / Sender / Reply-To address is kept.
 */
import { describe, expect, it } from "vitest";

import { parseInboundMessage } from "../../src/inbound/inbound-message";

const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

/** A multipart/mixed message around `parts` (each a full part: headers, blank line, body). */
function mixed(parts: string[], headers = "From: a@example.org\r\nTo: b@example.com\r\n"): Uint8Array {
  return encode(
    `${headers}Subject: parts\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n` +
      parts.map((part) => `--b\r\n${part}\r\n`).join("") +
      "--b--\r\n",
  );
}

// A 32-byte iCalendar body: CRLF line endings, as RFC 5545 requires.
const INVITE = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n";
const CSV = "a,b\r\n1,2";

function qp(text: string): string {
  return [...encode(text)]
    .map((byte) =>
      byte === 0x0d || byte === 0x0a || (byte >= 0x21 && byte <= 0x7e && byte !== 0x3d)
        ? String.fromCharCode(byte)
        : `=${byte.toString(16).toUpperCase().padStart(2, "0")}`,
    )
    .join("");
}

function encoded(text: string, encoding: string): string {
  switch (encoding) {
    case "base64":
      return Buffer.from(text).toString("base64").replace(/.{76}/g, "$&\r\n");
    case "quoted-printable":
      return qp(text);
    default:
      return text;
  }
}

describe("lossless inbound MIME", () => {
  it("gives the body without the CRLF that belongs to the boundary (RFC 2046 §5.1.1)", async () => {
    const text = await parseInboundMessage(
      encode(
        "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nHello\r\n--b",
      ),
    );
    expect(text.text).toBe("Hello");
    const html = await parseInboundMessage(
      encode(
        "Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>Hello</p>\r\n\r\n--b--\r\n",
      ),
    );
    expect(html.html).toBe("<p>Hello</p>\r\n");
  });

  it.each(["7bit", "8bit", "binary", "base64", "quoted-printable"])(
    "keeps a calendar invite, an .ics file and a CSV byte-exact under %s",
    async (encoding) => {
      const cte = `Content-Transfer-Encoding: ${encoding}\r\n`;
      const message = await parseInboundMessage(
        mixed([
          "Content-Type: text/plain; charset=utf-8\r\n\r\nSee attached.",
          `Content-Type: text/calendar; method=REQUEST; charset=utf-8\r\n${cte}Content-Disposition: attachment; filename=invite.ics\r\n\r\n${encoded(INVITE, encoding)}`,
          `Content-Type: application/ics; name=invite.ics\r\n${cte}\r\n${encoded(INVITE, encoding)}`,
          `Content-Type: text/csv\r\n${cte}Content-Disposition: attachment; filename=data.csv\r\n\r\n${encoded(CSV, encoding)}`,
        ]),
      );
      expect(message.text).toBe("See attached.");
      const [calendar, ics, csv] = message.attachments;
      expect(calendar?.contentType).toBe("text/calendar");
      expect(decode(calendar?.content)).toBe(INVITE);
      expect(calendar?.size).toBe(32);
      expect(ics?.contentType).toBe("application/ics");
      expect(decode(ics?.content)).toBe(INVITE);
      expect(decode(csv?.content)).toBe(CSV);
    },
  );

  it("keeps random binary bytes exact under base64, 8bit and binary", async () => {
    const bytes = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + (i >> 3)) % 256);
    for (const encoding of ["base64", "8bit", "binary"]) {
      const body =
        encoding === "base64" ? Buffer.from(bytes).toString("base64") : Buffer.from(bytes).toString("latin1");
      const raw = Buffer.from(
        'Content-Type: multipart/mixed; boundary="=_bytes"\r\n\r\n--=_bytes\r\n' +
          `Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: ${encoding}\r\n\r\n${body}\r\n--=_bytes--\r\n`,
        "latin1",
      );
      const message = await parseInboundMessage(new Uint8Array(raw));
      expect(message.attachments[0]?.content, encoding).toEqual(bytes);
    }
  });

  it("keeps an attached message's exact original bytes (813 in, 813 out) and parses it on demand", async () => {
    let attached =
      "Return-Path: <carol@example.com>\r\nFrom: Carol <carol@example.com>\r\nTo: dave@example.com\r\n" +
      "Subject: Original question\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=inner\r\n" +
      "X-Pad: \r\n\r\n--inner\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nCan you look at the notes?\r\n\r\n" +
      "--inner\r\nContent-Type: text/plain; name=notes.txt\r\nContent-Disposition: attachment; filename=notes.txt\r\n\r\n" +
      "note one\nnote two\n\r\n--inner--\r\n";
    attached = attached.replace("X-Pad: ", `X-Pad: ${"x".repeat(813 - attached.length)}`);
    expect(attached.length).toBe(813);
    const message = await parseInboundMessage(
      mixed([
        "Content-Type: text/plain\r\n\r\nForwarded below.",
        `Content-Type: message/rfc822\r\nContent-Disposition: attachment; filename="question.eml"\r\n\r\n${attached}`,
      ]),
    );
    const [part] = message.attachments;
    expect(part?.size).toBe(813);
    expect(decode(part?.content)).toBe(attached);
    expect(part?.message?.raw).toEqual(encode(attached));
    expect(part?.message?.subject).toBe("Original question");
    expect(part?.message?.text).toBe("Can you look at the notes?\r\n");
    expect(decode(part?.message?.attachments[0]?.content)).toBe("note one\nnote two\n");
  });

  it("keeps every From, Sender and Reply-To address", async () => {
    const message = await parseInboundMessage(
      encode(
        "From: Alpha <a@example.org>, Beta <b@example.org>\r\n" +
          "Sender: Desk <desk@example.org>, Other <other@example.org>\r\n" +
          "Reply-To: Team: c@example.org, d@example.org;\r\n" +
          "Reply-To: e@example.org\r\nSubject: several\r\n\r\nbody",
      ),
    );
    expect(message.fromAddresses.map(String)).toEqual(["Alpha <a@example.org>", "Beta <b@example.org>"]);
    expect(String(message.from)).toBe("Alpha <a@example.org>");
    expect(message.senderAddresses.map((a) => a.addrSpec)).toEqual(["desk@example.org", "other@example.org"]);
    expect(message.sender?.addrSpec).toBe("desk@example.org");
    expect(message.replyTo.map((a) => a.addrSpec)).toEqual([
      "c@example.org",
      "d@example.org",
      "e@example.org",
    ]);

    const none = await parseInboundMessage(encode("Subject: nobody\r\n\r\nbody"));
    expect([none.from, none.fromAddresses, none.sender, none.senderAddresses]).toEqual([
      undefined,
      [],
      undefined,
      [],
    ]);
  });
});
