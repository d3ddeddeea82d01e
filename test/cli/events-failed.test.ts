import { randomUUID } from "node:crypto";

import { afterEach, expect, it } from "vitest";

import { createEventQueue, type EventQueue, type QueuedNotification } from "../../src/queue/event-queue";
import { runCli } from "../helpers/cli-run";
import { describeWithRedis, redisUrl } from "../helpers/redis";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const queues: EventQueue[] = [];
afterEach(async () => {
  await Promise.all(queues.splice(0).map((queue) => queue.close()));
});

function notification(): QueuedNotification {
  return {
    messageId: randomUUID(),
    timestamp: "2026-12-05T10:00:00.000Z",
    topicArn: "arn:aws:sns:us-east-1:123456789012:ses-tracking",
    message: '{"eventType":"Send"}',
  };
}

/** A queue with `count` notifications in its failed set (a worker whose handler always throws). */
async function failedQueue(count: number): Promise<{ name: string; queue: EventQueue; ids: string[] }> {
  const name = `cli-${randomUUID()}`;
  const queue = createEventQueue({ redis: redisUrl(), name, attempts: 1 });
  queues.push(queue);
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const n = notification();
    ids.push(n.messageId);
    await queue.add(n);
  }
  const worker = queue.work(async () => {
    throw new Error("db down\u001b[31m (red)");
  });
  await worker.ready();
  const deadline = Date.now() + 10_000;
  while ((await queue.counts()).failed < count && Date.now() < deadline) {
    await sleep(20);
  }
  await worker.close();
  return { name, queue, ids };
}

describeWithRedis("mailroom events failed / events retry", () => {
  it("lists the failed set with the queue's counts, without terminal control characters", async () => {
    const { name, ids } = await failedQueue(2);
    const result = await runCli(["events", "failed", "--redis", redisUrl(), "--queue", name]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Queue ${name}: 2 failed, 0 waiting`);
    for (const id of ids) {
      expect(result.stdout).toMatch(
        new RegExp(`${id}  1 attempts  \\d{4}-\\d\\d-\\d\\dT.*  db down \\[31m \\(red\\)`),
      );
    }
    expect(result.stdout).not.toContain("\u001b");
  });

  it("prints JSON with --json, and reads the URL from REDIS_URL", async () => {
    const { name, ids } = await failedQueue(1);
    const result = await runCli(["events", "failed", "--queue", name, "--json"], {
      env: { REDIS_URL: redisUrl() },
    });
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as {
      counts: { failed: number };
      failed: { messageId: string; message: string }[];
    };
    expect(out.counts.failed).toBe(1);
    expect(out.failed).toMatchObject([{ messageId: ids[0], message: '{"eventType":"Send"}' }]);
  });

  it("retries the given ids or --all; an id not in the failed set exits 1", async () => {
    const { name, queue, ids } = await failedQueue(3);
    const one = await runCli(["events", "retry", "--redis", redisUrl(), "--queue", name, ids[0] as string]);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain("Retried 1 notification(s)");
    expect((await queue.counts()).failed).toBe(2);
    expect((await queue.counts()).waiting).toBe(1);

    const all = await runCli(["events", "retry", "--redis", redisUrl(), "--queue", name, "--all"]);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain("Retried 2 notification(s)");
    expect(await queue.counts()).toMatchObject({ failed: 0, waiting: 3 });

    const again = await runCli(["events", "retry", "--redis", redisUrl(), "--queue", name, ids[0] as string]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`Not in the failed set (already retried, handled, or unknown): ${ids[0]}`);
  });

  it("refuses bad flags (exit 2) and reports an unreachable Redis (exit 1) without printing its password", async () => {
    expect((await runCli(["events", "failed"])).code).toBe(2);
    expect((await runCli(["events", "retry", "--redis", redisUrl()])).code).toBe(2);
    expect((await runCli(["events", "retry", "--redis", redisUrl(), "--all", "x"])).code).toBe(2);
    expect((await runCli(["events", "failed", "--redis", "http://example.com"])).code).toBe(2);
    expect((await runCli(["events", "failed", "--redis", redisUrl(), "--limit", "5000"])).code).toBe(2);
    const down = await runCli(["events", "failed", "--redis", "redis://:hunter2-secret@127.0.0.1:1"]);
    expect(down.code).toBe(1);
    expect(down.stdout + down.stderr).not.toContain("hunter2-secret");
    expect(down.stderr).toMatch(/Redis/);
  });
});
