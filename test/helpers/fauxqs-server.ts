/**
 * Starting and stopping fauxqs (the local SQS/SNS stand-in) for the vitest global setup and the
 * benchmarks. fauxqs needs Node >= 22.5 (node:sqlite); the machines run Node 20, so it runs in a
 * child process under the Node 22 binary of the `node` dev dependency. Free of vitest imports.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** A running fauxqs. */
export interface RunningFauxqs {
  /** `http://127.0.0.1:<port>`: the endpoint of the SQS and SNS clients. */
  endpoint: string;
  stop(): Promise<void>;
}

const CHILD = fileURLToPath(new URL("./fauxqs-child.mjs", import.meta.url));
const NODE22 = fileURLToPath(new URL("../../node_modules/node/bin/node", import.meta.url));

/** Start fauxqs on 127.0.0.1 and an ephemeral port. */
export async function startFauxqs(): Promise<RunningFauxqs> {
  // The Node 22 binary when installed; else the running Node, if it is new enough itself.
  const binary = existsSync(NODE22) ? NODE22 : process.execPath;
  const child = spawn(binary, [CHILD], { stdio: ["pipe", "pipe", "pipe"] });
  const port = await new Promise<number>((resolve, reject) => {
    let output = "";
    let errors = "";
    const timer = setTimeout(() => fail(new Error("fauxqs did not start within 20 s")), 20_000);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(error);
    };
    child.stderr.on("data", (chunk: Buffer) => {
      errors += chunk.toString();
    });
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split("\n")[0];
      if (output.includes("\n") && line !== undefined) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { port: number }).port);
      }
    });
    child.once("exit", (code) => fail(new Error(`fauxqs exited (${code}) before listening: ${errors}`)));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
