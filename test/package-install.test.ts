/**
 * The package as a stranger gets it: `npm pack`, installed into a scratch app, used from ESM, CJS
 * and TypeScript (NodeNext), and the `mailroom` command; and a git install, which must build
 * `dist/` itself (`prepare`).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { beforeAll, describe, expect, inject, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const work = join(root, ".tmp", `package-install-${process.pid}`);
const app = join(work, "app");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const SECRET = "hooks:scratch-app-password";

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}): string {
  return execFileSync(command, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...env, npm_config_audit: "false", npm_config_fund: "false" },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** npm pack of a folder (scripts off: dist is already built), returning the tarball's path. */
function pack(folder: string): string {
  const out = run(npm, ["pack", "--ignore-scripts", "--json", "--pack-destination", work], folder);
  const [info] = JSON.parse(out) as { filename: string }[];
  return join(work, (info as { filename: string }).filename);
}

/** What the scratch app's ESM file does: a send to the SES emulator and a signed webhook round trip. */
const ESM_APP = `
import { createMailer, amazonSes, amazonSesTrackingWebhook, MailroomError } from "mailroom-ses";
import { createSnsTestSigner } from "mailroom-ses/testing";
import { SESv2Client } from "@aws-sdk/client-sesv2";

const client = new SESv2Client({
  endpoint: process.env.SES_ENDPOINT, region: "us-east-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
});
const mailer = createMailer({ backend: amazonSes({ client }) });
const status = await mailer.send({ from: "shop@example.com", to: "alice@example.com", subject: "Hi", text: "Hello" });

const signer = createSnsTestSigner();
const events = [];
const webhook = amazonSesTrackingWebhook({
  secret: process.env.SECRET,
  verifySignature: { fetchCertificate: signer.fetchCertificate },
  onEvent: (event) => { events.push(event.eventType); },
});
const mail = { timestamp: new Date().toISOString(), messageId: status.messageId, source: "shop@example.com",
  destination: ["alice@example.com"], headersTruncated: false, headers: [], commonHeaders: {} };
const envelope = signer.notification({ message: { eventType: "Delivery", mail,
  delivery: { timestamp: new Date().toISOString(), recipients: ["alice@example.com"], processingTimeMillis: 5,
    smtpResponse: "250 ok", reportingMTA: "a.example.com" } } });
const auth = "Basic " + Buffer.from(process.env.SECRET).toString("base64");
const response = await webhook(new Request("https://app.example.com/ses", { method: "POST",
  headers: { ...signer.httpHeaders(envelope), authorization: auth }, body: JSON.stringify(envelope) }));
console.log(JSON.stringify({ status: status.recipients["alice@example.com"].status, http: response.status, events,
  typed: new MailroomError("x") instanceof Error }));
`;

const CJS_APP = `
const { createMailer, InvalidAddressError } = require("mailroom-ses");
const { createMemoryBackend } = require("mailroom-ses/testing");
const backend = createMemoryBackend();
const mailer = createMailer({ backend });
mailer.send({ from: "shop@example.com", to: "bob@example.com", subject: "Hi", text: "Hello" }).then(async (status) => {
  let refused = "";
  try { await mailer.send({ from: "shop@example.com", to: "not an address", subject: "x", text: "x" }); }
  catch (err) { refused = err instanceof InvalidAddressError ? err.code : String(err); }
  console.log(JSON.stringify({ status: status.recipients["bob@example.com"].status, outbox: backend.outbox.length, refused }));
});
`;

const TS_APP = `
import { createMailer, amazonSesTrackingWebhook, type TrackingEvent } from "mailroom-ses";
import { createMemoryBackend } from "mailroom-ses/testing";
import { toNodeListener } from "mailroom-ses/node";

const mailer = createMailer({ backend: createMemoryBackend() });
const status = await mailer.send({ from: "a@example.com", to: "b@example.com", subject: "s", text: "t" });
const id: string | undefined = status.messageId;
const handler = amazonSesTrackingWebhook({ secret: "hooks:scratch-app-password", onEvent: (event: TrackingEvent) => void event.eventType });
export const listener = toNodeListener(handler);
export { id };
`;

