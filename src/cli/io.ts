/**
 * The CLI's output: stdout for results, stderr for progress and errors, every line passed
 * through a redactor so a webhook secret can never reach the terminal or a CI log, even when an
 * AWS error message echoes a subscription URL back.
 *
 * @module
 */

/**
 * Something text can be written to (`process.stdout`, a test buffer).
 *
 * @example
 * ```ts
 * const sink: TextSink = { write: (text) => chunks.push(text) };
 * ```
 */
export interface TextSink {
  write(text: string): unknown;
}

/**
 * The CLI's output channels.
 *
 * @example
 * ```ts
 * io.progress("Checking SNS topic…");
 * io.out(JSON.stringify(result));
 * ```
 */
export interface CliIo {
  /** A result line on stdout. */
  out(text: string): void;
  /** An error or warning line on stderr. */
  err(text: string): void;
  /** A progress line on stderr, dropped with --quiet. */
  progress(text: string): void;
  /** From now on, replace `secret` by `****` in everything written. */
  redact(secret: string): void;
}

// Shorter strings are not redacted: replacing every "short" in the output would garble it, and
// such a password is refused as too weak (secret.ts) before it can be used anyway.
const MIN_REDACTED_LENGTH = 8;

/**
 * Create the output channels.
 *
 * @example
 * ```ts
 * const io = createIo({ stdout: process.stdout, stderr: process.stderr, quiet: false });
 * ```
 */
export function createIo(options: { stdout: TextSink; stderr: TextSink; quiet: boolean }): CliIo {
  const secrets: string[] = [];
  function clean(text: string): string {
    let result = text;
    for (const secret of secrets) {
      result = result.split(secret).join("****");
    }
    return result;
  }
  return {
    out: (text) => void options.stdout.write(clean(text) + "\n"),
    err: (text) => void options.stderr.write(clean(text) + "\n"),
    progress: (text) => {
      if (!options.quiet) {
        options.stderr.write(clean(text) + "\n");
      }
    },
    redact(secret) {
      // The encoded forms too: URLs and Authorization headers carry them that way.
      const forms = [secret, encodeURIComponent(secret), Buffer.from(secret, "utf8").toString("base64")];
      for (const form of forms) {
        if (form.length >= MIN_REDACTED_LENGTH && !secrets.includes(form)) {
          secrets.push(form);
        }
      }
      // Longest first, so a secret containing another is replaced whole.
      secrets.sort((a, b) => b.length - a.length);
    },
  };
}
