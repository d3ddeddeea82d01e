/**
 * Starting and stopping fauxqs (the local SQS/SNS stand-in) for the vitest global setup and the
 * benchmarks. fauxqs needs Node >= 22.5 (node:sqlite); on an older Node it runs in a child process
 * under a Node 22 installed from the npm registry as the `node` package, into the same folder CI
 * uses (.ci/.node-22, git-ignored). Not a dev dependency: its `node` bin would shadow the machine's
 * Node in every npm script. Free of vitest imports.
 *
 * What fauxqs 2.4 models faithfully, and the tests rely on: long polling, visibility timeouts and
 * ChangeMessageVisibility, ApproximateReceiveCount, redrive to a dead-letter queue once
 * maxReceiveCount is exceeded, SendMessageBatch/DeleteMessageBatch, SQS's body character rules, and
 * SNS -> SQS fan-out with raw message delivery on or off. What it lacks, and how the tests fill it:
 * - SNS signatures: the envelopes its SNS delivers carry `Signature: "EXAMPLE"` and a fixed
 *   us-east-1 certificate URL, so they cannot be verified. The tests sign envelopes with the test
 *   kit's throwaway CA and send them with SendMessageBatch (what SNS delivers, byte for byte), and
 *   use fauxqs's own SNS delivery to show that unsigned envelopes are refused.
 * - Authorization: queue policies are stored, not enforced; they are checked as data in the CLI
 *   tests (stateful fake AWS), never against fauxqs.
 * - DeleteMessageBatch accepts an unknown receipt handle as a success (SQS reports it failed).
 */
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

/** A running fauxqs. */
export interface RunningFauxqs {
  /** `http://127.0.0.1:<port>`: the endpoint of the SQS and SNS clients. */
  endpoint: string;
  stop(): Promise<void>;
}

const CHILD = fileURLToPath(new URL("./fauxqs-child.mjs", import.meta.url));
const NODE22_PREFIX = fileURLToPath(new URL("../../.ci/.node-22", import.meta.url));
const NODE22 = `${NODE22_PREFIX}/node_modules/.bin/node`;

function newEnough(version: string): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, "").split(".").map(Number);
  return major > 22 || (major === 22 && minor >= 5);
}

/** A Node that can run fauxqs: this one when new enough, else Node 22 from the npm registry. */
async function nodeForFauxqs(): Promise<string> {
  if (newEnough(process.version)) {
    return process.execPath;
  }
  if (!existsSync(NODE22)) {
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    await promisify(execFile)(
      npm,
      ["install", "--no-save", "--no-audit", "--no-fund", "--prefix", NODE22_PREFIX, "node@22"],
      { timeout: 300_000 },
    );
  }
  return NODE22;
}

/** Start fauxqs on 127.0.0.1 and an ephemeral port. */
export async function startFauxqs(): Promise<RunningFauxqs> {
  const binary = await nodeForFauxqs();
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