describe("the packed package installed into a scratch app", () => {
  beforeAll(() => {
    rmSync(work, { recursive: true, force: true });
    mkdirSync(app, { recursive: true });
    const tarball = pack(root);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "scratch-app", private: true }));
    // --prefer-offline: the dependencies come from the npm cache that installing this repository filled.
    // Next to Express 4 and Fastify 4: the optional peers accept both majors (no ERESOLVE).
    run(
      npm,
      [
        "install",
        "--prefer-offline",
        "--ignore-scripts",
        "--no-package-lock",
        tarball,
        "express@^4",
        "fastify@^4",
      ],
      app,
    );
    run(
      npm,
      [
        "install",
        "--prefer-offline",
        "--ignore-scripts",
        "--no-package-lock",
        "--no-save",
        "@aws-sdk/client-sesv2",
      ],
      app,
    );
    writeFileSync(join(app, "send.mjs"), ESM_APP);
    writeFileSync(join(app, "send.cjs"), CJS_APP);
    writeFileSync(join(app, "app.ts"), TS_APP);
  }, 240_000);

  it("ships dist, docs, README and CHANGELOG", () => {
    const installed = join(app, "node_modules", "mailroom-ses");
    for (const entry of [
      "dist/index.js",
      "dist/index.cjs",
      "dist/index.d.ts",
      "docs/quickstart.md",
      "README.md",
      "CHANGELOG.md",
    ]) {
      expect(existsSync(join(installed, entry)), entry).toBe(true);
    }
  });

  it("ESM: sends through SES (the emulator) and takes a signed notification through the webhook", () => {
    const out = run(process.execPath, ["send.mjs"], app, { SES_ENDPOINT: inject("sesEndpoint"), SECRET });
    expect(JSON.parse(out)).toEqual({ status: "queued", http: 200, events: ["delivered"], typed: true });
  });

  it("CJS: sends with the test kit's memory backend and gets typed errors", () => {
    const out = run(process.execPath, ["send.cjs"], app);
    expect(JSON.parse(out)).toEqual({ status: "queued", outbox: 1, refused: "invalid_address" });
  });

  it("TypeScript with NodeNext resolution type-checks against the shipped types", () => {
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ["node"],
          typeRoots: [join(root, "node_modules", "@types")],
        },
        files: ["app.ts"],
      }),
    );
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify({ name: "scratch-app", private: true, type: "module" }),
    );
    const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
    expect(() => run(process.execPath, [tsc, "-p", "tsconfig.json"], app)).not.toThrow();
  }, 120_000);

  it("installs the mailroom command, whose --help works", () => {
    const out = run(join(app, "node_modules", ".bin", "mailroom"), ["--help"], app);
    expect(out).toMatch(/Usage: mailroom <command>/);
  });
});

describe("a git install builds dist/ itself", () => {
  it("a clone without dist/ packs (as npm does for a git dependency) into a package with dist/", () => {
    // npm installs a git dependency by cloning it, installing its dependencies, running `prepare`
    // and packing the result. The same steps, with the dependency install replaced by a link to
    // this repository's node_modules (a real `npm install git+file://...` takes minutes).
    const clone = join(work, "clone");
    rmSync(clone, { recursive: true, force: true });
    run("git", ["clone", "--quiet", "--no-local", root, clone], work);
    // The clone holds what is committed, as a git install would.
    expect(existsSync(join(clone, "dist"))).toBe(false);
    symlinkSync(join(root, "node_modules"), join(clone, "node_modules"), "dir");
    run(npm, ["run", "prepare"], clone);
    const tarball = pack(clone);
    const listing = run("tar", ["-tzf", tarball], work);
    expect(listing).toContain("package/dist/index.js");
    expect(listing).toContain("package/dist/cli/main.js");
    expect(readdirSync(join(clone, "dist")).length).toBeGreaterThan(5);
  }, 180_000);
});
