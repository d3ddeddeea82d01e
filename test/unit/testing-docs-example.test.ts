/**
 * Runs the complete example of docs/testing.md (its first ```ts block, the bounce-handling app
 * and its tests) against the source, so the documented example is not only type-checked but
 * shown to pass. Its imports of "mailroom-ses" and "mailroom-ses/testing" are pointed at src/.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const markdown = readFileSync(join(root, "docs/testing.md"), "utf8");
const example = /```ts\n([\s\S]*?)\n```/.exec(markdown)?.[1];
if (example === undefined) {
  throw new Error("docs/testing.md has no ```ts block");
}
const source = example
  .replace(/from "mailroom-ses\/testing"/g, `from ${JSON.stringify(join(root, "src/testing/index.ts"))}`)
  .replace(/from "mailroom-ses"/g, `from ${JSON.stringify(join(root, "src/index.ts"))}`);
const dir = join(root, ".tmp", "docs-testing-example");
mkdirSync(dir, { recursive: true });
const file = join(dir, "example.ts");
writeFileSync(file, source);
// Importing it while this file is collected registers its describe/it blocks here.
await import(file);
