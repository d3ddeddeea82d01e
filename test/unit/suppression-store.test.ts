import { randomUUID } from "node:crypto";

import { afterAll, describe, expect, inject, it } from "vitest";

import fc from "fast-check";

import { describeIfRedis } from "../helpers/redis";

import { parseAddressList } from "../../src/message/address";
import { normalizeMessage } from "../../src/message/normalize";
import { filterSuppressed } from "../../src/reputation/suppression-filter";

import { createMemorySuppressionStore } from "../../src/store/memory-suppression-store";
import { createRedisSuppressionStore } from "../../src/store/redis-suppression-store";
import { suppressionKey } from "../../src/message/suppression-key";
import { ACCOUNT_SCOPE } from "../../src/store/suppression-store";
import type { SuppressionEntry, SuppressionStore } from "../../src/store/suppression-store";

const since = new Date("2026-06-01T00:00:00.000Z");
let clock = since.getTime();
const now = () => clock;

const stores: SuppressionStore[] = [];
afterAll(async () => {
  for (const store of stores) {
    await store.close();
  }
});

const makers: [string, () => SuppressionStore][] = [
  ["memory", () => createMemorySuppressionStore({ now })],
  [
    "redis",
    () => createRedisSuppressionStore({ redis: inject("redisUrl"), prefix: `test:${randomUUID()}:`, now }),
  ],
];

const entry = (address: string, extra: Partial<SuppressionEntry> = {}): SuppressionEntry => ({
  address,
  scope: ACCOUNT_SCOPE,
  reason: "bounce",
  since,
  ...extra,
});

