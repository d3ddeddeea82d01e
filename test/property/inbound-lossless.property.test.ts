/**
 * Lossless inbound MIME as a property (issue 12): any MIME tree nodemailer's composer builds,
 * under every transfer encoding, parses back with every attachment byte-exact (sha256) and the
 * text and HTML bodies equal to what was composed. Roots are multipart (there is always an
 * attachment): for a single-part message the composer itself appends a CRLF to the body.
 */
import { createHash } from "node:crypto";

import fc from "fast-check";
import MailComposer from "nodemailer/lib/mail-composer";
import type { MailComposerAttachment, MailComposerOptions } from "nodemailer/lib/mail-composer";
import { describe, expect, it } from "vitest";

import { parseInboundMessage } from "../../src/inbound/inbound-message";
import type { InboundMessage } from "../../src/inbound/types";

const ENCODINGS = ["base64", "quoted-printable", "7bit", "8bit", "binary"] as const;
type Encoding = (typeof ENCODINGS)[number];

/** One attachment to compose, and the bytes it must parse back to. */
type LeafSpec =
  | { kind: "bytes"; content: Uint8Array; encoding: Encoding; inline: boolean }
  | { kind: "text"; content: string; contentType: string; encoding: Encoding }
  | { kind: "message"; message: MessageSpec; encoding: Encoding };

interface BodySpec {
  content: string;
  encoding: Encoding;
}

interface MessageSpec {
  text: BodySpec;
  html: BodySpec | undefined;
  attachments: LeafSpec[];
}

const encodingArb = fc.constantFrom(...ENCODINGS);
// Line breaks of every kind, QP's own "=", spaces and tabs that end lines, non-ASCII.
const textArb = fc
  .array(
    fc.constantFrom(
      "a",
      "Z",
      "0",
      " ",
      "\t",
      "\r",
      "\n",
      "\r\n",
      "=",
      ".",
      "-",
      "--",
      "é",
      "⚡",
      "日本",
      "\u00a0",
    ),
    {
      minLength: 1,
      maxLength: 80,
    },
  )
  .map((pieces) => pieces.join(""));
const bodyArb: fc.Arbitrary<BodySpec> = fc.record({ content: textArb, encoding: encodingArb });
const calendarArb = textArb.map(
  (summary) =>
    `BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nSUMMARY:${summary.replace(/[\r\n]/g, " ")}\r\n` +
    "END:VEVENT\r\nEND:VCALENDAR\r\n",
);

function leafArb(level: number): fc.Arbitrary<LeafSpec> {
  const leaves: fc.Arbitrary<LeafSpec>[] = [
    fc.record({
      kind: fc.constant("bytes" as const),
      content: fc.uint8Array({ maxLength: 400 }),
      encoding: encodingArb,
      inline: fc.boolean(),
    }),
    fc.record({
      kind: fc.constant("text" as const),
      content: textArb,
      contentType: fc.constantFrom("text/plain; charset=utf-8", "text/csv; charset=utf-8"),
      encoding: encodingArb,
    }),
    fc.record({
      kind: fc.constant("text" as const),
      content: calendarArb,
      contentType: fc.constantFrom("text/calendar; method=REQUEST; charset=utf-8", "application/ics"),
      encoding: encodingArb,
    }),
  ];
  if (level < 2) {
    leaves.push(
      fc.record({
        kind: fc.constant("message" as const),
        message: messageArb(level + 1),
        encoding: encodingArb,
      }),
    );
  }
  return fc.oneof(...leaves);
}

function messageArb(level: number): fc.Arbitrary<MessageSpec> {
  return fc.record({
    text: bodyArb,
    html: fc.option(bodyArb, { nil: undefined }),
    attachments: fc.array(leafArb(level), { minLength: 1, maxLength: level === 0 ? 5 : 3 }),
  });
}

function filename(leaf: LeafSpec, index: number): string {
  return `part-${index}.${leaf.kind === "message" ? "eml" : leaf.kind === "text" ? "txt" : "bin"}`;
}

async function compose(spec: MessageSpec, level: number): Promise<Buffer> {
  const attachments: MailComposerAttachment[] = [];
  for (const [index, leaf] of spec.attachments.entries()) {
    const name = filename(leaf, index);
    if (leaf.kind === "bytes") {
      attachments.push({
        filename: name,
        content: Buffer.from(leaf.content),
        contentType: "application/octet-stream",
        contentTransferEncoding: leaf.encoding,
        ...(leaf.inline
          ? { cid: `cid-${level}-${index}@example.com`, contentDisposition: "inline" as const }
          : {}),
      });
    } else if (leaf.kind === "text") {
      attachments.push({
        filename: name,
        content: leaf.content,
        contentType: leaf.contentType,
        contentTransferEncoding: leaf.encoding,
      });
    } else {
      attachments.push({
        filename: name,
        content: await compose(leaf.message, level + 1),
        contentType: "message/rfc822",
        contentTransferEncoding: leaf.encoding,
      });
    }
  }
  const options: MailComposerOptions = {
    from: "Sender <sender@example.org>",
    to: "inbound@example.com",
    subject: `level ${level}`,
    text: { content: spec.text.content, contentTransferEncoding: spec.text.encoding } as never,
    ...(spec.html === undefined
      ? {}
      : { html: { content: spec.html.content, contentTransferEncoding: spec.html.encoding } as never }),
    attachments,
  };
  return new MailComposer(options).compile().build();
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

async function expectLossless(
  message: InboundMessage,
  spec: MessageSpec,
  composed: Uint8Array,
): Promise<void> {
  expect(sha256(message.raw)).toBe(sha256(composed));
  expect(message.text).toBe(spec.text.content);
  expect(message.html).toBe(spec.html?.content);
  const parts = new Map([...message.attachments, ...message.inlines].map((part) => [part.filename, part]));
  expect(parts.size).toBe(spec.attachments.length);
  for (const [index, leaf] of spec.attachments.entries()) {
    const part = parts.get(filename(leaf, index));
    expect(part, filename(leaf, index)).toBeDefined();
    const content = part?.content ?? new Uint8Array();
    if (leaf.kind === "message") {
      expect(part?.message, "attached message parsed").toBeDefined();
      await expectLossless(part?.message as InboundMessage, leaf.message, content);
    } else {
      const expected = leaf.kind === "bytes" ? leaf.content : new TextEncoder().encode(leaf.content);
      expect(sha256(content), `${filename(leaf, index)} (${leaf.encoding})`).toBe(sha256(expected));
    }
  }
}

describe("lossless inbound MIME (property)", () => {
  it("parses what nodemailer composes back to the same bodies and byte-exact attachments", async () => {
    await fc.assert(
      fc.asyncProperty(messageArb(0), async (spec) => {
        const composed = new Uint8Array(await compose(spec, 0));
        const message = await parseInboundMessage(composed);
        await expectLossless(message, spec, composed);
      }),
      { numRuns: 150 },
    );
  });
});
