/**
 * `mailroom-ses/node`: serve a Mailroom webhook (any Fetch handler) from node:http or node:https.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { toNodeListener } from "mailroom-ses/node";
 * createServer(toNodeListener(tracking)).listen(8080);
 * ```
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";

import type { FetchHandler, SnsWebhookHandler } from "../webhook/types";
import { serveNode } from "./node-http";

export type { FetchHandler, SnsWebhookHandler } from "../webhook/types";

/**
 * A node:http request listener.
 *
 * @example
 * ```ts
 * const listener: NodeRequestListener = toNodeListener(tracking);
 * ```
 */
export type NodeRequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Wrap a Fetch handler as a node:http request listener: the request (its body streamed, not
 * buffered) becomes a Fetch `Request`, the `Response` is written back. Type conversion only; the
 * handler does the rest. The listener never throws and never leaves a promise rejection unhandled.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { amazonSesTrackingWebhook } from "mailroom-ses";
 * import { toNodeListener } from "mailroom-ses/node";
 *
 * const tracking = amazonSesTrackingWebhook({ secret: process.env.MAILROOM_WEBHOOK_SECRET, onEvent });
 * createServer(toNodeListener(tracking)).listen(8080);
 * ```
 */
export function toNodeListener(handler: FetchHandler | SnsWebhookHandler): NodeRequestListener {
  return (req, res) => {
    void serveNode(handler, req, res);
  };
}
