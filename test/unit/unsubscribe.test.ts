import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";

import { toLambdaHandler } from "../../src/adapters/lambda";
import type { ApiGatewayV2Event } from "../../src/adapters/lambda-types";
import { toNodeListener } from "../../src/adapters/node";
import { ConfigurationError, InvalidMessageError, UnsupportedFeatureError } from "../../src/errors";
import { createMailer } from "../../src/mailer";
import { createUnsubscribeHandler } from "../../src/reputation/unsubscribe-handler";
import type { UnsubscribeEvent } from "../../src/reputation/unsubscribe-handler";
import { createUnsubscribeTokens } from "../../src/reputation/unsubscribe-token";
import { createMemorySuppressionStore } from "../../src/store/memory-suppression-store";
import { createMemoryBackend } from "../../src/testing/memory-backend";

const KEY = "k".repeat(16) + "-current-unsubscribe-key";
const OLD_KEY = "o".repeat(16) + "-previous-unsubscribe-key";
const URL_BASE = "https://example.com/mailroom/unsubscribe";
const tokens = createUnsubscribeTokens({ secrets: [KEY, OLD_KEY] });

function rawText(data: unknown): string {
  const text = Buffer.from(data as Uint8Array).toString("latin1");
  // Unfold header lines (RFC 5322 §2.2.3).
  return text.replace(/\r\n[ \t]+/g, " ");
}

