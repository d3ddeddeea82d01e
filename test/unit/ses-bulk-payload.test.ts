import { describe, expect, it } from "vitest";

import { InvalidMessageError } from "../../src/errors";
import { normalizeMessage } from "../../src/message/normalize";
import type { EmailMessage } from "../../src/message/types";
import type { SesPayloadOptions } from "../../src/ses/options";
import { buildSendBulkEmailInputs } from "../../src/ses/payload/send-bulk-email";
import { lenient, strict } from "../helpers/context";

function build(
  message: EmailMessage,
  options: SesPayloadOptions & { batchSize?: number } = {},
  context = strict,
) {
  return buildSendBulkEmailInputs(normalizeMessage(message), options, context);
}

// Ported from Anymail's test_template (25), adapted: cc formatted with RFC 2047, IDNA domains.
const welcome: EmailMessage = {
  templateId: "welcome_template",
  from: '"Example, Inc." <from@example.com>',
  to: ["alice@example.com", "罗伯特 <bob@example.com>"],
  cc: ["cc@example.com"],
  replyTo: ["reply1@example.com", "Reply 2 <reply2@example.com>"],
  headers: {
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    "List-Unsubscribe": "<mailto:unsubscribe@example.com>",
  },
  mergeHeaders: {
    "alice@example.com": { "List-Unsubscribe": "<https://example.com/a/>" },
    "bob@example.com": { "list-unsubscribe": "<https://example.com/b/>" },
  },
  mergeData: {
    "alice@example.com": { name: "Alice", group: "Developers" },
    "bob@example.com": { name: "Bob" },
    "nobody@example.com": { name: "Not a recipient for this message" },
  },
  mergeGlobalData: { group: "Users", site: "ExampleCo" },
  tags: ["Welcome Variant A", "Cohort 12/2017"],
  metadata: { meta1: "test" },
  mergeMetadata: { "alice@example.com": { meta2: "meta-alice" } },
  envelopeSender: "bounce@example.com",
  espExtra: { FromEmailAddressIdentityArn: "arn:aws:ses:us-east-1:123456789012:identity/example.com" },
};

