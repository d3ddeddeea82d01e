/**
 * The real dependencies of the `mailroom` binary: the process's streams and environment, the
 * global `fetch`, and AWS SDK clients created on demand.
 *
 * @module
 */
import type { CliDeps } from "./deps";
import { createSdkClient } from "./sdk-clients";

/**
 * The dependencies `main()` gets when run as the `mailroom` command.
 *
 * @example
 * ```ts
 * process.exitCode = await main(process.argv.slice(2), nodeDeps());
 * ```
 */
export function nodeDeps(): CliDeps {
  // `mailroom events parse | head` closes the pipe early; that is not an error worth a stack.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") {
      throw err;
    }
  });
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    stdinIsTTY: process.stdin.isTTY,
    env: process.env,
    fetch: globalThis.fetch,
    createClient: createSdkClient,
  };
}
