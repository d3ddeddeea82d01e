import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import MailComposer from "nodemailer/lib/mail-composer";

import { createMailer } from "../../src/mailer";
import { normalizeMessage } from "../../src/message/normalize";
import type { EmailMessage } from "../../src/message/types";
import { amazonSes } from "../../src/ses/backend";
import { buildSendEmailInput } from "../../src/ses/payload/send-email";
import type { Scenario } from "../harness";

const attachmentBytes = (seed: number) =>
  Uint8Array.from({ length: 20 * 1024 }, (_, i) => (i * 31 + seed) % 256);

const message: EmailMessage = {
  from: '"Shop, Inc." <shop@example.com>',
  to: ["Alice <alice@example.com>", "bob@example.com"],
  subject: "Your order #12345 has shipped",
  text: "Hello Alice,\n\nYour order has shipped. Thanks for shopping with us.\n".repeat(20),
  html: "<p>Hello Alice,</p><p>Your order has shipped. Thanks for shopping with us.</p>".repeat(20),
  attachments: [
    { filename: "invoice.pdf", content: attachmentBytes(1) },
    { filename: "label.png", content: attachmentBytes(2) },
  ],
  tags: ["orders", "shipping"],
  metadata: { orderId: 12345, customer: "alice", items: ["book", "pen"] },
};

const context = { unsupported: () => undefined };

/**
 * A typical transactional message for the round trip: what sits between the caller and the SDK
 * (validation, MIME, status) against one HTTP round trip. The attachment-heavy build cost is
 * measured on its own by ses-send-build.
 */
const transactional: EmailMessage = {
  from: '"Shop, Inc." <shop@example.com>',
  to: ["Alice <alice@example.com>"],
  subject: "Your password reset link",
  text: "Hello Alice,\n\nUse this link to reset your password: https://example.com/reset/abc123\n",
  html: '<p>Hello Alice,</p><p><a href="https://example.com/reset/abc123">Reset your password</a></p>',
  tags: ["password-reset"],
  metadata: { userId: 981 },
};

/** The same MIME built by nodemailer's composer alone: the floor for building a SendEmail input. */
function composerOnly(): Promise<Buffer> {
  return new MailComposer({
    from: { name: "Shop, Inc.", address: "shop@example.com" },
    to: [
      { name: "Alice", address: "alice@example.com" },
      { name: "", address: "bob@example.com" },
    ],
    subject: message.subject ?? "",
    text: message.text ?? "",
    html: message.html ?? "",
    attachments: (message.attachments ?? []).map((a) => ({
      filename: a.filename,
      content: Buffer.from(a.content as Uint8Array),
    })),
    headers: [
      {
        key: "X-Metadata",
        value: { prepared: true, value: '{"orderId": 12345, "customer": "alice", "items": ["book", "pen"]}' },
      },
      { key: "X-Tag", value: "orders" },
      { key: "X-Tag", value: "shipping" },
    ],
  })
    .compile()
    .build();
}

export const sesSendBuild: Scenario = {
  name: "ses-send-build",
  extra: { target: 0.8 },
  ours: async () => buildSendEmailInput(normalizeMessage(message), {}, context),
  floor: composerOnly,
};

let server: Server | undefined;
let client: SESv2Client | undefined;
let send: () => Promise<unknown> = async () => undefined;
let bare: () => Promise<unknown> = async () => undefined;

/** A loopback endpoint that answers SendEmail instantly, so only client-side cost is measured. */
export const sesSendRoundtrip: Scenario = {
  name: "ses-send-roundtrip",
  extra: { target: 0.8 },
  async setup() {
    server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"MessageId":"bench-0001"}');
      });
    });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    client = new SESv2Client({
      endpoint: `http://127.0.0.1:${port}`,
      region: "us-east-1",
      credentials: { accessKeyId: "x", secretAccessKey: "x" },
    });
    const mailer = createMailer({ backend: amazonSes({ client }) });
    const built = await buildSendEmailInput(normalizeMessage(transactional), {}, context);
    const prebuilt = built.Content?.Raw?.Data as Uint8Array;
    send = () => mailer.send(transactional);
    bare = () =>
      (client as SESv2Client).send(
        new SendEmailCommand({
          Content: { Raw: { Data: prebuilt } },
          Destination: { ToAddresses: ["alice@example.com"] },
        }),
      );
  },
  async teardown() {
    client?.destroy();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  },
  ours: () => send(),
  floor: () => bare(),
};
