import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { InvalidAddressError, InvalidMessageError } from "../../src/errors";
import type { EmailMessage } from "../../src/message/types";
import { buildAndParse } from "../helpers/raw-message";

// Every code unit is possible, and the characters that break naive encoders are frequent: the
// latin1 look-alikes of CR/LF (U+010D, U+010A), NEL, LINE/PARAGRAPH SEPARATOR, BOM, lone
// surrogates, NUL and other controls, header specials.
const nasty = fc.constantFrom(
  "\u010D",
  "\u010A",
  "\u0085",
  "\u2028",
  "\u2029",
  "\uFEFF",
  "\uD800",
  "\uDFFF",
  "\u0000",
  "\u007F",
  "\r",
  "\n",
  "\r\n",
  ":",
  ";",
  "=",
  '"',
  "<",
  ">",
  "@",
  " ",
  "\t",
  "é",
  "😀",
  "Reply-To: evil@example.com",
  "Bcc: evil@example.com",
);
const hostile = (maxLength: number) =>
  fc.string({
    unit: fc.oneof(
      { weight: 3, arbitrary: nasty },
      { weight: 3, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
      { weight: 1, arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 }) },
    ),
    maxLength,
  });

/** The headers of the top level, unfolded, as lower-case names. */
function topHeaderNames(raw: string): string[] {
  const block = raw.slice(2, raw.indexOf("\r\n\r\n", 2)).replace(/\r\n[ \t]+/g, " ");
  return block.split("\r\n").map((line) => line.slice(0, line.indexOf(":")).toLowerCase());
}

const EXPECTED_TOP = new Set([
  "from",
  "to",
  "cc",
  "reply-to",
  "subject",
  "message-id",
  "date",
  "mime-version",
  "content-type",
  "content-transfer-encoding",
  "content-disposition",
  "content-id",
  "x-custom",
  "x-tag",
  "x-metadata",
]);

// Hostile text that keeps clear of what validation refuses outright (controls, line breaks,
// lone surrogates), so most runs get as far as the composer and the serializer.
const printable = (maxLength: number) =>
  hostile(maxLength).map((value) =>
    // eslint-disable-next-line no-control-regex -- removing control characters on purpose
    value.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]|\p{Cs}/gu, ""),
  );

type Field =
  | "subject"
  | "fromName"
  | "toName"
  | "header"
  | "text"
  | "html"
  | "amp"
  | "altType"
  | "filename"
  | "attachmentText"
  | "attachmentType"
  | "contentId"
  | "disposition"
  | "tag"
  | "metadata";

const FIELDS: Field[] = [
  "subject",
  "fromName",
  "toName",
  "header",
  "text",
  "html",
  "amp",
  "altType",
  "filename",
  "attachmentText",
  "attachmentType",
  "contentId",
  "disposition",
  "tag",
  "metadata",
];

/** A benign message (non-ASCII included) with one field replaced by the hostile value. */
function messageWith(field: Field, value: string): EmailMessage {
  const pick = (name: Field, fallback: string): string => (name === field ? value : fallback);
  return {
    from: { name: pick("fromName", "Émile"), address: "sender@example.com" },
    to: { name: pick("toName", "Zoë"), address: "to@example.com" },
    cc: "cc@example.com",
    replyTo: "reply@example.com",
    subject: pick("subject", "Grüße ⚡"),
    text: pick("text", "Hello\r\nWorld é"),
    html: pick("html", "<p>Hello ⚡</p>"),
    alternatives: [
      { content: pick("amp", "<html ⚡4email></html>"), contentType: pick("altType", "text/x-amp-html") },
    ],
    attachments: [
      {
        filename: pick("filename", "résumé.txt"),
        content: pick("attachmentText", "a,b\n1,2"),
        contentType: field === "attachmentType" ? `application/${value}` : undefined,
        contentId: field === "contentId" ? value : "logo@example.com",
        disposition: (field === "disposition" ? value : "inline") as "inline",
      },
    ],
    headers: { "X-Custom": pick("header", "välue") },
    tags: [pick("tag", "wélcome")],
    metadata: { note: pick("metadata", "ünïcode") },
  };
}

describe("raw MIME under hostile input (every string field, the full Unicode range)", () => {
  it("is 7-bit, has no line over 998, never gains a header, or is refused with a typed error", async () => {
    let built = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...FIELDS),
        fc.oneof(hostile(120), printable(120)),
        async (field, value) => {
          let raw: string;
          try {
            ({ raw } = await buildAndParse(messageWith(field, value)));
          } catch (err) {
            // Refusing is fine; anything but a typed validation error is not.
            if (!(err instanceof InvalidMessageError || err instanceof InvalidAddressError)) {
              throw err;
            }
            refused += 1;
            return;
          }
          built += 1;
          expect(raw).toMatch(/^[\t\r\n\x20-\x7e]*$/);
          expect(
            raw
              .slice(2)
              .split("\r\n")
              .every((line) => line.length <= 998),
          ).toBe(true);
          expect(raw.slice(2)).not.toMatch(/\r(?!\n)|(?<!\r)\n/);
          const names = topHeaderNames(raw);
          expect(names.filter((name) => !EXPECTED_TOP.has(name))).toEqual([]);
          for (const single of ["from", "to", "reply-to", "content-type"]) {
            expect(names.filter((name) => name === single)).toHaveLength(1);
          }
          expect(names.filter((name) => name === "subject").length).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 400 },
    );
    // The property means little if nearly everything is refused: most runs must build a message.
    expect(built).toBeGreaterThan(refused);
  });
});
