/**
 * A tracking webhook in a process of its own, for the crash test: Redis deduplication with a
 * short lease, and an onEvent that says "started" and then never returns, so the test can kill
 * the process (SIGKILL) while it holds the claim. Configured by environment variables.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

import { toNodeListener } from "../../src/adapters/node";
import { amazonSesTrackingWebhook } from "../../src/ses/webhooks/tracking-handler";
import { createRedisDedupeStore } from "../../src/store/redis-dedupe-store";

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) {
    throw new Error(`dedupe-webhook-child needs ${name}`);
  }
  return value;
};

const certUrl = env("CERT_URL");
const certificatePem = env("CERT_PEM");
const tracking = amazonSesTrackingWebhook({
  allowedTopicArns: [env("TOPIC_ARN")],
  verifySignature: {
    fetchCertificate: async (url) => {
      if (url !== certUrl) {
        throw new Error("unknown certificate URL");
      }
      return certificatePem;
    },
  },
  dedupe: createRedisDedupeStore({ redis: env("REDIS_URL"), prefix: env("PREFIX") }),
  dedupeLeaseMs: Number(env("LEASE_MS")),
  logger: { warn: () => undefined, error: () => undefined },
  onEvent: () => {
    process.stdout.write("started\n");
    return new Promise(() => undefined);
  },
});
const server = createServer(toNodeListener(tracking));
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
