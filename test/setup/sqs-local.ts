import type { TestProject } from "vitest/node";

import { startFauxqs } from "../helpers/fauxqs-server";

declare module "vitest" {
  export interface ProvidedContext {
    /** Endpoint of the fauxqs SQS/SNS stand-in started for this run (127.0.0.1, ephemeral port). */
    sqsEndpoint: string;
  }
}

/** Start fauxqs (in a Node 22 child process) on 127.0.0.1 and a free port. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const fauxqs = await startFauxqs();
  project.provide("sqsEndpoint", fauxqs.endpoint);
  return () => fauxqs.stop();
}
