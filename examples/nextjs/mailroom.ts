/**
 * Next.js (App Router): route handlers are Fetch handlers, so the webhooks are used directly.
 * Copy app/api/ses/* into your app and import from "mailroom-ses" instead of ../src.
 */
import { createWebhooks } from "../shared/webhooks";

export const webhooks = createWebhooks();
