import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { publint } from "publint";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}/package.json`, "utf8")) as {
  name: string;
  exports: Record<string, unknown>;
};
const subpaths = Object.keys(pkg.exports)
  .filter((key) => key !== "./package.json")
  .map((key) => (key === "." ? pkg.name : `${pkg.name}/${key.slice(2)}`));

/** Load a subpath from the built package in a fresh Node process, the way a user's code would. */
function loadKeys(specifier: string, mode: "import" | "require"): string[] {
  const script =
    mode === "import"
      ? `import(${JSON.stringify(specifier)}).then((m) => console.log(JSON.stringify(Object.keys(m).sort())))`
      : `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(specifier)})).sort()))`;
  const out = execFileSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8" });
  return JSON.parse(out) as string[];
}

describe("package exports (built output)", () => {
  it("has been built (npm test builds first)", () => {
    expect(existsSync(`${root}/dist/index.js`)).toBe(true);
  });

  it.each(subpaths)("%s loads as ESM and CJS with the same exports", (specifier) => {
    const esm = loadKeys(specifier, "import");
    const cjs = loadKeys(specifier, "require");
    expect(esm.length).toBeGreaterThan(0);
    expect(cjs).toEqual(esm);
  });

  it("exposes the documented entry points", () => {
    expect(loadKeys("mailroom-ses", "import")).toEqual(
      expect.arrayContaining(["createMailer", "ApiError", "VERSION"]),
    );
    expect(loadKeys("mailroom-ses", "import")).toEqual(expect.arrayContaining(["amazonSes"]));
    expect(loadKeys("mailroom-ses/testing", "import")).toEqual(
      expect.arrayContaining(["createMemoryBackend", "sesEvents", "postToWebhook", "createSnsTestSigner"]),
    );
  });

  it("loads no parser or webhook-only AWS client for code that only sends", () => {
    const script = `require("mailroom-ses");
      const loaded = Object.keys(require.cache);
      console.log(JSON.stringify(["postal-mime", "client-s3", "client-sns", "client-ses/"].filter((name) => loaded.some((p) => p.includes(name)))));`;
    const out = execFileSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8" });
    expect(JSON.parse(out)).toEqual([]);
  });

  it("passes publint with no errors or warnings", async () => {
    const { messages } = await publint({ pkgDir: root, level: "warning" });
    expect(messages).toEqual([]);
  });
});
