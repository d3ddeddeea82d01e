import { describe, expect, it } from "vitest";

import { ConfigurationError } from "../../../src/errors";
import { createMailQueue } from "../../../src/queue/create-queue";
import type { MailQueueOptions } from "../../../src/queue/types";

describe("createMailQueue: the kind of queue is always asked for explicitly", () => {
  it("refuses redis: undefined (an unset environment variable) instead of falling back to memory", () => {
    const fromEnv: string | undefined = undefined;
    expect(() => createMailQueue({ redis: fromEnv } as unknown as MailQueueOptions)).toThrow(
      ConfigurationError,
    );
    expect(() => createMailQueue({ redis: fromEnv } as unknown as MailQueueOptions)).toThrow(/memory: true/);
  });

  it("refuses no options at all, and an empty Redis URL", () => {
    expect(() => (createMailQueue as (o?: unknown) => unknown)()).toThrow(ConfigurationError);
    expect(() => createMailQueue({} as MailQueueOptions)).toThrow(ConfigurationError);
    expect(() => createMailQueue({ redis: "" })).toThrow(ConfigurationError);
  });

  it("refuses both memory and redis", () => {
    expect(() =>
      createMailQueue({ memory: true, redis: "redis://127.0.0.1:6379" } as unknown as MailQueueOptions),
    ).toThrow(ConfigurationError);
  });

  it("gives an in-process queue for memory: true, and a Redis one for a URL (nothing connects yet)", async () => {
    const memory = createMailQueue({ memory: true });
    expect(memory.kind).toBe("memory");
    await memory.close();
    const redis = createMailQueue({ redis: "redis://127.0.0.1:6379" });
    expect(redis.kind).toBe("redis");
    await redis.close();
  });
});
