import { createServer } from "node:net";

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { QueueUnavailableError } from "../../../src/errors";
import { createMailer } from "../../../src/mailer";
import { createMailQueue } from "../../../src/queue/create-queue";
import type { MailQueue } from "../../../src/queue/types";
import { REDIS_COMMAND_TIMEOUT_MS } from "../../../src/store/redis-connection";
import { createMemoryBackend } from "../../../src/testing/memory-backend";

/** A port on 127.0.0.1 that nobody listens on (taken, then released). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const message = { from: "f@example.com", to: "a@example.com", subject: "Later", text: "Hello" };

let printed: string[] = [];
let unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
const queues: MailQueue[] = [];

beforeEach(() => {
  printed = [];
  unhandled = [];
  for (const method of ["error", "warn", "log", "info"] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      printed.push(args.map(String).join(" "));
    });
  }
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: unknown) => {
    printed.push(String(chunk));
    return true;
  });
  process.on("unhandledRejection", onUnhandled);
  process.on("uncaughtException", onUnhandled);
});

afterEach(async () => {
  const started = Date.now();
  await Promise.all(queues.splice(0).map((queue) => queue.close()));
  // Closing a queue whose Redis is down must not hang either.
  expect(Date.now() - started).toBeLessThan(REDIS_COMMAND_TIMEOUT_MS);
  // Give ioredis a reconnect cycle to print anything it would print.
  await new Promise((resolve) => setTimeout(resolve, 300));
  process.off("unhandledRejection", onUnhandled);
  process.off("uncaughtException", onUnhandled);
  vi.restoreAllMocks();
  expect(unhandled).toEqual([]);
  expect(printed).toEqual([]);
});

async function timed<T>(promise: Promise<T>): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  return { error, ms: Date.now() - started };
}

describe("Redis mail queue with Redis down (a port nobody listens on)", () => {
  it("mailer.send({ sendAt }) fails within the queue's operation timeout with QueueUnavailableError", async () => {
    const queue = createMailQueue({
      redis: `redis://127.0.0.1:${await deadPort()}`,
      operationTimeoutMs: 800,
    });
    queues.push(queue);
    const mailer = createMailer({ backend: createMemoryBackend(), queue });
    const { error, ms } = await timed(mailer.send({ ...message, sendAt: new Date(Date.now() + 60_000) }));
    expect(error).toBeInstanceOf(QueueUnavailableError);
    expect((error as QueueUnavailableError).code).toBe("queue_unavailable");
    expect(ms).toBeLessThan(2_500);
  });

  it("queue.result() and waitForResult() fail within the bound with QueueUnavailableError", async () => {
    const queue = createMailQueue({
      redis: `redis://127.0.0.1:${await deadPort()}`,
      operationTimeoutMs: 800,
    });
    queues.push(queue);
    const result = await timed(queue.result("some-job"));
    expect(result.error).toBeInstanceOf(QueueUnavailableError);
    expect(result.ms).toBeLessThan(2_500);
    const waited = await timed(queue.waitForResult("some-job", { timeoutMs: 60_000 }));
    expect(waited.error).toBeInstanceOf(QueueUnavailableError);
    expect(waited.ms).toBeLessThan(2_500);
  });

  it("the default bound is REDIS_COMMAND_TIMEOUT_MS", async () => {
    const queue = createMailQueue({ redis: `redis://127.0.0.1:${await deadPort()}` });
    queues.push(queue);
    const { error, ms } = await timed(queue.enqueue(message));
    expect(error).toBeInstanceOf(QueueUnavailableError);
    expect(ms).toBeLessThan(REDIS_COMMAND_TIMEOUT_MS + 1_500);
  });

  it("a worker reports the outage to onError and prints nothing", async () => {
    const queue = createMailQueue({
      redis: `redis://127.0.0.1:${await deadPort()}`,
      operationTimeoutMs: 800,
    });
    queues.push(queue);
    const errors: Error[] = [];
    queue.work({
      mailer: createMailer({ backend: createMemoryBackend() }),
      onError: (err) => errors.push(err),
    });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(errors.length).toBeGreaterThan(0);
  });
});
