/**
 * The `mailroom` command's exit codes. Scripts branch on them, so they are part of the public
 * interface: documented in `mailroom --help` and docs/cli.md, never renumbered.
 *
 * @module
 */

/**
 * Exit codes of the `mailroom` command.
 *
 * @example
 * ```ts
 * if (code === ExitCode.config) console.error("check AWS credentials and region");
 * ```
 */
export const ExitCode = {
  /** Everything worked. */
  ok: 0,
  /** AWS or the webhook endpoint reported a failure, or the input data was unusable. */
  failure: 1,
  /** The command line was wrong: unknown command or flag, missing or invalid value, bad message. */
  usage: 2,
  /** Configuration or credentials: no credentials or region, access denied, a misconfiguration. */
  config: 3,
} as const;

/**
 * One of the {@link ExitCode} values.
 *
 * @example
 * ```ts
 * const code: ExitCode = ExitCode.usage;
 * ```
 */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The exit-code table as printed in `mailroom --help` (docs/cli.md has the same table).
 *
 * @example
 * ```ts
 * io.out(EXIT_CODES_HELP);
 * ```
 */
export const EXIT_CODES_HELP = `Exit codes:
  0  success
  1  failure reported by AWS or by the webhook endpoint, or unusable input data
  2  usage error: unknown command or flag, missing or invalid value, invalid message
  3  configuration or credentials problem: no AWS credentials or region, access denied`;
