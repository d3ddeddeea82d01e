import { execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const demoArgs = ["--import", "tsx", "examples/demo.ts"];

describe("npm start (examples/demo.ts)", () => {
  it("tells the whole story against local stand-ins", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [...demoArgs, "--exit"], {
      cwd: root,
      timeout: 90_000,
    });
    expect(stdout).toMatch(/SES emulator: +http:\/\/127\.0\.0\.1:\d+/);
    expect(stdout).toMatch(/tracking webhook: http:\/\/127\.0\.0\.1:\d+\/ses\/tracking/);
    // 1-3: sends
    expect(stdout).toMatch(/alice@example\.com +queued +ses-\d+/);
    expect(stdout).toMatch(/audit@example\.com +queued/);
    expect(stdout).toMatch(/erin@example\.com +queued +ses-\d+ \(SUCCESS\)/);
    // 4: tracking events, normalized with the metadata and tags the messages were sent with
    for (const type of ["Delivery", "Bounce", "Open", "Click"]) {
      expect(stdout).toMatch(new RegExp(`${type} +-> HTTP 200`));
    }
    expect(stdout).toMatch(/delivered alice@example\.com +\{"app":"demo"\} \["welcome"\] 250 2\.6\.0/);
    expect(stdout).toMatch(
      /bounced +nobody@example\.com +\{"app":"demo","orderId":42\} \["orders"\] smtp; 550/,
    );
    expect(stdout).toMatch(/clicked +alice@example\.com .* https:\/\/example\.com\/orders\/42/);
    // 5: inbound
    expect(stdout).toContain("Received -> HTTP 200");
    expect(stdout).toContain("subject:     Where is my order?");
    expect(stdout).toContain("attachments: parcel.jpg (image/jpeg, 4 bytes)");
    // 6: a forged notification is refused
    expect(stdout).toContain("tampered Message -> HTTP 403");
  });

  it("keeps the webhooks listening and stops cleanly on Ctrl-C", async () => {
    const child = spawn(process.execPath, demoArgs, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`demo never got ready:\n${stdout}`)), 90_000);
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes("Press Ctrl-C to stop")) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    // What it prints is enough to try the webhooks: the URL, the secret and a command that works.
    const command = /npx tsx (src\/cli\/main\.ts verify-webhook .*)$/m.exec(stdout)?.[1];
    expect(command, stdout).toBeDefined();
    expect(stdout).toMatch(/secret: +demo:\S+/);
    const verify = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", ...(command as string).split(" ")],
      { cwd: root, encoding: "utf8" },
    );
    expect(verify.stdout).toContain("Result: OK");
    child.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(stdout).toContain("Stopped.");
  });
});
