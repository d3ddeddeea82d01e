/**
 * `npm start`: the whole story with no AWS account. Starts a local SES emulator (aws-ses-v2-local)
 * and Mailroom's two webhooks on 127.0.0.1, sends a plain message, a message with attachments and a
 * template batch, replays SES tracking events and an inbound email through the webhooks (signed by
 * the test kit, so signature verification stays on), prints what happened, then keeps the webhooks
 * listening until Ctrl-C. `npm start -- --exit` stops after the story.
 */
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

import { CreateEmailTemplateCommand, SESv2Client } from "@aws-sdk/client-sesv2";

import { toNodeListener } from "../src/adapters/node";
import type { InboundEvent, TrackingEvent } from "../src/index";
import { createMailer, inlineImage, normalizeMessage } from "../src/index";
import { amazonSes, amazonSesInboundWebhook, amazonSesTrackingWebhook, buildRawMime } from "../src/ses/index";
import { createSnsTestSigner, postSnsEnvelope, postToWebhook, sesEvents } from "../src/testing/index";

// The SDK warns on Node 20 about its releases after January 2027; not news for a demo.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const SECRET = "demo:correct-horse-battery-staple";
type StartServer = (config: { host: string; port: number }) => Promise<Server>;

function section(title: string): void {
  console.log(`\n=== ${title} ${"=".repeat(Math.max(0, 72 - title.length))}`);
}

