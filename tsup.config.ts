import { defineConfig } from "tsup";

/** One entry per subpath export; keep in step with package.json "exports" (test/exports.test.ts checks). */
export default defineConfig({
  entry: {
    index: "src/index.ts",
    "ses/index": "src/ses/index.ts",
    "testing/index": "src/testing/index.ts",
  },
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
  splitting: true,
  treeshake: true,
});
