import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { MailroomError } from "../../src/errors";
import { HeaderMap } from "../../src/inbound/header-map";
import { InboundAddress } from "../../src/inbound/inbound-address";
import { parseInboundMessage } from "../../src/inbound/inbound-message";
import { InboundParseError } from "../../src/inbound/parse-error";

const mimeDir = fileURLToPath(new URL("../fixtures/mime/", import.meta.url));
const eml = (name: string) => new Uint8Array(readFileSync(`${mimeDir}${name}.eml`));
const bytes = (text: string) => new TextEncoder().encode(text.replace(/\r?\n/g, "\r\n"));
const utf8 = (data: Uint8Array) => new TextDecoder().decode(data);

describe("parseInboundMessage", () => {
  it("parses Anymail's shared inbound message", async () => {
    const message = await parseInboundMessage(eml("alternative-qp"));
    expect(String(message.from)).toBe('"Sender, Inc." <from@example.org>');
    expect(message.to.map(String)).toEqual(["Recipient <inbound@example.com>", "someone-else@example.org"]);
    expect(message.subject).toBe("Test inbound message");
    expect(message.date?.toISOString()).toBe("2018-03-30T17:21:50.000Z");
    // Line breaks as the message has them (CRLF); the one before the boundary belongs to it.
    // The same values as Anymail's SNS inbound test.
    expect(message.text).toBe("It's a body…\r\n");
    expect(message.html).toBe('<div dir="ltr">It\'s a body…</div>\r\n');
    expect(message.headers.getAll("received")).toHaveLength(2);
    expect(message.attachments).toEqual([]);
    expect(message.raw).toEqual(eml("alternative-qp"));
  });

  it("carries the receipt: envelope, verdicts and spamDetected", async () => {
    const message = await parseInboundMessage(eml("alternative-qp"), {
      envelopeSender: "bounce@example.org",
      envelopeRecipient: "hidden@example.com",
      verdicts: { spam: "FAIL", virus: "pass", dmarc: "FAIL", dmarcPolicy: "quarantine" },
    });
    expect(message.envelopeSender).toBe("bounce@example.org");
    expect(message.envelopeRecipient).toBe("hidden@example.com");
    expect(message.to.map((a) => a.addrSpec)).not.toContain("hidden@example.com");
    expect(message.verdicts).toStrictEqual({
      spam: "FAIL",
      virus: "PASS",
      spf: undefined,
      dkim: undefined,
      dmarc: "FAIL",
      dmarcPolicy: "quarantine",
    });
    expect(message.spamDetected).toBe(true);

    const bare = await parseInboundMessage(eml("alternative-qp"));
    expect(bare.envelopeSender).toBeUndefined();
    expect(bare.spamDetected).toBeUndefined();
    expect(Object.values(bare.verdicts).every((v) => v === undefined)).toBe(true);
  });

  it("decodes RFC 2231 file names (extended, continued) and RFC 2047 name parameters", async () => {
    const message = await parseInboundMessage(eml("attachments-rfc2231"));
    expect(message.attachments.map((a) => a.filename)).toEqual([
      "Rechnung März 2024.pdf",
      "Übersicht der Posten – Q1.csv",
      "Kostenübersicht.xlsx",
    ]);
    const [pdf, csv, xlsx] = message.attachments;
    expect(pdf?.contentType).toBe("application/pdf");
    expect(utf8(pdf?.content ?? new Uint8Array()).startsWith("%PDF-1.4")).toBe(true);
    expect(csv?.content).toEqual(
      new TextEncoder().encode("Posten;Betrag\r\nMiete;1200,00\r\nStrom;85,50\r\n"),
    );
    expect(csv?.size).toBe(csv?.content.byteLength);
    expect(xlsx?.description).toBe("Kostenübersicht");
    expect(message.inlines).toEqual([]);
    expect(message.from?.displayName).toBe("Jürgen Müller");
    expect(message.references).toEqual(["<ticket-8812@example.com>", "<20240510.abc@mail-out.example.net>"]);
    expect(message.inReplyTo).toBe("<ticket-8812@example.com>");
  });

  it("maps Content-IDs (without brackets) to inline parts of multipart/related", async () => {
    const message = await parseInboundMessage(eml("inline-cid"));
    const cids = [...(message.html ?? "").matchAll(/cid:([^"]+)/g)].map((m) => m[1]);
    expect(cids).toEqual(["logo@example.com", "spacer.gif@01DA1234.5678"]);
    for (const cid of cids) {
      const part = message.contentIdMap.get(cid ?? "");
      expect(part, cid).toBeDefined();
      expect(message.inlines).toContain(part);
    }
    const logo = message.contentIdMap.get("logo@example.com");
    expect(logo?.disposition).toBe("inline");
    expect([...(logo?.content.subarray(0, 4) ?? [])]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    // No Content-Disposition, but a Content-ID inside multipart/related: inline.
    expect(message.contentIdMap.get("spacer.gif@01DA1234.5678")?.disposition).toBeUndefined();
    expect(message.attachments.map((a) => a.filename)).toEqual(["invoice.pdf"]);
  });

  it("exposes an attached email as bytes and parsed, with its own attachments", async () => {
    const message = await parseInboundMessage(eml("attached-message"));
    const [attached] = message.attachments;
    expect(attached?.contentType).toBe("message/rfc822");
    expect(attached?.filename).toBe("Original question.eml");
    expect(utf8(attached?.content ?? new Uint8Array())).toContain("Subject: Original question");
    expect(attached?.message?.subject).toBe("Original question");
    expect(attached?.message?.attachments.map((a) => [a.filename, utf8(a.content)])).toEqual([
      ["notes.txt", "note one\nnote two\n"],
    ]);
    // The parsed copy is the bytes, parsed: parsing the bytes again gives the same message.
    const reparsed = await parseInboundMessage(attached?.content ?? new Uint8Array());
    expect(reparsed.text).toBe(attached?.message?.text);

    const [inlineForward] = message.inlines;
    expect(inlineForward?.message?.subject).toBe("Café plans");
    expect(message.attachedMessages).toEqual([attached?.message, inlineForward?.message]);
    // The forwarded texts stay with their messages instead of being merged into this one.
    expect(message.text).toBe("See the two messages below.");
  });

  it("parses attached emails five levels deep and keeps deeper ones as bytes", async () => {
    let inner = "From: level7@example.com\r\nSubject: level 7\r\n\r\ninnermost\r\n";
    for (let level = 6; level >= 1; level -= 1) {
      inner =
        `From: level${level}@example.com\r\nSubject: level ${level}\r\n` +
        `Content-Type: multipart/mixed; boundary="b${level}"\r\n\r\n--b${level}\r\n` +
        `Content-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n${inner}\r\n--b${level}--\r\n`;
    }
    let message = await parseInboundMessage(new TextEncoder().encode(inner));
    const subjects = [message.subject];
    for (;;) {
      const part = message.attachments[0];
      expect(part?.contentType).toBe("message/rfc822");
      if (part?.message === undefined) {
        // Level 7 is the sixth attached level: not parsed, but its bytes are there.
        expect(utf8(part?.content ?? new Uint8Array())).toContain("Subject: level 7");
        expect(message.attachedMessages).toEqual([]);
        break;
      }
      message = part.message;
      subjects.push(message.subject);
    }
    expect(subjects).toEqual(["level 1", "level 2", "level 3", "level 4", "level 5", "level 6"]);
  });

  it("decodes ISO-8859-1, Shift_JIS and ISO-2022-JP bodies and headers", async () => {
    const latin = await parseInboundMessage(eml("latin1-body"));
    expect(latin.subject).toBe("Réservation confirmée");
    expect(latin.from?.displayName).toBe("Renée Lefèvre");
    expect(latin.text).toContain("Votre réservation à l'hôtel est confirmée.\r\nGrüße, señor Ørsted ½ § ÿ");
    expect(latin.html).toContain("<p>Votre réservation à l'hôtel est confirmée.</p>");

    const sjis = await parseInboundMessage(eml("shift-jis-body"));
    expect(sjis.subject).toBe("会議の件");
    expect(sjis.from?.displayName).toBe("山田太郎");
    expect(sjis.text).toBe("お世話になっております。\r\n来週の会議についてご連絡します。\r\n山田\r\n");

    const jis = await parseInboundMessage(eml("iso-2022-jp-body"));
    expect(jis.subject).toBe("確認");
    expect(jis.text).toBe("こんにちは。\r\n明日の予定を確認します。\r\n");
  });

  it("reads malformed headers best-effort instead of throwing", async () => {
    const message = await parseInboundMessage(eml("malformed-headers"));
    expect(message.from).toEqual(new InboundAddress("Not An Address", ""));
    expect(message.cc.map((a) => a.addrSpec)).toEqual(["alice@example.com", "bob@example.com"]);
    expect(message.replyTo).toEqual([]); // "<>" holds no address
    expect(message.subject).toBe("first subject");
    expect(message.headers.getAll("subject")).toEqual(["first subject", "second subject"]);
    expect(message.headers.getAll("X-CUSTOM")).toEqual(["first", "second"]);
    expect(message.date).toBeUndefined();
    expect(message.messageId).toBe("no-angle-brackets@example.com");
    expect(message.references).toEqual(["no", "brackets", "here"]);
    expect(message.headers.get("x-folded")).toBe("part one\tpart two");
    expect(message.headers.get("X-Raw-UTF8")).toBe("Grüße aus Köln");
    expect(message.text).toBe("Body with an unknown charset.\n");
  });

  it("keeps what arrived of a message cut off mid-attachment", async () => {
    const message = await parseInboundMessage(eml("truncated-multipart"));
    expect(message.text).toBe("Scanned document attached.");
    expect(message.attachments.map((a) => [a.filename, a.size])).toEqual([["scan-0042.bin", 513]]);
  });

  it("never throws on empty, header-only or garbage input", async () => {
    const inputs = [
      new Uint8Array(0),
      bytes("Subject: only a header"),
      bytes("\n\n\n"),
      bytes('From: <<<>>>\nTo: "\nContent-Type: multipart/mixed; boundary=\n\n--\n--\n'),
      bytes("Content-Type: multipart/mixed; boundary=x\n\n--x\nContent-Type: message/rfc822\n\n--x--\n"),
      bytes(
        "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n%%%notbase64%%%\n",
      ),
      bytes("Content-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n=ZZ=4=\n"),
      Uint8Array.from([0xff, 0xfe, 0x00, 0x0d, 0x0a, 0x80, 0x3a, 0x0a, 0x0a, 0xc3]),
    ];
    // Deterministic pseudo-random bytes, some shaped like headers.
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 30; i += 1) {
      const length = next() % 2000;
      const alphabet = i % 2 === 0 ? ':<>@,;"=?\r\n -abcXYZ' : "";
      inputs.push(
        Uint8Array.from({ length }, () =>
          alphabet === "" ? next() % 256 : alphabet.charCodeAt(next() % alphabet.length),
        ),
      );
    }
    for (const input of inputs) {
      const message = await parseInboundMessage(input);
      expect(message.raw).toBe(input);
      expect(Array.isArray(message.to)).toBe(true);
      expect(message.headers).toBeInstanceOf(HeaderMap);
    }
  });

  it("throws one typed error naming the limit when the parsing budget is exceeded", async () => {
    const hugeHeaders = bytes(`X-Filler: ${"a".repeat(1000)}\n`.repeat(2200) + "\nbody\n");
    const deep =
      Array.from(
        { length: 300 },
        (_, i) => `Content-Type: multipart/mixed; boundary="d${i}"\n\n--d${i}\n`,
      ).join("") + "Content-Type: text/plain\n\nbottom\n";
    for (const [input, limit] of [
      [hugeHeaders, "headerBytes"],
      [bytes(deep), "depth"],
    ] as const) {
      const err: unknown = await parseInboundMessage(input).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(InboundParseError);
      expect(err).toBeInstanceOf(MailroomError);
      expect((err as InboundParseError).code).toBe("invalid_message");
      expect((err as InboundParseError).message).toMatch(/^Could not parse the inbound message: /);
      expect((err as InboundParseError).limit).toBe(limit);
    }
  });

  it("rejects input that is not bytes", async () => {
    await expect(parseInboundMessage("From: a@b.c" as unknown as Uint8Array)).rejects.toThrow(TypeError);
  });
});
