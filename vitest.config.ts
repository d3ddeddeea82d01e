import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Local stand-ins (aws-ses-v2-local...) are started once, on 127.0.0.1 and ephemeral ports.
    globalSetup: [
      "test/setup/ses-local.ts",
      "test/setup/s3-local.ts",
      "test/setup/redis-local.ts",
      "test/setup/sqs-local.ts",
    ],
    reporters: ["default", "./test/setup/summary-reporter.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
