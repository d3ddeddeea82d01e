/**
 * The shape every `mailroom` command has: a path (`["setup", "tracking"]`), a one-line summary
 * for the command list, a help text, and `run`, which returns the exit code or throws.
 *
 * @module
 */
import type { CliDeps } from "./deps";
import type { ExitCode } from "./exit-codes";
import type { CliIo } from "./io";

/**
 * What a command gets when it runs.
 *
 * @example
 * ```ts
 * async function run({ args, io, deps }: CommandContext) { io.out(args.join(" ")); return ExitCode.ok; }
 * ```
 */
export interface CommandContext {
  /** The arguments after the command's path. */
  args: string[];
  io: CliIo;
  deps: CliDeps;
}

/**
 * One command of the `mailroom` CLI.
 *
 * @example
 * ```ts
 * export const helloCommand: CliCommand = {
 *   path: ["hello"], summary: "Say hello", help: "Usage: mailroom hello",
 *   run: async ({ io }) => { io.out("hello"); return ExitCode.ok; },
 * };
 * ```
 */
export interface CliCommand {
  path: readonly string[];
  summary: string;
  help: string;
  run(context: CommandContext): Promise<ExitCode>;
}
