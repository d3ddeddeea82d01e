// app/api/ses/inbound/route.ts: POST /api/ses/inbound
import { webhooks } from "../../../../mailroom";

export const POST = webhooks.inbound;
export const HEAD = webhooks.inbound;
export const runtime = "nodejs";
