// app/api/ses/tracking/route.ts: POST /api/ses/tracking
import { webhooks } from "../../../../mailroom";

export const POST = webhooks.tracking;
export const HEAD = webhooks.tracking;
// SNS may need a few seconds for S3 reads and your callback; keep it on the Node.js runtime.
export const runtime = "nodejs";
