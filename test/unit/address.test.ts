import { describe, expect, it } from "vitest";

import { InvalidAddressError } from "../../src/errors";
import { parseAddressList, parseSingleAddress } from "../../src/message/address";
import { encodeWord } from "../../src/message/rfc2047";

describe("parseAddressList", () => {
  it("parses a string, a list and comma-separated lists", () => {
    const parsed = parseAddressList(["a@example.com", "Bob <bob@example.com>, c@example.com"], "to");
    expect(parsed.map((a) => [a.displayName, a.addrSpec])).toEqual([
      ["", "a@example.com"],
      ["Bob", "bob@example.com"],
      ["", "c@example.com"],
    ]);
  });

  it("keeps commas and specials inside quoted display names", () => {
    const [addr] = parseAddressList('"Recipient, second" <to2@example.com>', "to");
    expect(addr?.displayName).toBe("Recipient, second");
    expect(addr?.format()).toBe('"Recipient, second" <to2@example.com>');
  });

  it("unescapes quoted pairs in display names and re-escapes when formatting", () => {
    const [addr] = parseAddressList('"Say \\"hi\\"" <a@example.com>', "to");
    expect(addr?.displayName).toBe('Say "hi"');
    expect(addr?.format()).toBe('"Say \\"hi\\"" <a@example.com>');
  });

  it("refuses an unquoted comma in a display name, with Anymail's hint", () => {
    expect(() => parseAddressList("Widgets, Inc. <w@example.com>", "from")).toThrow(
      "Invalid email address 'Widgets' in `from` parsed from 'Widgets, Inc. <w@example.com>' (maybe missing quotes around a display-name?)",
    );
  });

  it.each([
    "not an address",
    "a@",
    "@example.com",
    "us er@example.com",
    "a@b@",
    "a@exa mple.com",
    "a..b@example.com",
    "<a@example.com",
    "a@-bad-.com",
  ])("refuses %j with InvalidAddressError naming the field and input", (input) => {
    try {
      parseAddressList(input, "cc");
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidAddressError);
      expect((err as InvalidAddressError).field).toBe("cc");
      expect((err as InvalidAddressError).input).toBe(input);
      expect((err as Error).message).toContain("`cc`");
    }
  });

  it("refuses a non-ASCII local part with a clear error (SES cannot send EAI)", () => {
    expect(() => parseAddressList("jöhn@example.com", "to")).toThrow(
      /non-ASCII characters in the local part/,
    );
  });

  it("refuses CR and LF anywhere (header injection)", () => {
    expect(() => parseAddressList("Bob\r\nBcc: x@example.com <bob@example.com>", "to")).toThrow(
      InvalidAddressError,
    );
    expect(() => parseAddressList(["ok@example.com", "a@example.com\n"], "to")).toThrow(/CR or LF/);
  });

  it("skips empty strings and null", () => {
    expect(parseAddressList(["", "  "], "to")).toEqual([]);
    expect(parseAddressList(null, "to")).toEqual([]);
    expect(parseAddressList(undefined, "to")).toEqual([]);
  });

  it.each([
    ["to@příklad.example.cz", "to@xn--pklad-zsa96e.example.cz"],
    ["cc@މިސާލު.example.mv", "cc@xn--qqbii6gdp.example.mv"],
    ["j@exämple.com", "j@xn--exmple-cua.com"],
    ["t@テスト.example.jp", "t@xn--zckzah.example.jp"],
  ])("IDNA-encodes the non-ASCII domain of %s", (input, ascii) => {
    const [addr] = parseAddressList(input, "to");
    expect(addr?.asciiAddrSpec).toBe(ascii);
    expect(addr?.addrSpec).toBe(input);
  });

  it("keeps the case of ASCII domains", () => {
    expect(parseAddressList("a@Example.COM", "to")[0]?.asciiAddrSpec).toBe("a@Example.COM");
  });

  it("formats with RFC 2047 display names for API fields", () => {
    const [a, b, c] = parseAddressList(
      ['"Example, Inc." <from@example.com>', "Jöhn Q <j@exämple.com>", "罗伯特 <bob@example.com>"],
      "to",
    );
    expect(a?.format({ rfc2047: true })).toBe('"Example, Inc." <from@example.com>');
    expect(b?.format({ rfc2047: true })).toBe("=?utf-8?q?J=C3=B6hn_Q?= <j@xn--exmple-cua.com>");
    expect(c?.format({ rfc2047: true })).toBe("=?utf-8?b?572X5Lyv54m5?= <bob@example.com>");
  });
});

describe("parseSingleAddress", () => {
  it("takes exactly one address", () => {
    expect(parseSingleAddress("bounce@example.com", "envelopeSender").addrSpec).toBe("bounce@example.com");
    expect(() => parseSingleAddress("a@example.com, b@example.com", "envelopeSender")).toThrow(
      "Only one email address is allowed; found 2 in 'a@example.com, b@example.com' in `envelopeSender`.",
    );
  });
});

describe("encodeWord", () => {
  it.each([
    ["Jöhn Q", "=?utf-8?q?J=C3=B6hn_Q?="],
    ["罗伯特", "=?utf-8?b?572X5Lyv54m5?="],
    ["Ünï Cödé, Jr.", "=?utf-8?b?w5xuw68gQ8O2ZMOpLCBKci4=?="],
  ])("encodes %j as the shorter of Q and B", (input, expected) => {
    expect(encodeWord(input)).toBe(expected);
  });
});

describe("hostile input", () => {
  // A backtracking regular expression would hang here (ReDoS); these must finish at once.
  it.each([
    `a@${"a".repeat(50_000)}-`,
    `${"a.".repeat(25_000)}@example.com`,
    `a@${"a-".repeat(25_000)}`,
    `"${"\\".repeat(30_000)}`,
    `${"(".repeat(20_000)}a@b.com`,
    `${"<".repeat(20_000)}a@b.com`,
  ])("handles a long hostile address without hanging (%#)", (input) => {
    expect(() => parseAddressList(input, "to")).toThrow(InvalidAddressError);
  });
});
