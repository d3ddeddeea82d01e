import { defineConfig } from "tsup";

/** One entry per subpath export; keep in step with package.json "exports" (test/exports.test.ts checks). */
export default defineConfig({
  entry: {
    index: "src/index.ts",
    "testing/index": "src/testing/index.ts",
    "queue/index": "src/queue/index.ts",
    "adapters/node": "src/adapters/node.ts",
    "adapters/express": "src/adapters/express.ts",
    "adapters/fastify": "src/adapters/fastify.ts",
    "adapters/lambda": "src/adapters/lambda.ts",
    // The `mailroom` command (package.json "bin"), not a subpath export; keeps its #! line.
    "cli/main": "src/cli/main.ts",
  },
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
  splitting: true,
  treeshake: true,
});
