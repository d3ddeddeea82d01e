import { describe, expect, it } from "vitest";

import { HeaderMap } from "../../src/inbound/header-map";
import { InboundAddress } from "../../src/inbound/inbound-address";
import { normalizeVerdicts, spamDetectedFrom } from "../../src/inbound/verdicts";

describe("HeaderMap", () => {
  const headers = new HeaderMap([
    ["Received", "hop 2"],
    ["Subject", "Hi"],
    ["received", "hop 1"],
    ["X-Empty", ""],
  ]);

  it("looks names up case-insensitively, first value for get()", () => {
    expect(headers.get("SUBJECT")).toBe("Hi");
    expect(headers.get("RECEIVED")).toBe("hop 2");
    expect(headers.get("x-empty")).toBe("");
    expect(headers.get("Missing")).toBeUndefined();
  });

  it("keeps every value of a repeated header, in order", () => {
    expect(headers.getAll("Received")).toEqual(["hop 2", "hop 1"]);
    expect(headers.getAll("missing")).toEqual([]);
  });

  it("answers has() for present, empty and missing headers", () => {
    expect(headers.has("x-EMPTY")).toBe(true);
    expect(headers.has("Received")).toBe(true);
    expect(headers.has("Bcc")).toBe(false);
  });

  it("iterates in message order with names as spelled", () => {
    expect([...headers]).toEqual([
      ["Received", "hop 2"],
      ["Subject", "Hi"],
      ["received", "hop 1"],
      ["X-Empty", ""],
    ]);
    expect(headers.size).toBe(4);
    expect(JSON.parse(JSON.stringify(headers))).toEqual([...headers].map((entry) => [...entry]));
  });

  it("hands out copies, so callers cannot change the message's headers", () => {
    headers.getAll("Received").push("forged");
    expect(headers.getAll("Received")).toEqual(["hop 2", "hop 1"]);
  });
});

describe("InboundAddress", () => {
  it("formats like a header, quoting names with specials", () => {
    expect(String(new InboundAddress("Sender, Inc.", "from@example.org"))).toBe(
      '"Sender, Inc." <from@example.org>',
    );
    expect(String(new InboundAddress("Recipient", "inbound@example.com"))).toBe(
      "Recipient <inbound@example.com>",
    );
    expect(String(new InboundAddress("", "someone-else@example.org"))).toBe("someone-else@example.org");
    expect(String(new InboundAddress('Say "hi"', "a@b.example"))).toBe('"Say \\"hi\\"" <a@b.example>');
    expect(String(new InboundAddress("Not An Address", ""))).toBe("Not An Address");
  });

  it("splits the addr-spec at the last @, tolerating none", () => {
    const odd = new InboundAddress("", '"a@b"@example.com');
    expect([odd.username, odd.domain]).toEqual(['"a@b"', "example.com"]);
    const none = new InboundAddress("", "@@@".slice(3));
    expect([none.username, none.domain]).toEqual(["", ""]);
  });
});

describe("verdicts", () => {
  it("reads the spam verdict as Anymail does", () => {
    expect(spamDetectedFrom("PASS")).toBe(false);
    expect(spamDetectedFrom("FAIL")).toBe(true);
    expect(spamDetectedFrom("fail")).toBe(true);
    for (const status of ["GRAY", "PROCESSING_FAILED", "DISABLED", "", undefined]) {
      expect(spamDetectedFrom(status)).toBeUndefined();
    }
  });

  it("normalizes case and fills in missing verdicts", () => {
    expect(normalizeVerdicts({ spam: "pass", dmarc: "Fail", dmarcPolicy: "REJECT" })).toStrictEqual({
      spam: "PASS",
      virus: undefined,
      spf: undefined,
      dkim: undefined,
      dmarc: "FAIL",
      dmarcPolicy: "reject",
    });
  });
});
