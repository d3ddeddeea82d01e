import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the aws-ses-v2-local emulator started for this run. */
    sesEndpoint: string;
  }
}

type StartServer = (config: { host: string; port: number }) => Promise<Server>;

/** Start aws-ses-v2-local in-process on 127.0.0.1 (never its default, all interfaces) and a free port. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const mod = (await import("aws-ses-v2-local")) as unknown as {
    default: StartServer | { default: StartServer };
  };
  const start = typeof mod.default === "function" ? mod.default : mod.default.default;
  const server = await start({ host: "127.0.0.1", port: 0 });
  const { port } = server.address() as AddressInfo;
  project.provide("sesEndpoint", `http://127.0.0.1:${port}`);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
