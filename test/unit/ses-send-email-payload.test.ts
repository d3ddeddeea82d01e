import { describe, expect, it } from "vitest";

import { InvalidMessageError, UnsupportedFeatureError } from "../../src/errors";
import { inlineImage } from "../../src/message/attachments";
import { uncheckedEspExtra } from "../../src/message/esp-extra";
import { lenient } from "../helpers/context";
import { buildAndParse, headerValues } from "../helpers/raw-message";

const base = { from: "from@example.com", to: ["to@example.com"], subject: "Subject", text: "Text Body" };

// Ported from Anymail's AmazonSESBackendStandardEmailTests / AnymailFeatureTests, adapted to the
// departures in DESIGN.md §3 (CRLF, plain-ASCII X-Metadata, tracking overrides supported).
describe("SendEmail payload (raw MIME)", () => {
  it("sends a simple message with CRLF line endings (test_send_mail)", async () => {
    const { input, raw } = await buildAndParse({
      ...base,
      subject: "Subject here",
      text: "Here is the message.",
    });
    expect(raw).toContain("\r\nFrom: from@example.com\r\n");
    expect(raw).toContain("\r\nTo: to@example.com\r\n");
    expect(raw).toContain("\r\nSubject: Subject here\r\n");
    expect(raw).toContain("\r\n\r\nHere is the message");
    expect(raw).not.toMatch(/[^\r]\n/);
    expect(input.Destination).toEqual({ ToAddresses: ["to@example.com"] });
  });

  it("puts addr-specs in Destination and never a Bcc header in the MIME (test_destinations)", async () => {
    const { input, raw } = await buildAndParse({
      ...base,
      to: ["to1@example.com", '"Recipient, second" <to2@example.com>'],
      cc: ["cc1@example.com", "Also cc <cc2@example.com>"],
      bcc: ["bcc1@example.com", "BCC 2 <bcc2@example.com>"],
    });
    expect(input.Destination).toEqual({
      ToAddresses: ["to1@example.com", "to2@example.com"],
      CcAddresses: ["cc1@example.com", "cc2@example.com"],
      BccAddresses: ["bcc1@example.com", "bcc2@example.com"],
    });
    expect(raw.toLowerCase()).not.toContain("bcc");
  });

  it("encodes non-ASCII headers, IDNA domains, 7-bit only (test_non_ascii_headers)", async () => {
    const { input, raw, parsed } = await buildAndParse({
      from: '"Odesílatel, z adresy" <from@příklad.example.cz>',
      to: ['"Příjemce, na adresu" <to@příklad.example.cz>'],
      cc: ["cc@މިސާލު.example.mv"],
      subject: "Předmět e-mailu",
      replyTo: ['"Odpověď, adresa" <reply@příklad.example.cz>'],
      headers: { "X-Extra": "Další" },
      text: "Prostý text",
    });
    expect(raw).toMatch(/^\p{ASCII}*$/u);
    expect(raw).toContain("\r\nCc: cc@xn--qqbii6gdp.example.mv\r\n");
    expect(raw).toContain("Prost=C3=BD text");
    expect(input.Destination).toEqual({
      ToAddresses: ["to@xn--pklad-zsa96e.example.cz"],
      CcAddresses: ["cc@xn--qqbii6gdp.example.mv"],
    });
    expect(parsed.subject).toBe("Předmět e-mailu");
    expect(parsed.from).toEqual({
      name: "Odesílatel, z adresy",
      address: "from@xn--pklad-zsa96e.example.cz",
    });
    expect(parsed.replyTo).toEqual([
      { name: "Odpověď, adresa", address: "reply@xn--pklad-zsa96e.example.cz" },
    ]);
    expect(parsed.text?.trim()).toBe("Prostý text");
  });

  it("attaches files and inline images with content ids (test_attachments)", async () => {
    const logo = inlineImage({ filename: "test.png", content: new Uint8Array([0x89, 0x50, 0x4e, 0x47]) });
    const { raw, parsed } = await buildAndParse({
      ...base,
      html: `<img src="cid:${logo.contentId}">`,
      attachments: [
        { content: "pièce jointe\n", contentType: "text/plain" },
        { filename: "émoticône.img", content: new Uint8Array([59, 45, 41]), contentType: "image/x-emoticon" },
        logo,
      ],
    });
    expect(raw).toMatch(/^\p{ASCII}*$/u);
    const byType = (type: string) => parsed.attachments.find((a) => a.mimeType === type);
    const [text, emoticon, png] = [byType("text/plain"), byType("image/x-emoticon"), byType("image/png")];
    expect(parsed.attachments).toHaveLength(3);
    expect(text?.mimeType).toBe("text/plain");
    expect(text?.filename).toBeNull();
    expect(new TextDecoder().decode(text?.content as ArrayBuffer)).toBe("pièce jointe\n");
    expect(emoticon).toMatchObject({
      mimeType: "image/x-emoticon",
      disposition: "attachment",
      filename: "émoticône.img",
    });
    expect(new TextDecoder().decode(emoticon?.content as ArrayBuffer)).toBe(";-)");
    expect(png).toMatchObject({
      mimeType: "image/png",
      filename: "test.png",
      contentId: `<${logo.contentId}>`,
    });
    expect(new Uint8Array(png?.content as ArrayBuffer)).toEqual(new Uint8Array([0x89, 0x50, 0x4e, 0x47]));
  });

  it("guesses the content type from the file name", async () => {
    const { parsed } = await buildAndParse({
      ...base,
      attachments: [{ filename: "invoice.pdf", content: "%PDF-1.4" }],
    });
    expect(parsed.attachments[0]?.mimeType).toBe("application/pdf");
  });

  it("allows extra alternatives, AMP included (test_alternative, test_multiple_html_alternatives)", async () => {
    const { raw } = await buildAndParse({
      ...base,
      html: "<p>First html is OK</p>",
      alternatives: [
        { content: "<p>And so is second</p>", contentType: "text/html" },
        { content: "<!doctype html><html amp4email></html>", contentType: "text/x-amp-html" },
      ],
    });
    expect(raw).toContain("<p>First html is OK</p>");
    expect(raw).toContain("<p>And so is second</p>");
    expect(raw).toContain("Content-Type: text/x-amp-html");
  });

  it("refuses several From addresses (test_multiple_from), or uses the first when ignoring", async () => {
    await expect(
      buildAndParse({ ...base, from: '"First" <from1@example.com>, from2@example.com' }),
    ).rejects.toThrow("Amazon SES does not support multiple from addresses");
    const ctx = lenient();
    await buildAndParse({ ...base, from: "from1@example.com, from2@example.com" }, {}, ctx);
    expect(ctx.ignored).toEqual(["multiple from addresses"]);
  });

  it("keeps long subjects with commas intact (test_commas_in_subject)", async () => {
    const subject = "100,000,000 isn't a number you'd really want to break up in this email subject, right?";
    const { parsed } = await buildAndParse({ ...base, subject });
    expect(parsed.subject).toBe(subject);
  });

  it("does not break long non-ASCII display names with commas (test_broken_address_header)", async () => {
    const to = '"Người nhận a very very long, name" <to@example.com>';
    const cc = '"A véry long name with non-ASCII char and, comma" <cc@example.com>';
    const { parsed } = await buildAndParse({ ...base, to: [to], cc: [cc] });
    expect(parsed.to).toEqual([{ name: "Người nhận a very very long, name", address: "to@example.com" }]);
    expect(parsed.cc).toEqual([
      { name: "A véry long name with non-ASCII char and, comma", address: "cc@example.com" },
    ]);
  });

  it("never emits 8bit parts (test_no_cte_8bit)", async () => {
    const { raw } = await buildAndParse({
      ...base,
      text: "Это text body",
      html: "<p>Это html</p>",
      attachments: [
        { filename: "file.csv", content: "Это attachment" },
        {
          filename: "data.bin",
          content: new Uint8Array([0xd0, 0xad, 0xff, 0x00]),
          contentType: "application/data",
        },
      ],
    });
    expect(raw).toMatch(/^\p{ASCII}*$/u);
    expect(raw).not.toMatch(/Content-Transfer-Encoding: 8bit/i);
    const encodings = [...raw.matchAll(/Content-Transfer-Encoding: (\S+)/g)].map((m) => m[1]);
    expect(encodings.length).toBe(4);
    expect(encodings.every((e) => e === "quoted-printable" || e === "base64" || e === "7bit")).toBe(true);
  });

  it("refuses CR/LF in subject, display names and header values (test_prevents_header_injection)", async () => {
    await expect(buildAndParse({ ...base, subject: "Hi\r\nBcc: x@example.com" })).rejects.toThrow(
      InvalidMessageError,
    );
    await expect(
      buildAndParse({ ...base, from: '"Evil\nBcc: x@example.com" <f@example.com>' }),
    ).rejects.toThrow(/CR or LF/);
    await expect(buildAndParse({ ...base, to: ['"Evil\r\n" <t@example.com>'] })).rejects.toThrow(/CR or LF/);
    await expect(
      buildAndParse({ ...base, headers: { "X-Custom": "ok\r\nBcc: x@example.com" } }),
    ).rejects.toThrow(/header injection/);
    await expect(buildAndParse({ ...base, headers: { "Bad Name": "x" } })).rejects.toThrow(
      /invalid header name/,
    );
  });
});

