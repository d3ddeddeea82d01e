import { randomUUID } from "node:crypto";

import { afterAll, describe, expect, it } from "vitest";

import type { DedupeStore } from "../../src/store/dedupe-store";
import { runOnce } from "../../src/store/dedupe-run-once";
import { createMemoryDedupeStore } from "../../src/store/memory-dedupe-store";
import { createRedisDedupeStore, type RedisDedupeStore } from "../../src/store/redis-dedupe-store";
import { describeWithRedis, redisUrl } from "../helpers/redis";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const options = { leaseMs: 200, keepMs: 60_000 };

/** The contract every DedupeStore keeps, run against each implementation. */
function contract(make: () => DedupeStore): void {
  it("claims once; a second claim is in flight; a completed id is a duplicate", async () => {
    const store = make();
    const id = randomUUID();
    expect(await store.claim(id, 10_000)).toBe("claimed");
    expect(await store.claim(id, 10_000)).toBe("in-flight");
    await store.complete(id, 60_000);
    expect(await store.claim(id, 10_000)).toBe("duplicate");
  });

  it("lets a released claim be taken again, but never un-completes an id", async () => {
    const store = make();
    const id = randomUUID();
    expect(await store.claim(id, 10_000)).toBe("claimed");
    await store.release(id);
    expect(await store.claim(id, 10_000)).toBe("claimed");
    await store.complete(id, 60_000);
    await store.release(id);
    expect(await store.claim(id, 10_000)).toBe("duplicate");
  });

  it("lets a claim lapse after its lease (a process that died mid-callback)", async () => {
    const store = make();
    const id = randomUUID();
    expect(await store.claim(id, 50)).toBe("claimed");
    await sleep(80);
    expect(await store.claim(id, 10_000)).toBe("claimed");
  });

  it("forgets a completed id after its keep time", async () => {
    const store = make();
    const id = randomUUID();
    await store.claim(id, 10_000);
    await store.complete(id, 50);
    await sleep(80);
    expect(await store.claim(id, 10_000)).toBe("claimed");
  });

  it("gives exactly one of 50 concurrent claims", async () => {
    const store = make();
    const id = randomUUID();
    const results = await Promise.all(Array.from({ length: 50 }, () => store.claim(id, 10_000)));
    expect(results.filter((r) => r === "claimed")).toHaveLength(1);
    expect(results.filter((r) => r === "in-flight")).toHaveLength(49);
  });

  it("refuses a lease or keep time that is not a positive whole number of ms", async () => {
    const store = make();
    await expect(store.claim("x", 0)).rejects.toThrow(TypeError);
    await expect(store.claim("x", Number.NaN)).rejects.toThrow(TypeError);
    await expect(store.complete("x", -1)).rejects.toThrow(TypeError);
  });

  it("runOnce: runs once, releases on a throw so the retry runs, then reports duplicates", async () => {
    const store = make();
    const id = randomUUID();
    let calls = 0;
    const failOnce = async () => {
      calls += 1;
      if (calls === 1) {
        throw new Error("boom");
      }
    };
    await expect(runOnce(store, id, failOnce, options)).rejects.toThrow("boom");
    expect(await runOnce(store, id, failOnce, options)).toBe("handled");
    expect(await runOnce(store, id, failOnce, options)).toBe("duplicate");
    expect(calls).toBe(2);
  });
}

describe("memory dedupe store", () => {
  contract(() => createMemoryDedupeStore());

  it("stays within maxEntries, forgetting the oldest first", async () => {
    const store = createMemoryDedupeStore({ maxEntries: 3 });
    for (const id of ["a", "b", "c", "d"]) {
      await store.claim(id, 10_000);
      await store.complete(id, 60_000);
    }
    expect(await store.claim("a", 10_000)).toBe("claimed");
    expect(await store.claim("d", 10_000)).toBe("duplicate");
  });

  it("refuses a maxEntries that is not a positive whole number", () => {
    expect(() => createMemoryDedupeStore({ maxEntries: 0 })).toThrow(TypeError);
  });
});

describeWithRedis("Redis dedupe store", () => {
  const stores: RedisDedupeStore[] = [];
  const make = () => {
    const store = createRedisDedupeStore({ redis: redisUrl(), prefix: `test:${randomUUID()}:` });
    stores.push(store);
    return store;
  };
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
  });

  contract(make);

  it("shares claims between two stores (two processes) on the same Redis and prefix", async () => {
    const prefix = `test:${randomUUID()}:`;
    const a = createRedisDedupeStore({ redis: redisUrl(), prefix });
    const b = createRedisDedupeStore({ redis: redisUrl(), prefix });
    stores.push(a, b);
    expect(await a.claim("m1", 10_000)).toBe("claimed");
    expect(await b.claim("m1", 10_000)).toBe("in-flight");
    await a.complete("m1", 60_000);
    expect(await b.claim("m1", 10_000)).toBe("duplicate");
  });

  it("never releases a claim another process took after this one's lease lapsed", async () => {
    const prefix = `test:${randomUUID()}:`;
    const slow = createRedisDedupeStore({ redis: redisUrl(), prefix });
    const other = createRedisDedupeStore({ redis: redisUrl(), prefix });
    stores.push(slow, other);
    expect(await slow.claim("m2", 50)).toBe("claimed");
    await sleep(80);
    expect(await other.claim("m2", 10_000)).toBe("claimed");
    await slow.release("m2");
    expect(await slow.claim("m2", 10_000)).toBe("in-flight");
  });
});
