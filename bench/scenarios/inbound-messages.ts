/**
 * Realistic inbound messages for the inbound benchmarks, built in memory: a reply with text,
 * HTML and a PDF-sized attachment, at any size.
 */

/** Deterministic bytes that do not compress away (what a PDF or image looks like to base64). */
function noise(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i += 1) {
    // xorshift32
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

function base64Lines(data: Uint8Array): string {
  return (
    Buffer.from(data)
      .toString("base64")
      .match(/.{1,76}/g) ?? []
  ).join("\r\n");
}

/**
 * A customer's reply with an attachment, about `totalBytes` long (the attachment takes what the
 * headers and bodies leave).
 */
export function inboundMessage(totalBytes: number): Uint8Array {
  const text =
    "Hello,\r\n\r\nplease find the signed contract attached. Let me know if anything is missing.\r\n".repeat(
      4,
    );
  const html = `<div dir="ltr"><p>Hello,</p><p>please find the signed contract attached.</p></div>`.repeat(4);
  const head = [
    "Return-Path: <customer@example.org>",
    "Received: from mail-ed1-f48.example.org (mail-ed1-f48.example.org [209.85.208.48])",
    " by inbound-smtp.us-east-1.amazonaws.com with SMTP id 0bench000000000000000000000000000000001",
    " for support@example.com; Mon, 07 Oct 2024 09:12:31 +0000 (UTC)",
    "Received: by mail-ed1-f48.example.org with SMTP id 4fb4d7f45d1cf-5c8b9c3b2a1so1234567a12.2",
    " for <support@example.com>; Mon, 07 Oct 2024 02:12:30 -0700 (PDT)",
    "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=20230601; t=1728292350;",
    " h=to:subject:message-id:date:from:mime-version:from:to:cc:subject:date:message-id:reply-to;",
    " bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=dGhpcyBpcyBub3QgYSByZWFsIHNpZ25hdHVyZQ==",
    "MIME-Version: 1.0",
    'From: "Customer, Jane" <customer@example.org>',
    "Date: Mon, 7 Oct 2024 11:12:19 +0200",
    "Message-ID: <CAbench-0001@mail.example.org>",
    "Subject: =?utf-8?q?Re=3A_Vertrag_f=C3=BCr_Oktober?=",
    "To: Support <support@example.com>",
    "Cc: legal@example.org",
    "In-Reply-To: <ticket-4242@example.com>",
    "References: <ticket-4242@example.com>",
    'Content-Type: multipart/mixed; boundary="000000000000bench0001"',
    "",
    "--000000000000bench0001",
    'Content-Type: multipart/alternative; boundary="000000000000bench0002"',
    "",
    "--000000000000bench0002",
    'Content-Type: text/plain; charset="UTF-8"',
    "",
    text,
    "--000000000000bench0002",
    'Content-Type: text/html; charset="UTF-8"',
    "",
    html,
    "",
    "--000000000000bench0002--",
    "--000000000000bench0001",
    'Content-Type: application/pdf; name="Vertrag Oktober.pdf"',
    "Content-Disposition: attachment; filename*=utf-8''Vertrag%20Oktober.pdf",
    "Content-Transfer-Encoding: base64",
    "",
    "",
  ].join("\r\n");
  const tail = "\r\n--000000000000bench0001--\r\n";
  // base64 with CRLF every 76 characters: 78 bytes of MIME per 57 bytes of attachment.
  const room = Math.max(0, totalBytes - head.length - tail.length);
  const attachment = noise(Math.floor((room * 57) / 78), 0x5eed);
  return new TextEncoder().encode(head + base64Lines(attachment) + tail);
}
