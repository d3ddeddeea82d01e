/** Run the CLI in-process with captured output and injected dependencies. */
import { main } from "../../src/cli/main";
import type { CliDeps } from "../../src/cli/deps";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(argv: string[], deps: Partial<CliDeps> = {}): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: [],
    env: {},
    fetch: () => Promise.reject(new Error("runCli: no fetch injected")),
    createClient: () => Promise.reject(new Error("runCli: no AWS client injected")),
    ...deps,
  });
  return { code, stdout, stderr };
}
