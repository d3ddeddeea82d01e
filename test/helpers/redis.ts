import { describe, inject } from "vitest";

/**
 * `describe` for tests that need the real redis-server started by test/setup/redis-local.ts, or
 * `describe.skip` when it is not installed on this machine (the setup prints one line saying so; CI
 * sets MAILROOM_REQUIRE_REDIS=1 and fails instead of skipping).
 */
export const describeWithRedis = describe.skipIf(inject("redisUrl") === "");

/** The Redis URL for this run ("" when Redis tests are skipped). */
export function redisUrl(): string {
  return inject("redisUrl");
}