describe("SendEmail payload (Anymail features)", () => {
  it("maps envelopeSender to FeedbackForwardingEmailAddress (test_envelope_sender)", async () => {
    const { input } = await buildAndParse({ ...base, envelopeSender: "bounce-handler@bounces.example.com" });
    expect(input.FeedbackForwardingEmailAddress).toBe("bounce-handler@bounces.example.com");
  });

  it("shows a spoofed To header while Destination keeps the real recipients (test_spoofed_to)", async () => {
    const { input, raw } = await buildAndParse({
      ...base,
      to: ["Envelope <envelope-to@example.com>"],
      headers: { To: "Spoofed <spoofed-to@elsewhere.example.org>" },
    });
    expect(input.Destination).toEqual({ ToAddresses: ["envelope-to@example.com"] });
    expect(raw).toContain("\r\nTo: Spoofed <spoofed-to@elsewhere.example.org>\r\n");
    expect(raw).not.toContain("envelope-to@example.com");
  });

  it("uses a From header for display and the message's from as envelope sender", async () => {
    const { input, parsed } = await buildAndParse({
      ...base,
      headers: { From: "Display <display@example.com>" },
    });
    expect(parsed.from).toEqual({ name: "Display", address: "display@example.com" });
    expect(input.FeedbackForwardingEmailAddress).toBe("from@example.com");
  });

  it("generates one Message-ID at the sender's domain, or keeps the one given", async () => {
    const { parsed } = await buildAndParse({ ...base, from: "shop@exämple.com" });
    expect(headerValues(parsed, "Message-ID")).toEqual([
      expect.stringMatching(/^<[0-9a-f-]{36}@xn--exmple-cua\.com>$/),
    ]);
    const { parsed: own } = await buildAndParse({ ...base, headers: { "Message-ID": "<mine@example.com>" } });
    expect(headerValues(own, "Message-ID")).toEqual(["<mine@example.com>"]);
  });

  it("refuses a Bcc header (it would be shown to every recipient)", async () => {
    await expect(buildAndParse({ ...base, headers: { Bcc: "x@example.com" } })).rejects.toThrow(/bcc/);
  });

  it("sends metadata as one plain-ASCII X-Metadata JSON header (test_metadata)", async () => {
    const metadata = {
      "User ID": 12345,
      items: "Correct horse,Battery,\nStaple",
      "Cart-Total": "22.70",
      ü: "Ünï",
    };
    const { raw, parsed } = await buildAndParse({ ...base, metadata });
    const [value] = headerValues(parsed, "X-Metadata");
    expect(JSON.parse(value ?? "")).toEqual(metadata);
    expect(raw).not.toContain("=?");
  });

  it("folds a long X-Metadata header at spaces and it unfolds to the same JSON", async () => {
    const metadata = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [`k${i}`, `some "quoted" value ${i}`]),
    );
    const { raw, parsed } = await buildAndParse({ ...base, metadata });
    const headerBlock = raw.slice(0, raw.indexOf("\r\n\r\n"));
    expect(headerBlock.split("\r\n").every((line) => line.length <= 78)).toBe(true);
    expect(JSON.parse(headerValues(parsed, "X-Metadata")[0] ?? "")).toEqual(metadata);
  });

  it("refuses sendAt without a queue (test_send_at)", async () => {
    await expect(buildAndParse({ ...base, sendAt: new Date() })).rejects.toThrow(/does not support sendAt/);
  });

  it("sends one X-Tag header per tag and no SES tags by default (test_tags)", async () => {
    const { input, parsed } = await buildAndParse({
      ...base,
      tags: ["Transactional", "Cohort 12/2017", "Ünï"],
    });
    expect(headerValues(parsed, "X-Tag").sort()).toEqual(
      ["=?UTF-8?B?w5xuw68=?=", "Cohort 12/2017", "Transactional"].sort(),
    );
    expect(input).not.toHaveProperty("EmailTags");
  });

  it("sends the single tag as an SES message tag with messageTagName (test_amazon_message_tags)", async () => {
    const { input } = await buildAndParse({ ...base, tags: ["Welcome"] }, { messageTagName: "Campaign" });
    expect(input.EmailTags).toEqual([{ Name: "Campaign", Value: "Welcome" }]);
    await expect(
      buildAndParse({ ...base, tags: ["Welcome", "Variation_A"] }, { messageTagName: "Campaign" }),
    ).rejects.toThrow("multiple tags with the messageTagName option");
  });

  it("maps trackOpens / trackClicks to ConfigurationOverrides.Tracking (Anymail cannot)", async () => {
    const { input } = await buildAndParse({ ...base, trackOpens: true, trackClicks: false });
    expect(input.ConfigurationOverrides).toEqual({
      Tracking: { OpenTrackingEnabled: "ENABLED", ClickTrackingEnabled: "DISABLED" },
    });
    const { input: only } = await buildAndParse({ ...base, trackClicks: true });
    expect(only.ConfigurationOverrides).toEqual({ Tracking: { ClickTrackingEnabled: "ENABLED" } });
  });

  it.each([
    [{ mergeData: {} }, "mergeData without templateId"],
    [{ mergeGlobalData: { a: 1 } }, "mergeGlobalData without templateId"],
    [{ mergeHeaders: {} }, "mergeHeaders without templateId"],
    [{ mergeMetadata: {} }, "mergeMetadata without templateId"],
  ])("refuses %o without a template (test_merge_data, test_merge_headers)", async (extra, feature) => {
    await expect(buildAndParse({ ...base, ...extra })).rejects.toThrow(
      new UnsupportedFeatureError(feature).message,
    );
  });

  it("omits every optional parameter for a plain send (test_default_omits_options)", async () => {
    const { input, parsed } = await buildAndParse(base);
    expect(Object.keys(input).sort()).toEqual(["Content", "Destination"]);
    expect(headerValues(parsed, "X-Metadata")).toEqual([]);
    expect(headerValues(parsed, "X-Tag")).toEqual([]);
  });

  it("merges espExtra last, top-level keys replacing, Content untouchable (test_esp_extra)", async () => {
    const { input } = await buildAndParse(
      {
        ...base,
        // Content is not an espExtra key in the types; unchecked, it is still refused at run time.
        espExtra: uncheckedEspExtra({
          ConfigurationSetName: "NoTrackingConfigurationSet",
          TenantName: "t1",
          Content: { Simple: {} },
        }),
      },
      { configurationSetName: "MyConfigurationSet" },
    );
    expect(input.ConfigurationSetName).toBe("NoTrackingConfigurationSet");
    expect(input).toHaveProperty("TenantName", "t1");
    expect(input.Content).toHaveProperty("Raw");
  });

  it("sends the configured configuration set (test_config_set_setting)", async () => {
    const { input } = await buildAndParse(base, { configurationSetName: "MyConfigurationSet" });
    expect(input.ConfigurationSetName).toBe("MyConfigurationSet");
  });

  it("refuses a message without a sender", async () => {
    await expect(buildAndParse({ ...base, from: undefined })).rejects.toThrow(/no sender/);
  });
});
