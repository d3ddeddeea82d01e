import type { TestProject } from "vitest/node";

import { startS3rver } from "../helpers/s3rver-server";

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the s3rver instance started for this run (path-style, access key "S3RVER"). */
    s3Endpoint: string;
  }
}

/** Start s3rver in-process on 127.0.0.1 and a free port, with a temporary directory removed on teardown. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const s3 = await startS3rver();
  project.provide("s3Endpoint", s3.endpoint);
  return () => s3.stop();
}
