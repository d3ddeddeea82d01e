/**
 * Command-line parsing on `node:util` parseArgs (no dependency), with every parse failure turned
 * into a {@link UsageError} (exit code 2) and small validators for flag values.
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

import { UsageError } from "./cli-error";

/** parseArgs option declarations. */
type Options = NonNullable<ParseArgsConfig["options"]>;

/** The parseArgs configuration of a command (named, so declaration files can spell the result). */
type Config<O extends Options> = { args: string[]; options: O; strict: true; allowPositionals: boolean };

/**
 * What {@link parseCommandLine} returns: parseArgs's typed `values` and `positionals`.
 *
 * @example
 * ```ts
 * const parsed: ParsedCommandLine<typeof OPTIONS> = parseCommandLine(args, OPTIONS);
 * ```
 */
export type ParsedCommandLine<O extends Options> = ReturnType<typeof parseArgs<Config<O>>>;

/**
 * Flags every command accepts. `main()` acts on them before the command runs; commands declare
 * them so that strict parsing does not refuse them.
 *
 * @example
 * ```ts
 * parseCommandLine(args, { ...COMMON_OPTIONS, topic: { type: "string" } });
 * ```
 */
export const COMMON_OPTIONS = {
  help: { type: "boolean", short: "h" },
  debug: { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
} as const satisfies Options;

/**
 * Parse a command's arguments strictly: unknown flags, missing values and (unless allowed)
 * positionals are usage errors.
 *
 * @example
 * ```ts
 * const { values } = parseCommandLine(args, { ...COMMON_OPTIONS, json: { type: "boolean" } });
 * ```
 */
export function parseCommandLine<O extends Options>(
  args: string[],
  options: O,
  allowPositionals = false,
): ParsedCommandLine<O> {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (err) {
    throw new UsageError(err instanceof Error ? (err.message.split("\n", 1)[0] ?? err.message) : String(err));
  }
}

/**
 * A required string flag.
 *
 * @example
 * ```ts
 * const topic = required(values.topic, "--topic");
 * ```
 */
export function required(value: string | undefined, flag: string): string {
  if (value === undefined || value.trim() === "") {
    throw new UsageError(`${flag} is required`);
  }
  return value;
}

/**
 * A flag restricted to a few values (case-insensitive), returned in its canonical spelling.
 *
 * @example
 * ```ts
 * const kind = oneOf(values.kind ?? "tracking", ["tracking", "inbound"] as const, "--kind");
 * ```
 */
export function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  const found = allowed.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
  if (found === undefined) {
    throw new UsageError(`${flag} must be one of ${allowed.join(", ")} (got '${value}')`);
  }
  return found;
}

/**
 * Parse a flag holding JSON.
 *
 * @example
 * ```ts
 * const mergeData = jsonFlag(values["merge-data"], "--merge-data");
 * ```
 */
export function jsonFlag(value: string, flag: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch (err) {
    throw new UsageError(`${flag} is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * Parse repeated `key=value` flags into an object (the value is kept as a string).
 *
 * @example
 * ```ts
 * keyValues(["orderId=123", "app=shop"], "--metadata"); // { orderId: "123", app: "shop" }
 * ```
 */
export function keyValues(pairs: readonly string[], flag: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at <= 0) {
      throw new UsageError(`${flag} expects key=value (got '${pair}')`);
    }
    result[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return result;
}

/**
 * A positive integer flag.
 *
 * @example
 * ```ts
 * const timeoutMs = positiveInteger(values.timeout ?? "10000", "--timeout");
 * ```
 */
export function positiveInteger(value: string, flag: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) {
    throw new UsageError(`${flag} must be a positive integer (got '${value}')`);
  }
  return parsed;
}
