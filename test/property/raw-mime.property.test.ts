import fc from "fast-check";
import { decodeWords } from "postal-mime";
import { describe, expect, it } from "vitest";

import { InvalidMessageError, InvalidAddressError } from "../../src/errors";
import { buildAndParse } from "../helpers/raw-message";

// Printable text of any script, specials included; no control characters. Leading/trailing and
// repeated white space is not significant in headers, so keep values trimmed and single-spaced.
const text = (maxLength: number) =>
  fc
    .string({
      unit: fc.oneof(
        fc.constantFrom(..."\"'(),.:;<>@[]\\=?_ -"),
        fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
      ),
      maxLength,
    })
    .map((s) =>
      s
        .replace(/[\p{Cc}\u2028\u2029]/gu, "")
        .replace(/\s+/g, " ")
        .trim(),
    )
    .filter((s) => s.length > 0);

const ALLOWED_HEADERS = new Set([
  "from",
  "to",
  "subject",
  "message-id",
  "date",
  "mime-version",
  "content-type",
  "content-transfer-encoding",
  "x-custom",
]);

describe("raw MIME properties", () => {
  it("is 7-bit, parses back to the same values, and never grows an extra header", async () => {
    await fc.assert(
      fc.asyncProperty(text(120), text(60), text(200), async (subject, name, headerValue) => {
        const quoted = `"${name.replace(/(["\\])/g, "\\$1")}" <sender@example.com>`;
        const { raw, parsed } = await buildAndParse({
          from: quoted,
          to: "to@example.com",
          subject,
          text: "body",
          headers: { "X-Custom": headerValue },
        });
        expect(raw).toMatch(/^\p{ASCII}*$/u);
        expect(parsed.subject).toBe(subject);
        expect(parsed.from).toEqual({ name, address: "sender@example.com" });
        // postal-mime leaves custom headers as they are on the wire: decode RFC 2047 to compare.
        expect(decodeWords(parsed.headers.find((h) => h.key === "x-custom")?.value ?? "")).toBe(headerValue);
        for (const header of parsed.headers) {
          expect(ALLOWED_HEADERS.has(header.key)).toBe(true);
        }
        expect(raw.split("\r\n").every((line) => line.length <= 998)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("refuses every value with a line break instead of emitting it", async () => {
    const withBreak = fc
      .tuple(text(20), fc.constantFrom("\r", "\n", "\r\n"), text(20))
      .map(([a, br, b]) => `${a}${br}${b}`);
    await fc.assert(
      fc.asyncProperty(withBreak, fc.constantFrom("subject", "name", "header"), async (value, where) => {
        const message = {
          from: where === "name" ? `"${value.replace(/"/g, "")}" <f@example.com>` : "f@example.com",
          to: "t@example.com",
          subject: where === "subject" ? value : "s",
          headers: where === "header" ? { "X-Custom": value } : undefined,
          text: "b",
        };
        await expect(buildAndParse(message)).rejects.toSatisfy(
          (err: unknown) => err instanceof InvalidMessageError || err instanceof InvalidAddressError,
        );
      }),
      { numRuns: 100 },
    );
  });
});
