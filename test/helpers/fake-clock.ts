import type { Clock } from "../../src/queue/clock";

/** Let pending promise callbacks run (several turns, for chains of awaits). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i += 1) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** A clock that only moves when told to: sleepers wake in time order as it advances. */
export function fakeClock(start = 0): Clock & {
  /** Move time forward by `ms`, waking every sleeper due on the way (in order). */
  advance(ms: number): Promise<void>;
  /** Move time forward without waking anyone (time spent inside a call). */
  tick(ms: number): void;
  readonly sleeps: number[];
} {
  let now = start;
  const sleepers: { at: number; wake: () => void }[] = [];
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep(ms) {
      sleeps.push(ms);
      return new Promise<void>((wake) => sleepers.push({ at: now + Math.max(0, ms), wake }));
    },
    tick(ms) {
      now += ms;
    },
    async advance(ms) {
      const target = now + ms;
      await flush();
      for (;;) {
        sleepers.sort((a, b) => a.at - b.at);
        const next = sleepers[0];
        if (next === undefined || next.at > target) {
          break;
        }
        sleepers.shift();
        now = next.at;
        next.wake();
        await flush();
      }
      now = target;
      await flush();
    },
    sleeps,
  };
}

/** Track whether a promise has settled yet. */
export function track<T>(promise: Promise<T>): { readonly done: boolean; readonly value: Promise<T> } {
  let done = false;
  const value = promise.finally(() => {
    done = true;
  });
  return {
    get done() {
      return done;
    },
    value,
  };
}
