import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";

import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /**
     * URL of the redis-server started for this run (127.0.0.1, ephemeral port, no persistence), or
     * "" when redis-server is not installed (the Redis tests are then skipped: see test/helpers/redis.ts).
     */
    redisUrl: string;
  }
}

/** A port nobody listens on right now (redis-server cannot take port 0 and report it back). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function start(binary: string, port: number): Promise<ChildProcess> {
  const child = spawn(
    binary,
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) {
        child.stdout?.off("data", onData);
        child.stdout?.resume();
        resolve(child);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) =>
      reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`)),
    );
  });
}

/** Where redis-server is, if it is installed at all. */
function findRedisServer(): string | undefined {
  const dirs = (process.env.PATH ?? "").split(delimiter).filter((dir) => dir !== "");
  return dirs.map((dir) => join(dir, "redis-server")).find((path) => isFile(path));
}

function isFile(path: string): boolean {
  return path.startsWith("/") && existsSync(path);
}

/**
 * Start a throwaway redis-server for the Redis tests, and stop it (by its pid) on teardown.
 *
 * On a machine without redis-server the Redis tests are reported as skipped, with one line saying
 * how to run them. CI sets MAILROOM_REQUIRE_REDIS=1, which turns a missing redis-server into a
 * failure instead: CI must never skip them.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const binary = findRedisServer();
  if (binary === undefined) {
    if (process.env.MAILROOM_REQUIRE_REDIS === "1") {
      throw new Error(
        "MAILROOM_REQUIRE_REDIS=1 but redis-server is not installed: the Redis tests cannot run.",
      );
    }
    console.log(
      "Redis tests skipped: redis-server is not on the PATH (install it, e.g. `apt-get install redis-server` or `brew install redis`, to run them).",
    );
    project.provide("redisUrl", "");
    return async () => {};
  }
  let child: ChildProcess | undefined;
  let port = 0;
  // Another process may take the probed port before redis-server binds it: try a few.
  for (let attempt = 1; child === undefined; attempt += 1) {
    port = await freePort();
    try {
      child = await start(binary, port);
    } catch (err) {
      if (attempt >= 3) {
        throw err;
      }
    }
  }
  project.provide("redisUrl", `redis://127.0.0.1:${port}`);
  const server = child;
  return () =>
    new Promise<void>((resolve) => {
      if (server.exitCode !== null) {
        resolve();
        return;
      }
      const force = setTimeout(() => server.kill("SIGKILL"), 5_000);
      server.once("exit", () => {
        clearTimeout(force);
        resolve();
      });
      server.kill("SIGTERM");
    });
}
