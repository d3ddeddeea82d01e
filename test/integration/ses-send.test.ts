import PostalMime from "postal-mime";
import { describe, expect, it } from "vitest";

import { createMailer } from "../../src/mailer";
import { inlineImage } from "../../src/message/attachments";
import { amazonSes } from "../../src/ses/backend";
import { emulatorClient, storedEmail } from "../helpers/ses-local";

function setup(options: Parameters<typeof amazonSes>[0] = {}) {
  const { client, sent } = emulatorClient();
  const mailer = createMailer({ backend: amazonSes({ ...options, client }) });
  /** The raw MIME bytes of the last SendEmail request, parsed back. */
  const lastRaw = async () => {
    const input = sent.at(-1)?.input as { Content: { Raw: { Data: Uint8Array } } };
    return PostalMime.parse(input.Content.Raw.Data);
  };
  return { mailer, sent, lastRaw };
}

describe("sending through aws-ses-v2-local", () => {
  it("sends every field of a message end to end", async () => {
    const { mailer, sent, lastRaw } = setup({ configurationSetName: "Tracking", messageTagName: "Campaign" });
    const logo = inlineImage({
      filename: "logo.png",
      content: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]),
    });
    const status = await mailer.send({
      from: '"Shop, Inc." <shop@example.com>',
      to: ["Alice <alice@example.com>", "bob@example.com"],
      cc: "Carol <carol@example.com>",
      bcc: "audit@example.com",
      replyTo: "support@example.com",
      subject: "Your order №42",
      text: "Thanks for your order — total 22,70 €",
      html: `<p>Thanks for your order</p><img src="cid:${logo.contentId}">`,
      alternatives: [{ content: "<!doctype html><html amp4email></html>", contentType: "text/x-amp-html" }],
      attachments: [
        { filename: "invoice.pdf", content: new Uint8Array(Buffer.from("%PDF-1.4 invoice")) },
        logo,
      ],
      headers: { "List-Unsubscribe": "<mailto:unsubscribe@example.com>" },
      envelopeSender: "bounces@example.com",
      metadata: { orderId: 42, customer: "Zoë" },
      tags: ["Welcome"],
      trackOpens: true,
      trackClicks: false,
      espExtra: { TenantName: "tenant-a" },
    });

    // Status: every to/cc/bcc recipient queued with SES's MessageId.
    expect(status.messageId).toMatch(/^ses-\d+$/);
    expect(Object.keys(status.recipients).sort()).toEqual(
      ["alice@example.com", "audit@example.com", "bob@example.com", "carol@example.com"].sort(),
    );
    expect(
      Object.values(status.recipients).every(
        (r) => r.status === "queued" && r.messageId === status.messageId,
      ),
    ).toBe(true);
    expect(status.statuses).toEqual(new Set(["queued"]));
    expect(status.response).toMatchObject({ MessageId: status.messageId });

    // What the emulator stored (it keeps what it parsed from the MIME).
    const stored = await storedEmail(status.messageId as string);
    expect(stored.from).toBe('"Shop, Inc." <shop@example.com>');
    expect(stored.destination.to).toEqual(['"Alice" <alice@example.com>, bob@example.com']);
    expect(stored.destination.cc).toEqual(['"Carol" <carol@example.com>']);
    expect(stored.destination.bcc).toEqual([]); // never in the MIME
    expect(stored.replyTo).toEqual(["support@example.com"]);
    expect(stored.subject).toBe("Your order №42");
    expect(stored.body.text?.trim()).toBe("Thanks for your order — total 22,70 €");
    expect(stored.body.html).toContain("<p>Thanks for your order</p>");
    const invoice = stored.attachments.find((a) => a.filename === "invoice.pdf");
    expect(invoice?.contentType).toBe("application/pdf");
    expect(Buffer.from(invoice?.content ?? "", "base64").toString()).toBe("%PDF-1.4 invoice");
    expect(stored.attachments.find((a) => a.filename === "logo.png")?.contentType).toBe("image/png");

    // What the emulator does not keep: assert on the request the SDK sent.
    const input = sent.at(-1)?.input ?? {};
    expect(input.Destination).toEqual({
      ToAddresses: ["alice@example.com", "bob@example.com"],
      CcAddresses: ["carol@example.com"],
      BccAddresses: ["audit@example.com"],
    });
    expect(input.ConfigurationSetName).toBe("Tracking");
    expect(input.EmailTags).toEqual([{ Name: "Campaign", Value: "Welcome" }]);
    expect(input.FeedbackForwardingEmailAddress).toBe("bounces@example.com");
    expect(input.ConfigurationOverrides).toEqual({
      Tracking: { OpenTrackingEnabled: "ENABLED", ClickTrackingEnabled: "DISABLED" },
    });
    expect(input.TenantName).toBe("tenant-a");
    const raw = await lastRaw();
    const header = (name: string) => raw.headers.filter((h) => h.key === name).map((h) => h.value);
    expect(JSON.parse(header("x-metadata")[0] ?? "")).toEqual({ orderId: 42, customer: "Zoë" });
    expect(header("x-tag")).toEqual(["Welcome"]);
    expect(header("list-unsubscribe")).toEqual(["<mailto:unsubscribe@example.com>"]);
    // postal-mime lists body alternatives it does not render (AMP) among the attachments.
    const amp = raw.attachments.find((a) => a.mimeType === "text/x-amp-html");
    expect(new TextDecoder().decode(amp?.content as ArrayBuffer).trim()).toBe(
      "<!doctype html><html amp4email></html>",
    );
  });

  it("delivers to IDN domains with IDNA in the headers", async () => {
    const { mailer, sent } = setup();
    const status = await mailer.send({
      from: "shop@příklad.example.cz",
      to: "Jöhn <j@exämple.com>",
      subject: "Hi",
      text: "x",
    });
    // The emulator's parser shows IDNs decoded again; the bytes on the wire are ASCII.
    const stored = await storedEmail(status.messageId as string);
    expect(stored.from).toBe("shop@příklad.example.cz");
    const raw = Buffer.from(
      (sent.at(-1)?.input as { Content: { Raw: { Data: Uint8Array } } }).Content.Raw.Data,
    ).toString();
    expect(raw).toContain("From: shop@xn--pklad-zsa96e.example.cz\r\n");
    expect(raw).toContain("To: =?UTF-8?Q?J=C3=B6hn?= <j@xn--exmple-cua.com>\r\n");
    expect(sent.at(-1)?.input.Destination).toEqual({ ToAddresses: ["j@xn--exmple-cua.com"] });
    expect(Object.keys(status.recipients)).toEqual(["j@exämple.com"]);
  });

  it("applies send defaults to every field", async () => {
    const { client } = emulatorClient();
    const mailer = createMailer({
      backend: amazonSes({ client }),
      sendDefaults: {
        from: "noreply@example.com",
        subject: "Default subject",
        bcc: "archive@example.com",
        tags: ["app"],
      },
    });
    const status = await mailer.send({ to: "x@example.com", text: "body" });
    const stored = await storedEmail(status.messageId as string);
    expect(stored.from).toBe("noreply@example.com");
    expect(stored.subject).toBe("Default subject");
    expect(Object.keys(status.recipients)).toEqual(["x@example.com", "archive@example.com"]);
  });
});