describe("SendBulkEmail payload (stored template)", () => {
  it("builds one entry per to recipient with merge data and replacement headers (test_template)", () => {
    const { inputs, batches } = build(welcome);
    expect(inputs).toHaveLength(1);
    expect(batches[0]?.map((a) => a.addrSpec)).toEqual(["alice@example.com", "bob@example.com"]);
    const [input] = inputs;
    expect(input?.DefaultContent).toEqual({
      Template: { TemplateName: "welcome_template", TemplateData: '{"group":"Users","site":"ExampleCo"}' },
    });
    expect(input?.FromEmailAddress).toBe('"Example, Inc." <from@example.com>');
    expect(input?.ReplyToAddresses).toEqual(["reply1@example.com", "Reply 2 <reply2@example.com>"]);
    expect(input?.FeedbackForwardingEmailAddress).toBe("bounce@example.com");
    expect(input).toHaveProperty(
      "FromEmailAddressIdentityArn",
      "arn:aws:ses:us-east-1:123456789012:identity/example.com",
    );
    const [alice, bob] = input?.BulkEmailEntries ?? [];
    expect(alice?.Destination).toEqual({
      ToAddresses: ["alice@example.com"],
      CcAddresses: ["cc@example.com"],
    });
    expect(bob?.Destination).toEqual({
      ToAddresses: ["=?utf-8?b?572X5Lyv54m5?= <bob@example.com>"],
      CcAddresses: ["cc@example.com"],
    });
    expect(alice?.ReplacementEmailContent?.ReplacementTemplate?.ReplacementTemplateData).toBe(
      '{"name":"Alice","group":"Developers"}',
    );
    expect(bob?.ReplacementEmailContent?.ReplacementTemplate?.ReplacementTemplateData).toBe('{"name":"Bob"}');
    expect(alice?.ReplacementHeaders).toEqual([
      { Name: "List-Unsubscribe-Post", Value: "List-Unsubscribe=One-Click" },
      { Name: "List-Unsubscribe", Value: "<https://example.com/a/>" },
      { Name: "X-Metadata", Value: '{"meta1": "test", "meta2": "meta-alice"}' },
      { Name: "X-Tag", Value: "Welcome Variant A" },
      { Name: "X-Tag", Value: "Cohort 12/2017" },
    ]);
    expect(bob?.ReplacementHeaders).toEqual([
      { Name: "List-Unsubscribe-Post", Value: "List-Unsubscribe=One-Click" },
      { Name: "list-unsubscribe", Value: "<https://example.com/b/>" },
      { Name: "X-Metadata", Value: '{"meta1": "test"}' },
      { Name: "X-Tag", Value: "Welcome Variant A" },
      { Name: "X-Tag", Value: "Cohort 12/2017" },
    ]);
  });

  it("omits ReplacementHeaders when a recipient has none (test_template_omits_unused_replacement_headers)", () => {
    const { inputs } = build({
      templateId: "t",
      from: "f@example.com",
      to: ["alice@example.com", "bob@example.com"],
      mergeHeaders: { "alice@example.com": {}, "bob@example.com": { "X-Test": "test" } },
    });
    const [alice, bob] = inputs[0]?.BulkEmailEntries ?? [];
    expect(alice).not.toHaveProperty("ReplacementHeaders");
    expect(bob?.ReplacementHeaders).toEqual([{ Name: "X-Test", Value: "test" }]);
  });

  it("sends '{}' as template data for recipients without merge data, and bcc as addr-specs", () => {
    const { inputs } = build({
      templateId: "t",
      from: "f@example.com",
      to: "a@example.com",
      bcc: "Audit <audit@exämple.com>",
    });
    const [entry] = inputs[0]?.BulkEmailEntries ?? [];
    expect(entry?.ReplacementEmailContent?.ReplacementTemplate?.ReplacementTemplateData).toBe("{}");
    expect(entry?.Destination?.BccAddresses).toEqual(["audit@xn--exmple-cua.com"]);
    expect(inputs[0]?.DefaultContent?.Template).toEqual({ TemplateName: "t" });
  });

  it("uses TemplateArn for an ARN", () => {
    const arn = "arn:aws:ses:us-east-1:123456789012:template/welcome";
    expect(
      build({ templateId: arn, from: "f@example.com", to: "a@example.com" }).inputs[0]?.DefaultContent
        ?.Template,
    ).toEqual({
      TemplateArn: arn,
    });
  });

  it("sends the single tag as DefaultEmailTags with messageTagName (test_template_default_email_tag)", () => {
    const { inputs } = build(
      { templateId: "t", from: "f@example.com", to: "a@example.com", tags: ["WelcomeVariantA"] },
      { messageTagName: "Campaign" },
    );
    expect(inputs[0]?.DefaultEmailTags).toEqual([{ Name: "Campaign", Value: "WelcomeVariantA" }]);
  });

  it("RFC 2047-encodes non-ASCII header values and tags (SES header values are ASCII)", () => {
    const { inputs } = build({
      templateId: "t",
      from: "f@example.com",
      to: "a@example.com",
      tags: ["Ünï"],
      headers: { "X-Note": "Grüße" },
    });
    const headers = inputs[0]?.BulkEmailEntries?.[0]?.ReplacementHeaders ?? [];
    expect(headers.every((h) => /^[\x20-\x7e]*$/.test(h.Value ?? ""))).toBe(true);
    expect(headers.map((h) => h.Name)).toEqual(["X-Note", "X-Tag"]);
    expect(headers[1]?.Value).toMatch(/^=\?UTF-8\?Q\?/);
  });

  it("carries attachments in the template content (beyond Anymail)", () => {
    const { inputs } = build({
      templateId: "t",
      from: "f@example.com",
      to: "a@example.com",
      attachments: [
        { filename: "terms.pdf", content: "%PDF" },
        { content: new Uint8Array([1]), contentId: "logo@x" },
      ],
    });
    expect(inputs[0]?.DefaultContent?.Template?.Attachments).toEqual([
      {
        FileName: "terms.pdf",
        RawContent: new TextEncoder().encode("%PDF"),
        ContentType: "application/pdf",
        ContentDisposition: "ATTACHMENT",
      },
      {
        FileName: "attachment",
        RawContent: new Uint8Array([1]),
        ContentType: "application/octet-stream",
        ContentDisposition: "INLINE",
        ContentId: "logo@x",
      },
    ]);
  });

  it.each([
    [{ subject: "Hi" }, "overriding the template subject"],
    [{ text: "body" }, "overriding template body content"],
    [{ html: "<p>x</p>" }, "overriding template body content"],
    [{ alternatives: [{ content: "x", contentType: "text/x-amp-html" }] }, "alternatives with a template"],
    [{ headers: { To: "Spoof <spoof@example.com>" } }, "spoofing the To header"],
    [{ sendAt: new Date() }, "sendAt"],
  ])("refuses %o on a stored-template send (test_template_unsupported)", (extra, feature) => {
    expect(() => build({ templateId: "t", from: "f@example.com", to: "a@example.com", ...extra })).toThrow(
      feature,
    );
    const ctx = lenient();
    build({ templateId: "t", from: "f@example.com", to: "a@example.com", ...extra }, {}, ctx);
    expect(ctx.ignored.join()).toContain(feature);
  });

  it("needs to recipients: each one gets their own message", () => {
    expect(() => build({ templateId: "t", from: "f@example.com", cc: "c@example.com" })).toThrow(
      InvalidMessageError,
    );
  });
});

