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
  /**
   * Extra fields reported with the result (e.g. target). A function is called after the last
   * round, for fields measured during the run.
   */
  extra?: Record<string, unknown> | (() => Record<string, unknown>);
  /** Timed rounds per side (default 5; the runScenario option wins). */
  rounds?: number;
  /** Length of each timed round in ms (default 1000; the runScenario option wins). */
  roundMillis?: number;
  /** Length of each side's warm-up in ms (default 300). */
  warmupMillis?: number;
  /** Operations between timer reads (default 8); 1 for operations that take a long time. */
  batch?: number;
  /** Reported rates are ops/s multiplied by this, e.g. MB per op for a "MB/s" unit (default 1). */
  scale?: number;
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
  batch = 8,
): Promise<{ perSecond: number; count: number }> {
  const start = performance.now();
  let count = 0;
  let elapsed = 0;
  while (elapsed < millis) {
    // Batches (8 by default) keep timer reads out of the measurement for fast operations.
    for (let i = 0; i < batch; i += 1) {
      await op();
    }
    count += batch;
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
  const rounds = options.rounds ?? scenario.rounds ?? 5;
  const roundMillis = options.roundMillis ?? scenario.roundMillis ?? 1000;
  const warmupMillis = scenario.warmupMillis ?? 300;
  const batch = scenario.batch ?? 8;
  await scenario.setup?.();
  // Read after setup: a scenario may only know its scale (e.g. the object size) once set up.
  const scale = scenario.scale ?? 1;
  try {
    await rate(scenario.ours, warmupMillis, batch);
    await rate(scenario.floor, warmupMillis, batch);
    const ours: number[] = [];
    const floor: number[] = [];
    let n = 0;
    for (let round = 0; round < rounds; round += 1) {
      const a = await rate(scenario.ours, roundMillis, batch);
      const b = await rate(scenario.floor, roundMillis, batch);
      ours.push(a.perSecond);
      floor.push(b.perSecond);
      n += a.count;
    }
    const o = median(ours) * scale;
    const f = median(floor) * scale;
    return {
      scenario: scenario.name,
      unit: scenario.unit ?? "ops/s",
      ours: Math.round(o),
      floor: Math.round(f),
      ratio: Math.round((o / f) * 1000) / 1000,
      n,
      ...(typeof scenario.extra === "function" ? scenario.extra() : scenario.extra),
    };
  } finally {
    await scenario.teardown?.();
  }
}
