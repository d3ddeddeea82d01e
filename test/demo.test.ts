import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

describe("npm start (examples/demo.ts)", () => {
  it("sends through a local SES emulator and prints the status and the raw message", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "examples/demo.ts"], {
      cwd: root,
      timeout: 60_000,
    });
    expect(stdout).toMatch(/Local SES emulator listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(stdout).toMatch(/alice@example\.com\s+queued\s+ses-\d+/);
    expect(stdout).toMatch(/audit@example\.com\s+queued/);
    expect(stdout).toContain('"BccAddresses"');
    expect(stdout).toContain("X-Tag: orders\r\nX-Tag: shipping");
    expect(stdout).toContain('X-Metadata: {"app": "demo", "orderId": 42}');
    expect(stdout).toContain("Content-Disposition: attachment; filename=invoice.txt");
    expect(stdout).not.toMatch(/^Bcc:/m);
  });
});
