import { WebhookValidationError } from "../../src/errors";
import { sesReceivedToInboundEvent, type InboundDeps } from "../../src/ses/webhooks/inbound";
import type { Scenario } from "../harness";
import { digestBomb } from "../../test/helpers/digest-bomb";

const MiB = 1024 * 1024;
const BUCKET = "bench-inbound";

const bombs = new Map<string, Uint8Array>();
const worst = new Map<string, { millis: number; rssGrowthMB: number }>();

function notification(key: string): Record<string, unknown> {
  return {
    notificationType: "Received",
    mail: { timestamp: "2024-10-07T09:12:31.512Z", source: "a@example.org", messageId: key },
    receipt: { recipients: ["b@example.com"], action: { type: "S3", bucketName: BUCKET, objectKey: key } },
  };
}

// The S3 action path without the network: the object is already in memory.
const deps: InboundDeps = {
  allowedBuckets: [BUCKET],
  readS3Object: async (_bucket, key) => bombs.get(key) as Uint8Array,
};

/** One bomb through the SES converter; it must be refused with a 400. */
async function refuse(key: string): Promise<void> {
  const outcome = await sesReceivedToInboundEvent(notification(key), {}, deps).then(
    () => "accepted",
    (err: unknown) => (err instanceof WebhookValidationError ? String(err.httpStatus) : String(err)),
  );
  if (outcome !== "400") {
    throw new Error(`inbound-hostile: the ${key} bomb was not refused with a 400 (${outcome})`);
  }
}

/** The floor: reading every line of the bombs once (the least any parser does). */
function countLines(bytes: Uint8Array): number {
  let lines = 0;
  for (let at = bytes.indexOf(0x0a); at !== -1; at = bytes.indexOf(0x0a, at + 1)) {
    lines += 1;
  }
  return lines;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/**
 * Hostile inbound mail (issue 11): the 1 MiB and 4 MiB multipart/digest bombs, read through the
 * S3 action path of the SES converter and refused. One operation handles both bombs. Measured in
 * setup, before anything else allocates: for each bomb, the slowest of five refusals and the peak
 * RSS growth over the baseline (sampled right after each refusal, garbage included). Targets:
 * under 1 s and 64 MiB each.
 */
export const inboundHostile: Scenario = {
  name: "inbound-hostile",
  unit: "bomb pairs/s",
  rounds: 3,
  extra: () => ({
    ...Object.fromEntries(
      [...worst].flatMap(([key, figures]) => [
        [`${key}Millis`, round1(figures.millis)],
        [`${key}PeakRssGrowthMB`, figures.rssGrowthMB],
      ]),
    ),
    targetMillis: 1000,
    targetRssGrowthMB: 64,
  }),
  async setup() {
    bombs.set("bomb-1MiB", digestBomb(MiB));
    bombs.set("bomb-4MiB", digestBomb(4 * MiB));
    for (const key of bombs.keys()) {
      const baseline = process.memoryUsage().rss;
      let millis = 0;
      let peak = baseline;
      for (let i = 0; i < 5; i += 1) {
        const start = performance.now();
        await refuse(key);
        millis = Math.max(millis, performance.now() - start);
        peak = Math.max(peak, process.memoryUsage().rss);
      }
      worst.set(key, { millis, rssGrowthMB: round1((peak - baseline) / MiB) });
    }
  },
  async ours() {
    await refuse("bomb-1MiB");
    await refuse("bomb-4MiB");
  },
  floor() {
    return (
      countLines(bombs.get("bomb-1MiB") as Uint8Array) + countLines(bombs.get("bomb-4MiB") as Uint8Array)
    );
  },
};