describe("SendBulkEmail payload (inline template content)", () => {
  it("turns merge fields without templateId into TemplateContent from the message", () => {
    const { inputs } = build({
      from: "f@example.com",
      to: "a@example.com",
      subject: "Hi {{name}}",
      text: "Hello {{name}}",
      html: "<p>Hello {{name}}</p>",
      mergeData: { "a@example.com": { name: "Alice" } },
    });
    expect(inputs[0]?.DefaultContent?.Template).toEqual({
      TemplateContent: { Subject: "Hi {{name}}", Text: "Hello {{name}}", Html: "<p>Hello {{name}}</p>" },
    });
  });

  it("refuses merge fields with neither templateId nor content", () => {
    expect(() => build({ from: "f@example.com", to: "a@example.com", mergeData: {} })).toThrow(
      /without templateId or inline template content/,
    );
  });
});

describe("batching", () => {
  it("splits 120 recipients into 50 + 50 + 20, order kept, with the same common fields", () => {
    const to = Array.from({ length: 120 }, (_, i) => `r${i}@example.com`);
    const { inputs, batches } = build({ templateId: "t", from: "f@example.com", to });
    expect(inputs.map((input) => input.BulkEmailEntries?.length)).toEqual([50, 50, 20]);
    expect(batches.flat().map((a) => a.addrSpec)).toEqual(to);
    expect(
      inputs.flatMap((input) => input.BulkEmailEntries?.map((e) => e.Destination?.ToAddresses?.[0])),
    ).toEqual(to);
    expect(new Set(inputs.map((input) => input.FromEmailAddress))).toEqual(new Set(["f@example.com"]));
  });

  it("takes a configured batch size", () => {
    const to = Array.from({ length: 20 }, (_, i) => `r${i}@example.com`);
    expect(
      build({ templateId: "t", from: "f@example.com", to }, { batchSize: 7 }).inputs.map(
        (i) => i.BulkEmailEntries?.length,
      ),
    ).toEqual([7, 7, 6]);
  });
});
