/**
 * Starting and stopping s3rver (the local S3 stand-in) in-process, for the vitest global setup
 * and the benchmarks. Free of vitest imports so `bench/` can use it too.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The part of s3rver 3.x we use; it ships no types. */
interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets?: { name: string }[];
}) => S3rverInstance;

/**
 * Buckets created at start-up. Legacy us-east-1 bucket names may hold capitals (Anymail's inbound
 * test uses "InboundEmailBucket-KeepPrivate"); s3rver's CreateBucket refuses them, but its
 * start-up configuration does not.
 */
export const PRECONFIGURED_BUCKETS = ["InboundEmailBucket-KeepPrivate"];

/** A running s3rver. */
export interface RunningS3rver {
  endpoint: string;
  stop(): Promise<void>;
}

/** Start s3rver on 127.0.0.1 and a free port, storing objects in a fresh temporary directory. */
export async function startS3rver(): Promise<RunningS3rver> {
  // s3rver is CommonJS.
  const S3rver = createRequire(import.meta.url)("s3rver") as S3rverConstructor;
  const directory = await mkdtemp(join(tmpdir(), "mailroom-s3rver-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: PRECONFIGURED_BUCKETS.map((name) => ({ name })),
  });
  try {
    const { port } = await server.run();
    return {
      endpoint: `http://127.0.0.1:${port}`,
      async stop() {
        await server.close();
        await rm(directory, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(directory, { recursive: true, force: true });
    throw err;
  }
}
