/**
 * `mailroom suppression …` against the project's stateful fake of SESv2 (test/helpers/fake-aws-sesv2.ts):
 * aws-ses-v2-local has no suppression-list API. `sync` uses the real Redis of the test run.
 */
import { randomUUID } from "node:crypto";

import { afterAll, describe, expect, inject, it } from "vitest";

import { itWithRedis } from "../helpers/redis";

import { createRedisSuppressionStore } from "../../src/store/redis-suppression-store";
import { runCli } from "../helpers/cli-run";
import { FakeAws } from "../helpers/fake-aws";
import { sesv2State } from "../helpers/fake-aws-sesv2";

function cli(aws: FakeAws, argv: string[], env: Record<string, string> = {}) {
  return runCli(argv, { clients: aws.clients(), env });
}

const stores: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const store of stores) {
    await store.close();
  }
});

describe("mailroom suppression", () => {
  it("adds, lists (every page), exports and removes entries of SES's account-level list", async () => {
    const aws = new FakeAws();
    const added = await cli(aws, [
      "suppression",
      "add",
      "a@example.com",
      "b@example.com",
      "--reason",
      "bounce",
    ]);
    expect(added).toMatchObject({
      code: 0,
      stdout: "added a@example.com (BOUNCE)\nadded b@example.com (BOUNCE)\n",
    });
    await cli(aws, ["suppression", "add", "c@example.com", "--reason", "COMPLAINT"]);
    const listed = await cli(aws, ["suppression", "list", "--json"]);
    expect(listed.code).toBe(0);
    const rows = listed.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { address: string; reason: string });
    expect(rows.map((r) => [r.address, r.reason])).toEqual([
      ["a@example.com", "BOUNCE"],
      ["b@example.com", "BOUNCE"],
      ["c@example.com", "COMPLAINT"],
    ]);
    // The fake pages by 2: the list needed two calls.
    expect(aws.calls.filter((c) => c.operation === "ListSuppressedDestinations")).toHaveLength(2);
    const complaints = await cli(aws, ["suppression", "export", "--reason", "complaint"]);
    expect(complaints.stdout).toBe("c@example.com,COMPLAINT\n");
    const removed = await cli(aws, ["suppression", "remove", "a@example.com", "nobody@example.com"]);
    expect(removed.code).toBe(1);
    expect(removed.stdout).toBe("removed a@example.com\n");
    expect(removed.stderr).toContain("not on the list: nobody@example.com");
    expect([...sesv2State(aws).suppressed.keys()]).toEqual(["b@example.com", "c@example.com"]);
  });

  it("refuses bad input before any AWS call", async () => {
    const aws = new FakeAws();
    expect((await cli(aws, ["suppression", "add", "a@example.com", "--reason", "unsubscribe"])).code).toBe(2);
    expect((await cli(aws, ["suppression", "add", "a@example.com"])).code).toBe(2);
    expect((await cli(aws, ["suppression", "add", "not an address", "--reason", "bounce"])).code).toBe(2);
    expect((await cli(aws, ["suppression", "import", "--s3-url", "https://bucket/key"])).code).toBe(2);
    expect(aws.calls).toEqual([]);
  });

  it("bulk-loads through an import job", async () => {
    const aws = new FakeAws();
    sesv2State(aws).s3Objects.set(
      "s3://lists/suppressed.csv",
      "x@example.com,BOUNCE\ny@example.com,COMPLAINT\n",
    );
    const started = await cli(aws, ["suppression", "import", "--s3-url", "s3://lists/suppressed.csv"]);
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/^import-\d+\n$/);
    expect(aws.calls.at(-1)?.input).toEqual({
      ImportDestination: { SuppressionListDestination: { SuppressionListImportAction: "PUT" } },
      ImportDataSource: { S3Url: "s3://lists/suppressed.csv", DataFormat: "CSV" },
    });
    expect([...sesv2State(aws).suppressed.keys()]).toEqual(["x@example.com", "y@example.com"]);
  });

  itWithRedis(
    "sync seeds the local Redis list from SES and pushes local bounces and complaints back",
    async () => {
      const aws = new FakeAws();
      const prefix = `test:${randomUUID()}:`;
      const redis = inject("redisUrl");
      const store = createRedisSuppressionStore({ redis, prefix });
      stores.push(store);
      await cli(aws, ["suppression", "add", "ses-only@example.com", "--reason", "bounce"]);
      const since = new Date("2026-01-01T00:00:00Z");
      await store.put({ address: "local-bounce@example.com", scope: "*", reason: "bounce", since });
      await store.put({ address: "local-complaint@example.com", scope: "*", reason: "complaint", since });
      await store.put({ address: "unsub@example.com", scope: "*", reason: "unsubscribe", since });
      await store.put({ address: "news@example.com", scope: "marketing", reason: "unsubscribe", since });

      const dry = await cli(aws, ["suppression", "sync", "--redis", redis, "--prefix", prefix, "--dry-run"]);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain("would pull ses-only@example.com (bounce)");
      expect((await store.check(["ses-only@example.com"], []))[0]).toBeUndefined();
      expect(aws.writes().map((c) => c.operation)).toEqual(["PutSuppressedDestination"]);

      const synced = await cli(aws, ["suppression", "sync", "--prefix", prefix], {
        MAILROOM_REDIS_URL: redis,
      });
      expect(synced.code).toBe(0);
      expect(synced.stderr).toContain("1 pulled from SES, 2 pushed to SES, 1 local entries SES cannot hold");
      expect((await store.check(["ses-only@example.com"], []))[0]).toMatchObject({
        reason: "bounce",
        detail: "SES account suppression list",
      });
      expect(
        [...sesv2State(aws).suppressed.entries()].map(([address, entry]) => [address, entry.reason]).sort(),
      ).toEqual([
        ["local-bounce@example.com", "BOUNCE"],
        ["local-complaint@example.com", "COMPLAINT"],
        ["ses-only@example.com", "BOUNCE"],
      ]);
      // Idempotent: a second run changes nothing.
      const again = await cli(aws, ["suppression", "sync", "--redis", redis, "--prefix", prefix]);
      expect(again.stderr).toContain("0 pulled from SES, 0 pushed to SES");
    },
  );
});
