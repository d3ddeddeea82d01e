/**
 * A small benchmark harness: each scenario measures our code against a floor (the cheapest way
 * to do the same work) in the same process run, alternating rounds so machine noise hits both.
 */

export interface Scenario {
  name: string;
  /** What one operation is, for the `unit` field (default "ops/s"). */
  unit?: string;
  setup?(): Promise<void>;
  teardown?(): Promise<void>;
  /** One operation of ours. */
  ours(): Promise<unknown> | unknown;
  /** One operation of the floor. */
  floor(): Promise<unknown> | unknown;
  /** Extra fields reported with the result (e.g. target). */
  extra?: Record<string, unknown>;
}

export interface Result {
  scenario: string;
  unit: string;
  ours: number;
  floor: number;
  ratio: number;
  n: number;
  [key: string]: unknown;
}

async function rate(
  op: () => Promise<unknown> | unknown,
  millis: number,
): Promise<{ perSecond: number; count: number }> {
  const start = performance.now();
  let count = 0;
  let elapsed = 0;
  while (elapsed < millis) {
    // Batches of 8 keep timer reads out of the measurement for fast operations.
    for (let i = 0; i < 8; i += 1) {
      await op();
    }
    count += 8;
    elapsed = performance.now() - start;
  }
  return { perSecond: (count * 1000) / elapsed, count };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Run a scenario: warm up both sides, then alternate timed rounds and report medians. */
export async function runScenario(
  scenario: Scenario,
  options: { rounds?: number; roundMillis?: number } = {},
): Promise<Result> {
  const rounds = options.rounds ?? 5;
  const roundMillis = options.roundMillis ?? 1000;
  await scenario.setup?.();
  try {
    await rate(scenario.ours, 300);
    await rate(scenario.floor, 300);
    const ours: number[] = [];
    const floor: number[] = [];
    let n = 0;
    for (let round = 0; round < rounds; round += 1) {
      const a = await rate(scenario.ours, roundMillis);
      const b = await rate(scenario.floor, roundMillis);
      ours.push(a.perSecond);
      floor.push(b.perSecond);
      n += a.count;
    }
    const o = median(ours);
    const f = median(floor);
    return {
      scenario: scenario.name,
      unit: scenario.unit ?? "ops/s",
      ours: Math.round(o),
      floor: Math.round(f),
      ratio: Math.round((o / f) * 1000) / 1000,
      n,
      ...scenario.extra,
    };
  } finally {
    await scenario.teardown?.();
  }
}
