/**
 * Reading node:http request bodies chunk by chunk (the Node, Express and Fastify adapters), on a
 * stand-in stream so that each way a request can end is exercised on its own.
 */
import type { IncomingMessage } from "node:http";
import { Readable } from "node:stream";

import { describe, expect, it } from "vitest";

import { nodeBodyChunks, nodeBodyStream } from "../../src/adapters/node-body";

/** A readable the test feeds by hand, shaped like an IncomingMessage. */
function fakeRequest(): Readable & { complete: boolean } {
  return Object.assign(new Readable({ read: () => undefined }), { complete: false });
}

async function collect(iterable: AsyncIterable<Uint8Array>): Promise<string> {
  let text = "";
  for await (const chunk of iterable) {
    text += Buffer.from(chunk).toString("utf8");
  }
  return text;
}

describe("nodeBodyChunks", () => {
  it("yields every chunk, then ends", async () => {
    const req = fakeRequest();
    const reading = collect(nodeBodyChunks(req as unknown as IncomingMessage));
    req.push("ab");
    req.push("cd");
    req.complete = true;
    req.push(null);
    expect(await reading).toBe("abcd");
  });

  it("fails when the connection closes before the body ended (no 'error' event)", async () => {
    const req = fakeRequest();
    const reading = collect(nodeBodyChunks(req as unknown as IncomingMessage));
    req.push("ab");
    await new Promise((resolve) => setImmediate(resolve));
    req.emit("close");
    await expect(reading).rejects.toThrow(/closed the connection/);
  });

  it("fails with the stream's error", async () => {
    const req = fakeRequest();
    const reading = collect(nodeBodyChunks(req as unknown as IncomingMessage));
    req.destroy(new Error("ECONNRESET"));
    await expect(reading).rejects.toThrow("ECONNRESET");
  });

  it("stops early without destroying the request, and leaves it paused", async () => {
    const req = fakeRequest();
    const iterator = nodeBodyChunks(req as unknown as IncomingMessage)[Symbol.asyncIterator]();
    req.push("first");
    expect((await iterator.next()).value).toEqual(new Uint8Array(Buffer.from("first")));
    await iterator.return?.();
    req.push("more");
    expect(req.destroyed).toBe(false);
    expect(req.isPaused()).toBe(true);
    expect(req.listenerCount("data")).toBe(0);
  });
});

describe("nodeBodyStream", () => {
  it("streams the chunks and closes", async () => {
    const req = fakeRequest();
    const text = new Response(nodeBodyStream(req as unknown as IncomingMessage)).text();
    req.push("hello ");
    req.push("world");
    req.complete = true;
    req.push(null);
    expect(await text).toBe("hello world");
  });
});
