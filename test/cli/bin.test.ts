import { execFile } from "node:child_process";
import { accessSync, constants, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { VERSION } from "../../src/version";

const root = fileURLToPath(new URL("../..", import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}/package.json`, "utf8")) as { bin: Record<string, string> };

/** Run the built binary (npm test builds first) in a child process, optionally with stdin. */
function runBin(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [`${root}/${pkg.bin.mailroom ?? ""}`, ...args],
      { cwd: root, timeout: 30_000 },
      (error, stdout, stderr) => {
        resolve({
          code: typeof error?.code === "number" ? error.code : error === null ? 0 : -1,
          stdout,
          stderr,
        });
      },
    );
    child.stdin?.end(stdin ?? "");
  });
}

describe("the built mailroom binary", () => {
  it("is declared in package.json, starts with a #! line and is executable", () => {
    expect(pkg.bin.mailroom).toBe("./dist/cli/main.js");
    const file = `${root}/dist/cli/main.js`;
    expect(readFileSync(file, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
    expect(() => accessSync(file, constants.X_OK)).not.toThrow();
  });

  it("prints help and the version", async () => {
    const help = await runBin(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: mailroom <command>");
    expect(help.stdout).toContain("setup tracking");
    const version = await runBin(["--version"]);
    expect(version).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
  });

  it("sets the exit code of a usage error", async () => {
    const result = await runBin(["frobnicate"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command 'frobnicate'");
  });

  it("parses events from the process's stdin", async () => {
    const body = readFileSync(`${root}/test/fixtures/ses-tracking/event-delivery.json`, "utf8");
    const result = await runBin(["events", "parse"], body);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      eventType: "delivered",
      recipient: "recipient@example.com",
    });
  });

  it("prints a send --dry-run without AWS credentials", async () => {
    const result = await runBin([
      "send",
      "--dry-run",
      "--from",
      "a@example.com",
      "--to",
      "b@example.com",
      "--text",
      "x",
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ operation: "SendEmail" });
  });
});