async function listen(server: Server): Promise<string> {
  // Always 127.0.0.1 and a free port: nothing of the demo is reachable from elsewhere.
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function startSesEmulator(): Promise<{ server: Server; endpoint: string }> {
  const mod = (await import("aws-ses-v2-local")) as unknown as {
    default: StartServer | { default: StartServer };
  };
  const start = typeof mod.default === "function" ? mod.default : mod.default.default;
  const server = await start({ host: "127.0.0.1", port: 0 });
  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function printTrackingEvent(event: TrackingEvent): void {
  const extra = event.mtaResponse ?? event.clickUrl ?? event.description ?? "";
  console.log(
    `  ${event.eventType.padEnd(9)} ${String(event.recipient).padEnd(22)} ${JSON.stringify(event.metadata)} ${JSON.stringify(event.tags)} ${extra}`,
  );
}

function printInbound(event: InboundEvent): void {
  const { message } = event;
  console.log(`  from:        ${message.from?.toString()}`);
  console.log(
    `  to:          ${message.to.map(String).join(", ")}  (envelope: ${message.envelopeRecipient})`,
  );
  console.log(`  subject:     ${message.subject}`);
  console.log(`  text:        ${message.text?.trim()}`);
  console.log(
    `  attachments: ${message.attachments.map((a) => `${a.filename} (${a.contentType}, ${a.size} bytes)`).join(", ")}`,
  );
  console.log(`  verdicts:    ${JSON.stringify(message.verdicts)}; spamDetected=${message.spamDetected}`);
}

/** The webhooks' log, one readable line per entry (the default logger prints the whole object). */
const demoLogger = {
  warn: (message: string, fields?: Record<string, unknown>) =>
    console.log(
      `  [webhook log] ${message}${fields?.status === undefined ? "" : ` (HTTP ${String(fields.status)})`}`,
    ),
  error: (message: string, fields?: Record<string, unknown>) =>
    console.log(
      `  [webhook log] ${message}${fields?.status === undefined ? "" : ` (HTTP ${String(fields.status)})`}`,
    ),
};

const closers: (() => Promise<void>)[] = [];
async function stop(): Promise<void> {
  await Promise.all(closers.splice(0).map((close) => close()));
}

async function main(): Promise<string> {
  const ses = await startSesEmulator();
  closers.push(() => new Promise((resolve) => ses.server.close(() => resolve())));
  const signer = createSnsTestSigner({ topicName: "ses-events" });
  const verifySignature = { fetchCertificate: signer.fetchCertificate };

  const tracked: TrackingEvent[] = [];
  const tracking = amazonSesTrackingWebhook({
    secret: SECRET,
    verifySignature,
    logger: demoLogger,
    onEvent: (event) => void tracked.push(event),
  });
  const received: InboundEvent[] = [];
  const inbound = amazonSesInboundWebhook({
    secret: SECRET,
    verifySignature,
    logger: demoLogger,
    onMessage: (event) => void received.push(event),
  });
  const routes: Record<string, ReturnType<typeof toNodeListener>> = {
    "/ses/tracking": toNodeListener(tracking),
    "/ses/inbound": toNodeListener(inbound),
  };
  const webhooks = createServer((req, res) => {
    const route = routes[req.url ?? ""];
    if (route === undefined) {
      res.writeHead(404).end();
    } else {
      route(req, res);
    }
  });
  const webhookBase = await listen(webhooks);
  closers.push(() => new Promise((resolve) => webhooks.close(() => resolve())));

  section("Local stand-ins");
  console.log(`  SES emulator:     ${ses.endpoint}`);
  console.log(`  tracking webhook: ${webhookBase}/ses/tracking`);
  console.log(`  inbound webhook:  ${webhookBase}/ses/inbound`);

  const client = new SESv2Client({
    endpoint: ses.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "demo", secretAccessKey: "demo" },
  });
  const mailer = createMailer({
    backend: amazonSes({ client, configurationSetName: "Tracking" }),
    sendDefaults: { from: '"Mailroom Demo" <demo@example.com>', metadata: { app: "demo" } },
  });

  section("1. A plain message");
  const plain = await mailer.send({
    to: "Alice <alice@example.com>",
    subject: "Welcome!",
    text: "Hello Alice.",
    tags: ["welcome"],
  });
  for (const [recipient, result] of Object.entries(plain.recipients)) {
    console.log(`  ${recipient.padEnd(22)} ${result.status.padEnd(7)} ${result.messageId}`);
  }

  section("2. A message with attachments, tags and metadata");
  const logo = inlineImage({ filename: "logo.png", content: Buffer.from("89504e470d0a1a0a", "hex") });
  const order = {
    to: ["bob@example.com", "nobody@example.com"],
    bcc: "audit@example.com",
    subject: "Your order №42 has shipped",
    text: "Your order has shipped.",
    html: `<p>Your order has shipped.</p><img src="cid:${logo.contentId}">`,
    attachments: [{ filename: "invoice.txt", content: "Invoice #42: 2 × book, 22,70 €\n" }, logo],
    tags: ["orders"],
    metadata: { orderId: 42 },
  };
  const shipped = await mailer.send(order);
  for (const [recipient, result] of Object.entries(shipped.recipients)) {
    console.log(`  ${recipient.padEnd(22)} ${result.status.padEnd(7)} ${result.messageId}`);
  }

  section("3. A template batch");
  await client.send(
    new CreateEmailTemplateCommand({
      TemplateName: "demo-welcome",
      TemplateContent: { Subject: "Hi {{name}}", Text: "Welcome to {{site}}, {{name}}!" },
    }),
  );
  const batch = await mailer.send({
    templateId: "demo-welcome",
    to: ["carol@example.com", "dave@example.com", "erin@example.com"],
    mergeGlobalData: { site: "ExampleCo" },
    mergeData: {
      "carol@example.com": { name: "Carol" },
      "dave@example.com": { name: "Dave" },
      "erin@example.com": { name: "Erin" },
    },
  });
  for (const [recipient, result] of Object.entries(batch.recipients)) {
    console.log(
      `  ${recipient.padEnd(22)} ${result.status.padEnd(7)} ${result.messageId} (${result.espStatus})`,
    );
  }

  section("4. SES tracking events through the tracking webhook");
  // The events SES would publish for the messages above (configuration-set event publishing,
  // "include original headers" on, so the tags and metadata come back), posted the way SNS does.
  const aboutPlain = {
    messageId: plain.messageId,
    destination: ["alice@example.com"],
    tags: ["welcome"],
    metadata: { app: "demo" },
    configurationSetName: "Tracking",
  };
  const sesTracking = [
    sesEvents.delivery(aboutPlain),
    sesEvents.bounce({
      messageId: shipped.messageId,
      destination: ["bob@example.com", "nobody@example.com", "audit@example.com"],
      recipients: ["nobody@example.com"],
      tags: ["orders"],
      metadata: { app: "demo", orderId: 42 },
      configurationSetName: "Tracking",
    }),
    sesEvents.open(aboutPlain),
    sesEvents.click({ ...aboutPlain, link: "https://example.com/orders/42" }),
  ];
  for (const sesEvent of sesTracking) {
    const response = await postToWebhook(`${webhookBase}/ses/tracking`, sesEvent, { signer, secret: SECRET });
    console.log(`  ${String(sesEvent.eventType).padEnd(9)} -> HTTP ${response.status}`);
  }
  console.log("  normalized events:");
  tracked.forEach(printTrackingEvent);

  section("5. An inbound email through the inbound webhook");
  const raw = buildRawMime(
    normalizeMessage({
      from: "Customer <customer@example.org>",
      to: "support@example.com",
      subject: "Where is my order?",
      text: "Hello, my order #42 has not arrived. Photo attached.",
      attachments: [{ filename: "parcel.jpg", content: new Uint8Array([0xff, 0xd8, 0xff, 0xd9]) }],
    }),
    { metadataJson: undefined, tags: [] },
  );
  const inboundResponse = await postToWebhook(
    `${webhookBase}/ses/inbound`,
    sesEvents.received({ raw, encoding: "BASE64" }),
    { signer, secret: SECRET },
  );
  console.log(`  Received -> HTTP ${inboundResponse.status}`);
  received.forEach(printInbound);

  section("6. A forged notification");
  console.log("  A notification whose Message was changed after SNS signed it. The webhook must refuse it");
  console.log("  and log why: the refusal below is the point, not a failure of the demo.");
  const trackedBefore = tracked.length;
  const forged = {
    ...signer.notification({ message: sesEvents.delivery(aboutPlain) }),
    Message: '{"eventType":"Delivery"}',
  };
  const forgedResponse = await postSnsEnvelope(`${webhookBase}/ses/tracking`, forged, {
    signer,
    secret: SECRET,
  });
  console.log(
    `  tampered Message -> HTTP ${forgedResponse.status} (refused: the signature no longer matches)`,
  );
  console.log(`  events handed to onEvent from it: ${tracked.length - trackedBefore}`);
  return webhookBase;
}

/** How to try the running webhooks from another terminal. */
function printTryIt(webhookBase: string): void {
  section("The webhooks keep listening");
  console.log(`  tracking webhook: ${webhookBase}/ses/tracking`);
  console.log(`  inbound webhook:  ${webhookBase}/ses/inbound`);
  console.log(`  secret:           ${SECRET}   (basic auth, user:password)`);
  console.log("");
  console.log("  Try them from another terminal with the mailroom command:");
  console.log(
    `    npx tsx src/cli/main.ts verify-webhook ${webhookBase}/ses/tracking --secret ${SECRET} --expect rejected`,
  );
  console.log("  (in an app that installed mailroom-ses: npx mailroom verify-webhook ...). Its samples are");
  console.log("  signed by a throwaway CA of its own, so every one is refused with 403: the secure answer.");
  console.log("  Press Ctrl-C to stop.");
}

process.once("SIGINT", () => {
  console.log("\nStopping...");
  void stop().then(() => {
    console.log("Stopped.");
    process.exit(0);
  });
});

try {
  const webhookBase = await main();
  if (process.argv.includes("--exit")) {
    await stop();
  } else {
    printTryIt(webhookBase);
  }
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  await stop();
  process.exitCode = 1;
}
