/**
 * Fastify 5: `npx tsx examples/fastify/server.ts`.
 */
import Fastify from "fastify";
import type { FastifyInstance } from "fastify";

import { fastifyWebhook } from "../../src/adapters/fastify";
import { createWebhooks } from "../shared/webhooks";
import type { ExampleWebhookOverrides } from "../shared/webhooks";

export async function createApp(overrides: ExampleWebhookOverrides = {}): Promise<FastifyInstance> {
  const { tracking, inbound } = createWebhooks(overrides);
  const app = Fastify();
  // Each webhook is an encapsulated plugin with its own raw-body content parser.
  await app.register(fastifyWebhook(tracking, { url: "/mailroom/ses/tracking" }));
  await app.register(fastifyWebhook(inbound, { url: "/mailroom/ses/inbound" }));
  return app;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.PORT ?? 3000);
  const app = await createApp();
  await app.listen({ port, host: "127.0.0.1" });
  console.log(`Fastify example on http://127.0.0.1:${port}`);
}
