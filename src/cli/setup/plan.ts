/**
 * The set-up plan: every resource a setup command checks, what it found and what it did (or, in a
 * dry run, would do). Writes go through {@link SetupContext.apply}, the one place that honours
 * `--dry-run`, so a dry run cannot call a write API by accident.
 *
 * @module
 */
import type { CliIo } from "../io";

/**
 * What a step found or did: `exists` (nothing to do), `create`, `update`, or `action` (the user
 * must do something Mailroom will not do on its own).
 *
 * @example
 * ```ts
 * const status: StepStatus = "create";
 * ```
 */
export type StepStatus = "exists" | "create" | "update" | "action";

/**
 * One resource in the plan.
 *
 * @example
 * ```ts
 * const step: PlanStep = { resource: "SNS topic", name: "ses-tracking", status: "exists" };
 * ```
 */
export interface PlanStep {
  resource: string;
  /** The resource's name; URLs are already masked. */
  name: string;
  status: StepStatus;
  detail?: string | undefined;
}

/**
 * Shared state of one setup run.
 *
 * @example
 * ```ts
 * const context = createSetupContext(io, { dryRun: true });
 * await context.apply({ resource: "SNS topic", name, status: "create" }, () => createTopic(name));
 * ```
 */
export interface SetupContext {
  readonly dryRun: boolean;
  readonly io: CliIo;
  readonly steps: PlanStep[];
  /** Record a step; when it is a create or update and this is not a dry run, run `write` first. */
  apply<T>(step: PlanStep, write?: () => Promise<T>): Promise<T | undefined>;
  /** Report that a resource is being checked (progress on stderr). */
  checking(what: string): void;
}

/**
 * Create the context of one setup run.
 *
 * @example
 * ```ts
 * const context = createSetupContext(io, { dryRun: values["dry-run"] === true });
 * ```
 */
export function createSetupContext(io: CliIo, options: { dryRun: boolean }): SetupContext {
  const steps: PlanStep[] = [];
  async function apply<T>(step: PlanStep, write?: () => Promise<T>): Promise<T | undefined> {
    let result: T | undefined;
    const writes = step.status === "create" || step.status === "update";
    if (writes && !options.dryRun && write !== undefined) {
      io.progress(`  ${step.status === "create" ? "Creating" : "Updating"} ${step.resource} ${step.name}…`);
      result = await write();
    }
    steps.push(step);
    return result;
  }
  return {
    dryRun: options.dryRun,
    io,
    steps,
    apply,
    checking(what) {
      io.progress(`Checking ${what}…`);
    },
  };
}

/**
 * The word for a status: "would create" in a dry run, "created" after a real run.
 *
 * @example
 * ```ts
 * verb("create", true); // "would create"
 * ```
 */
export function verb(status: StepStatus, dryRun: boolean): string {
  switch (status) {
    case "exists":
      return "exists";
    case "create":
      return dryRun ? "would create" : "created";
    case "update":
      return dryRun ? "would update" : "updated";
    case "action":
      return "ACTION NEEDED";
  }
}

/**
 * The plan as a table, one step per line, details indented below.
 *
 * @example
 * ```ts
 * io.out(renderSteps(context.steps, context.dryRun));
 * ```
 */
export function renderSteps(steps: readonly PlanStep[], dryRun: boolean): string {
  const resourceWidth = Math.max(...steps.map((s) => s.resource.length));
  const nameWidth = Math.min(Math.max(...steps.map((s) => s.name.length)), 60);
  const lines = [dryRun ? "Plan (dry run: nothing was changed):" : "Done:"];
  for (const step of steps) {
    lines.push(
      `  ${step.resource.padEnd(resourceWidth)}  ${step.name.padEnd(nameWidth)}  ${verb(step.status, dryRun)}`,
    );
    if (step.detail !== undefined) {
      lines.push(`  ${" ".repeat(resourceWidth)}  ↳ ${step.detail}`);
    }
  }
  return lines.join("\n");
}

/**
 * The plan as JSON (`--json`).
 *
 * @example
 * ```ts
 * io.out(JSON.stringify({ ...planJson(context), iamPolicy }, null, 2));
 * ```
 */
export function planJson(context: SetupContext): { dryRun: boolean; steps: Record<string, string>[] } {
  return {
    dryRun: context.dryRun,
    steps: context.steps.map((step) => ({
      resource: step.resource,
      name: step.name,
      status: step.status,
      result: verb(step.status, context.dryRun),
      ...(step.detail === undefined ? {} : { detail: step.detail }),
    })),
  };
}
