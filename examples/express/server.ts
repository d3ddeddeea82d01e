/**
 * Express 5: `npx tsx examples/express/server.ts`, then point `mailroom verify-webhook` at
 * http://127.0.0.1:3000/mailroom/ses/tracking.
 */
import express from "express";
import type { Express } from "express";

import { toExpress } from "../../src/adapters/express";
import { createWebhooks } from "../shared/webhooks";
import type { ExampleWebhookOverrides } from "../shared/webhooks";

export function createApp(overrides: ExampleWebhookOverrides = {}): Express {
  const { tracking, inbound } = createWebhooks(overrides);
  const app = express();
  // No body parser on these routes: the webhook reads the raw body itself (SNS posts text/plain).
  app.all("/mailroom/ses/tracking", toExpress(tracking));
  app.all("/mailroom/ses/inbound", toExpress(inbound));
  return app;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.PORT ?? 3000);
  createApp().listen(port, "127.0.0.1", () => console.log(`Express example on http://127.0.0.1:${port}`));
}
