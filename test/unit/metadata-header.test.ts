import { describe, expect, it } from "vitest";

import { SerializationError } from "../../src/errors";
import { foldAtSpaces } from "../../src/ses/payload/fold-header";
import { toAsciiJson } from "../../src/ses/payload/metadata-json";

describe("toAsciiJson", () => {
  it("writes Python-style separators and escapes non-ASCII", () => {
    expect(toAsciiJson({ meta1: "test", meta2: "meta-alice" })).toBe(
      '{"meta1": "test", "meta2": "meta-alice"}',
    );
    expect(toAsciiJson({ a: "ü", emoji: "😀" })).toBe('{"a": "\\u00fc", "emoji": "\\ud83d\\ude00"}');
    expect(toAsciiJson({ list: [1, true, null, "x"], nested: { k: "v" } })).toBe(
      '{"list": [1, true, null, "x"], "nested": {"k": "v"}}',
    );
  });

  it("round-trips through JSON.parse", () => {
    const value = {
      "User ID": 12345,
      items: "Correct horse,Battery,\nStaple",
      "Cart-Total": "22.70",
      ü: ["ß"],
    };
    expect(JSON.parse(toAsciiJson(value))).toEqual(value);
  });

  it.each([
    [{ n: 10n }, /BigInt/],
    [{ n: Number.NaN }, /NaN/],
    [{ f: () => 1 }, /function/],
  ])("refuses %o with SerializationError", (value, detail) => {
    expect(() => toAsciiJson(value)).toThrow(SerializationError);
    expect(() => toAsciiJson(value)).toThrow(detail);
  });

  it("refuses cycles", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => toAsciiJson(cyclic)).toThrow(/circular/);
  });

  it("uses toJSON (dates become ISO strings)", () => {
    expect(toAsciiJson({ at: new Date("2026-01-02T03:04:05Z") })).toBe('{"at": "2026-01-02T03:04:05.000Z"}');
  });
});

describe("foldAtSpaces", () => {
  it("leaves short values alone", () => {
    expect(foldAtSpaces("X-Metadata", '{"a": 1}')).toBe('{"a": 1}');
  });

  it("folds long values at spaces under 78 columns, and unfolding restores the value", () => {
    const value = toAsciiJson(
      Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`key${i}`, `value number ${i}`])),
    );
    const folded = foldAtSpaces("X-Metadata", value);
    const lines = `X-Metadata: ${folded}`.split("\r\n");
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) {
      expect(line.length).toBeLessThanOrEqual(78);
    }
    expect(folded.replace(/\r\n/g, "")).toBe(value);
  });

  it("refuses a run longer than 998 characters", () => {
    expect(() => foldAtSpaces("X-Metadata", `{"a": "${"x".repeat(1000)}"}`)).toThrow(SerializationError);
  });
});