describe("suppressionKey", () => {
  it("lower-cases the domain, keeps the local part exactly, and uses the ASCII form of the domain", () => {
    expect(suppressionKey("Bob@Example.COM")).toBe("Bob@example.com");
    expect(suppressionKey("bob@example.com")).toBe("bob@example.com");
    expect(suppressionKey("a@BÜCHER.example")).toBe("a@xn--bcher-kva.example");
    expect(suppressionKey("not-an-address")).toBe("not-an-address");
  });

  it("is what a parsed EmailAddress carries as its suppressionKey, for any case and any domain", () => {
    const label = fc.stringMatching(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,8}[A-Za-z0-9])?$/);
    const unicodeLabel = fc.constantFrom("bücher", "BÜCHER", "exämple", "ÉCOLE", "пример", "例え");
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{1,12}$/),
        fc.array(fc.oneof(label, unicodeLabel), { minLength: 1, maxLength: 3 }),
        fc.constantFrom("com", "COM", "Org", "example"),
        fc.boolean(),
        (local, labels, tld, named) => {
          const addrSpec = `${local}@${[...labels, tld].join(".")}`;
          const [addr] = parseAddressList(named ? `Name <${addrSpec}>` : addrSpec, "to");
          expect(addr?.suppressionKey).toBe(suppressionKey(addr?.addrSpec ?? ""));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe.each(makers)("%s suppression store", (name, make) => {
  describeIfRedis(name === "redis")("with this store", () => {
    const fresh = (): SuppressionStore => {
      clock = since.getTime();
      const store = make();
      stores.push(store);
      return store;
    };

    it("puts, gets and checks an entry, matching the domain case-insensitively and the local part exactly", async () => {
      const store = fresh();
      await store.put(entry("Bob@Example.com", { detail: "Permanent: General", eventId: "evt-1" }));
      const hits = await store.check(
        ["Bob@example.COM", "bob@example.com", "other@example.com"].map(suppressionKey),
        [],
      );
      expect(hits[0]).toEqual({
        address: "Bob@example.com",
        scope: "*",
        reason: "bounce",
        detail: "Permanent: General",
        since,
        eventId: "evt-1",
      });
      expect(hits[1]).toBeUndefined();
      expect(hits[2]).toBeUndefined();
      expect(await store.get("Bob@EXAMPLE.com")).toHaveLength(1);
    });

    it("filters a message's recipients by domain case and IDNA form, the local part exactly", async () => {
      const store = fresh();
      await store.put(entry("Bob@Example.com"));
      await store.put(entry("a@bücher.example"));
      const message = normalizeMessage({
        from: "shop@example.com",
        to: ["Bob@EXAMPLE.com", "bob@example.com"],
        cc: "a@XN--BCHER-KVA.example",
        bcc: "Bob@example.COM",
        subject: "Hi",
        text: "Hi",
      });
      const result = await filterSuppressed(message, store);
      expect(result.message.to.map((addr) => addr.addrSpec)).toEqual(["bob@example.com"]);
      expect(result.message.cc).toEqual([]);
      expect(result.message.bcc).toEqual([]);
      expect(Object.keys(result.rejected).sort()).toEqual([
        "Bob@EXAMPLE.com",
        "Bob@example.COM",
        "a@XN--BCHER-KVA.example",
      ]);
    });

    it("applies a scoped entry only to messages of that scope, and the account-wide entry first", async () => {
      const store = fresh();
      await store.put(entry("a@example.com", { scope: "marketing", reason: "unsubscribe" }));
      await store.put(entry("b@example.com", { scope: "marketing", reason: "unsubscribe" }));
      await store.put(entry("b@example.com", { reason: "complaint" }));
      expect(await store.check(["a@example.com", "b@example.com"], [])).toEqual([
        undefined,
        expect.objectContaining({ reason: "complaint", scope: "*" }),
      ]);
      const marketing = await store.check(["a@example.com", "b@example.com"], ["marketing"]);
      expect(marketing.map((hit) => [hit?.reason, hit?.scope])).toEqual([
        ["unsubscribe", "marketing"],
        ["complaint", "*"],
      ]);
      expect((await store.get("b@example.com")).map((e) => e.scope).sort()).toEqual(["*", "marketing"]);
    });

    it("removes an entry, and with onlyReason only when the reason matches", async () => {
      const store = fresh();
      await store.put(entry("a@example.com", { reason: "bounce" }));
      await store.put(entry("c@example.com", { reason: "complaint" }));
      expect(await store.remove("a@example.com", ACCOUNT_SCOPE, { onlyReason: "complaint" })).toBe(false);
      expect(await store.check(["a@example.com"], [])).toEqual([
        expect.objectContaining({ reason: "bounce" }),
      ]);
      expect(await store.remove("c@EXAMPLE.com", ACCOUNT_SCOPE, { onlyReason: "complaint" })).toBe(true);
      expect(await store.check(["c@example.com"], [])).toEqual([undefined]);
      expect(await store.remove("a@example.com")).toBe(true);
      expect(await store.remove("a@example.com")).toBe(false);
    });

    it("stops applying and listing an entry once it has expired", async () => {
      const store = fresh();
      await store.put(entry("soft@example.com", { expiresAt: new Date(since.getTime() + 1_000) }));
      expect((await store.check(["soft@example.com"], []))[0]?.expiresAt).toEqual(
        new Date(since.getTime() + 1_000),
      );
      clock += 1_000;
      expect(await store.check(["soft@example.com"], [])).toEqual([undefined]);
      expect(await store.get("soft@example.com")).toEqual([]);
      expect((await store.list()).entries).toEqual([]);
    });

    it("lists every live entry in bounded pages", async () => {
      const store = fresh();
      const addresses = Array.from({ length: 25 }, (_, i) => `user${i}@example.com`);
      for (const [i, address] of addresses.entries()) {
        await store.put(entry(address, { scope: i % 2 === 0 ? ACCOUNT_SCOPE : "digest" }));
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.list({ cursor, limit: 4 });
        // Redis answers a small hash in one HSCAN step whatever COUNT says (up to its 128-entry listpack).
        expect(page.entries.length).toBeLessThanOrEqual(4 + 128);
        seen.push(...page.entries.map((e) => e.address));
        cursor = page.cursor;
        pages += 1;
      } while (cursor !== undefined && pages < 50);
      expect(new Set(seen)).toEqual(new Set(addresses));
      expect((await store.list({ scope: "digest", limit: 100 })).entries).toHaveLength(12);
      await expect(store.list({ cursor: "garbage" })).rejects.toThrow(/cursor/);
    });

    it("counts distinct transient bounces within the window, a redelivered event once", async () => {
      const store = fresh();
      const t = (ms: number) => new Date(since.getTime() + ms);
      const windowStart = (at: Date) => new Date(at.getTime() - 10_000);
      expect(await store.recordTransientBounce("s@example.com", "e1", t(0), windowStart(t(0)))).toBe(1);
      expect(await store.recordTransientBounce("s@example.com", "e1", t(0), windowStart(t(0)))).toBe(1);
      expect(await store.recordTransientBounce("S@EXAMPLE.com", "e2", t(5_000), windowStart(t(5_000)))).toBe(
        1,
      );
      expect(await store.recordTransientBounce("s@EXAMPLE.com", "e2", t(5_000), windowStart(t(5_000)))).toBe(
        2,
      );
      expect(await store.recordTransientBounce("s@EXAMPLE.com", "e3", t(6_000), windowStart(t(6_000)))).toBe(
        3,
      );
      // e1 falls out of the window.
      expect(
        await store.recordTransientBounce("s@example.com", "e4", t(10_500), windowStart(t(10_500))),
      ).toBe(3);
    });
  });
});
