import { describe, inject, it } from "vitest";

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

/** `it` for a test that needs the real redis-server (skipped, and counted as such, without one). */
export const itWithRedis = it.skipIf(inject("redisUrl") === "");

/**
 * A `describe` that is skipped when `needsRedis` and no redis-server is installed: for tables run
 * against both the memory and the Redis implementation of a store.
 */
export function describeIfRedis(needsRedis: boolean): typeof describeWithRedis {
  return describe.skipIf(needsRedis && inject("redisUrl") === "");
}
