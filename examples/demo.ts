/**
 * `npm start`: a short tour with no AWS account. Starts a local SES emulator (aws-ses-v2-local)
 * on 127.0.0.1, sends a message with attachments, tags and metadata through Mailroom's SES
 * backend, and prints the send status and the raw message SES received.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

import { SESv2Client } from "@aws-sdk/client-sesv2";

import { createMailer, inlineImage } from "../src/index";
import { amazonSes } from "../src/ses/index";

// The SDK warns on Node 20 about its releases after January 2027; not news for a demo.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

type StartServer = (config: { host: string; port: number }) => Promise<Server>;

async function startSesEmulator(): Promise<{ server: Server; endpoint: string }> {
  const mod = (await import("aws-ses-v2-local")) as unknown as {
    default: StartServer | { default: StartServer };
  };
  const start = typeof mod.default === "function" ? mod.default : mod.default.default;
  // Always 127.0.0.1: the emulator's own default listens on every interface.
  const server = await start({ host: "127.0.0.1", port: 0 });
  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function section(title: string): void {
  console.log(`\n=== ${title} ${"=".repeat(Math.max(0, 70 - title.length))}`);
}

const { server, endpoint } = await startSesEmulator();
try {
  section(`Local SES emulator listening on ${endpoint}`);

  // Record the SendEmail input the SDK serializes, to show the raw MIME SES received.
  const client = new SESv2Client({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "demo", secretAccessKey: "demo" },
  });
  let sent: { Content: { Raw: { Data: Uint8Array } } } & Record<string, unknown> = {
    Content: { Raw: { Data: new Uint8Array() } },
  };
  client.middlewareStack.add(
    (next) => async (args) => {
      sent = args.input as typeof sent;
      return next(args);
    },
    { step: "initialize", name: "demoRecordInput" },
  );

  const mailer = createMailer({
    backend: amazonSes({ client, configurationSetName: "Tracking" }),
    sendDefaults: { from: '"Mailroom Demo" <demo@example.com>', metadata: { app: "demo" } },
  });

  const logo = inlineImage({ filename: "logo.png", content: Buffer.from("89504e470d0a1a0a", "hex") });
  const status = await mailer.send({
    to: ["Alice <alice@example.com>", "bob@exämple.com"],
    bcc: "audit@example.com",
    subject: "Your order №42 has shipped",
    text: "Hello Alice,\n\nYour order has shipped.\n",
    html: `<p>Hello Alice,</p><p>Your order has shipped.</p><img src="cid:${logo.contentId}">`,
    attachments: [{ filename: "invoice.txt", content: "Invoice #42: 2 × book, 22,70 €\n" }, logo],
    tags: ["orders", "shipping"],
    metadata: { orderId: 42 },
    trackClicks: false,
  });

  section("Send status");
  console.log(`messageId: ${status.messageId}`);
  for (const [recipient, result] of Object.entries(status.recipients)) {
    console.log(`  ${recipient.padEnd(22)} ${result.status.padEnd(7)} ${result.messageId}`);
  }

  section("SendEmail request (without the raw content)");
  console.log(JSON.stringify({ ...sent, Content: { Raw: { Data: "<below>" } } }, null, 2));

  section("Raw message SES received");
  console.log(Buffer.from(sent.Content.Raw.Data).toString("utf8"));

  section("What the emulator stored");
  const store = (await (await fetch(`${endpoint}/store`)).json()) as { emails: Record<string, unknown>[] };
  const stored = store.emails.find((email) => email.messageId === status.messageId);
  console.log(JSON.stringify({ ...stored, attachments: "(omitted)" }, null, 2));
} finally {
  server.close();
}