function headerOf(raw: string, name: string): string | undefined {
  const head = raw.split("\r\n\r\n")[0] ?? "";
  const line = head.split("\r\n").find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

function tokenIn(value: string | undefined): string {
  const match = /<https:\/\/[^>]*[?&]token=([^&>]+)>/.exec(value ?? "");
  if (match === null) {
    throw new Error(`no https link in ${value}`);
  }
  return decodeURIComponent(match[1] as string);
}

function mailer() {
  const backend = createMemoryBackend();
  return { backend, mailer: createMailer({ backend, unsubscribe: { url: URL_BASE, tokens } }) };
}

describe("one-click unsubscribe headers", () => {
  it("a plain single-recipient send carries List-Unsubscribe (https + mailto) and List-Unsubscribe-Post", async () => {
    const { backend, mailer: m } = mailer();
    await m.send({
      from: "news@example.com",
      to: "Alice <alice@example.com>",
      subject: "News",
      text: "Hello",
      suppression: { scope: "newsletter" },
      unsubscribe: { mailto: "unsubscribe@example.com" },
    });
    const payload = backend.outbox[0]?.payload;
    const raw = rawText(payload?.operation === "SendEmail" ? payload.input.Content?.Raw?.Data : undefined);
    expect(headerOf(raw, "List-Unsubscribe-Post")).toBe("List-Unsubscribe=One-Click");
    const value = headerOf(raw, "List-Unsubscribe");
    expect(value).toMatch(
      /^<https:\/\/example\.com\/mailroom\/unsubscribe\?token=[^>]+>, <mailto:unsubscribe@example\.com\?subject=unsubscribe%20[^>]+>$/,
    );
    expect(tokens.verify(tokenIn(value))).toMatchObject({
      recipient: "alice@example.com",
      scope: "newsletter",
    });
  });

  it("a template send gets one link per recipient, in each bulk entry's ReplacementHeaders", async () => {
    const { backend, mailer: m } = mailer();
    await m.send({
      from: "news@example.com",
      to: ["a@example.com", "b@example.com"],
      templateId: "digest",
      unsubscribe: { scope: "digest" },
    });
    const payload = backend.outbox[0]?.payload;
    const entries = payload?.operation === "SendBulkEmail" ? (payload.inputs[0]?.BulkEmailEntries ?? []) : [];
    const claims = entries.map((entry) => {
      const headers = Object.fromEntries((entry.ReplacementHeaders ?? []).map((h) => [h.Name, h.Value]));
      expect(headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
      return tokens.verify(tokenIn(headers["List-Unsubscribe"]))?.recipient;
    });
    expect(claims).toEqual(["a@example.com", "b@example.com"]);
  });

  it("refuses a plain message to several recipients, cc/bcc on a template send, and a mailer without the option", async () => {
    const { mailer: m } = mailer();
    const base = { from: "news@example.com", subject: "x", text: "y", unsubscribe: true as const };
    await expect(m.send({ ...base, to: ["a@example.com", "b@example.com"] })).rejects.toBeInstanceOf(
      InvalidMessageError,
    );
    await expect(m.send({ ...base, to: "a@example.com", bcc: "b@example.com" })).rejects.toBeInstanceOf(
      InvalidMessageError,
    );
    await expect(
      m.send({
        from: "n@example.com",
        to: "a@example.com",
        cc: "c@example.com",
        templateId: "t",
        unsubscribe: true,
      }),
    ).rejects.toBeInstanceOf(InvalidMessageError);
    const plain = createMailer({ backend: createMemoryBackend() });
    await expect(plain.send({ ...base, to: "a@example.com" })).rejects.toBeInstanceOf(ConfigurationError);
    expect(() =>
      createMailer({ backend: createMemoryBackend(), unsubscribe: { url: "http://example.com/u", tokens } }),
    ).toThrow(ConfigurationError);
    expect(() => createUnsubscribeTokens({ secrets: ["short"] })).toThrow(ConfigurationError);
  });
});

describe("the unsubscribe endpoint, over HTTP (node adapter)", () => {
  const store = createMemorySuppressionStore();
  const events: UnsubscribeEvent[] = [];
  const handler = createUnsubscribeHandler({
    tokens,
    suppression: store,
    onUnsubscribe: (e) => void events.push(e),
  });
  const server = createServer(toNodeListener(handler));
  let base = "";
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  const url = async (token: string) => {
    if (base === "") {
      server.listen(0, "127.0.0.1");
      await once(server, "listening");
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/unsubscribe`;
    }
    return `${base}?token=${encodeURIComponent(token)}`;
  };
  const oneClick = {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "List-Unsubscribe=One-Click",
  };

  it("GET shows a form and never unsubscribes; the one-click POST does, for the token's scope, and emits unsubscribed", async () => {
    const token = tokens.sign({ recipient: "alice@example.com", scope: "newsletter" });
    const page = await fetch(await url(token));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<form method="post"');
    expect(html).toContain('name="List-Unsubscribe" value="One-Click"');
    expect(await store.get("alice@example.com")).toEqual([]);

    const done = await fetch(await url(token), oneClick);
    expect(done.status).toBe(200);
    const [entry] = await store.get("alice@example.com");
    expect(entry).toMatchObject({ reason: "unsubscribe", scope: "newsletter", detail: "one-click" });
    expect(events).toEqual([
      expect.objectContaining({
        eventType: "unsubscribed",
        recipient: "alice@example.com",
        scope: "newsletter",
        eventId: entry?.eventId,
      }),
    ]);
    // A message of another scope still reaches Alice; a newsletter does not.
    expect(await store.check(["alice@example.com"], ["transactional"])).toEqual([undefined]);
    expect((await store.check(["alice@example.com"], ["newsletter"]))[0]?.reason).toBe("unsubscribe");
  });

  it("answers 400 for a missing or malformed token or body, 404 for a forged or expired one, with the same text", async () => {
    const good = tokens.sign({ recipient: "bob@example.com", scope: "*" });
    const missing = await fetch((await url("x")).replace(/\?.*/, ""), oneClick);
    expect(missing.status).toBe(400);
    const malformed = await fetch(await url("not a token!"), oneClick);
    expect(malformed.status).toBe(400);
    const other = createUnsubscribeTokens({ secrets: ["z".repeat(40)] }).sign({
      recipient: "bob@example.com",
      scope: "*",
    });
    const forged = await fetch(await url(other), oneClick);
    expect(forged.status).toBe(404);
    const expired = createUnsubscribeTokens({
      secrets: [KEY],
      now: () => Date.now() - 200 * 86_400_000,
    }).sign({
      recipient: "bob@example.com",
      scope: "*",
    });
    const old = await fetch(await url(expired), oneClick);
    expect(old.status).toBe(404);
    expect(await forged.text()).toBe(await old.text());
    const noBody = await fetch(await url(good), { method: "POST" });
    expect(noBody.status).toBe(400);
    expect((await fetch(await url(good), { method: "DELETE" })).status).toBe(405);
    const huge = await fetch(await url(good), {
      method: "POST",
      body: `List-Unsubscribe=One-Click&${"x".repeat(10_000)}`,
    });
    expect(huge.status).toBe(413);
    expect(await store.get("bob@example.com")).toEqual([]);
  });

  it("accepts a token signed with a previous secret (rotation)", async () => {
    const previous = createUnsubscribeTokens({ secrets: [OLD_KEY] }).sign({
      recipient: "carol@example.com",
      scope: "*",
    });
    expect((await fetch(await url(previous), oneClick)).status).toBe(200);
    expect((await store.get("carol@example.com"))[0]?.scope).toBe("*");
  });
});

describe("the unsubscribe endpoint on Lambda (HTTP API event)", () => {
  it("a one-click POST suppresses, a GET does not", async () => {
    const store = createMemorySuppressionStore();
    const lambda = toLambdaHandler(createUnsubscribeHandler({ tokens, suppression: store }));
    const token = tokens.sign({ recipient: "dave@example.com", scope: "news" });
    const event = (method: string, body: string): ApiGatewayV2Event =>
      ({
        version: "2.0",
        routeKey: "$default",
        rawPath: "/unsubscribe",
        rawQueryString: `token=${encodeURIComponent(token)}`,
        headers: { "content-type": "application/x-www-form-urlencoded", host: "example.com" },
        requestContext: {
          domainName: "example.com",
          http: { method, path: "/unsubscribe", protocol: "HTTP/1.1", sourceIp: "192.0.2.1" },
        },
        body,
        isBase64Encoded: false,
      }) as ApiGatewayV2Event;
    expect(await lambda(event("GET", ""))).toMatchObject({ statusCode: 200 });
    expect(await store.get("dave@example.com")).toEqual([]);
    expect(await lambda(event("POST", "List-Unsubscribe=One-Click"))).toMatchObject({ statusCode: 200 });
    expect((await store.get("dave@example.com"))[0]).toMatchObject({ reason: "unsubscribe", scope: "news" });
  });
});

describe("unsubscribe token properties", () => {
  it("any alteration of a valid token, or a token from another key, is refused", () => {
    fc.assert(
      fc.property(
        fc.emailAddress(),
        fc.string({ minLength: 1, maxLength: 20 }).filter((s) => /^[!-~]+$/.test(s)),
        fc.nat(),
        fc.integer({ min: 1, max: 63 }),
        (recipient, scope, position, delta) => {
          const token = tokens.sign({ recipient, scope });
          expect(tokens.verify(token)).toMatchObject({ recipient, scope });
          const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
          const i = position % token.length;
          const char = token[i] as string;
          const replacement =
            char === "." ? "A" : (alphabet[(alphabet.indexOf(char) + delta) % 64] as string);
          const altered = token.slice(0, i) + replacement + token.slice(i + 1);
          if (altered !== token) {
            const claims = tokens.verify(altered);
            // The only "alteration" that may pass is one that decodes to the same bytes (base64url padding bits).
            if (claims !== undefined) {
              expect(claims).toMatchObject({ recipient, scope });
            }
          }
          const stranger = createUnsubscribeTokens({ secrets: ["s".repeat(32) + scope] }).sign({
            recipient,
            scope,
          });
          expect(tokens.verify(stranger)).toBeUndefined();
          // A payload naming someone else, with the original signature.
          const [, sig] = token.split(".");
          const swapped = `${Buffer.from(JSON.stringify({ r: "victim@example.com", s: scope, t: Math.floor(Date.now() / 1000), n: "x" })).toString("base64url")}.${sig}`;
          expect(tokens.verify(swapped)).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });

  it("random strings are refused", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (input) => {
        expect(tokens.verify(input)).toBeUndefined();
      }),
    );
  });
});

describe("listManagement", () => {
  it("maps to SendEmail ListManagementOptions and is refused on template sends", async () => {
    const backend = createMemoryBackend();
    const m = createMailer({ backend });
    await m.send({
      from: "news@example.com",
      to: "a@example.com",
      subject: "News",
      text: "x",
      listManagement: { contactListName: "Customers", topicName: "newsletter" },
    });
    const payload = backend.outbox[0]?.payload;
    expect(payload?.operation === "SendEmail" && payload.input.ListManagementOptions).toEqual({
      ContactListName: "Customers",
      TopicName: "newsletter",
    });
    await expect(
      m.send({
        from: "n@example.com",
        to: "a@example.com",
        templateId: "t",
        listManagement: { contactListName: "Customers" },
      }),
    ).rejects.toBeInstanceOf(UnsupportedFeatureError);
    await expect(
      m.send({
        from: "n@example.com",
        to: "a@example.com",
        subject: "x",
        text: "y",
        listManagement: { topicName: "x" } as never,
      }),
    ).rejects.toBeInstanceOf(InvalidMessageError);
  });
});
