/**
 * `mailroom-ses/express`: mount a Mailroom webhook (any Fetch handler) in Express 4 or 5.
 *
 * @example
 * ```ts
 * import { toExpress } from "mailroom-ses/express";
 * app.all("/mailroom/ses/tracking", toExpress(tracking));
 * ```
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";

import type { FetchHandler, SnsWebhookHandler } from "../webhook/types";
import { serveNode, type ReadBody } from "./node-http";

export type { FetchHandler, SnsWebhookHandler } from "../webhook/types";

/**
 * The part of Express's `Request` the adapter reads: a node:http request, plus `body` when a body
 * parser ran. Declared here so that `mailroom-ses/express` does not need Express's type packages.
 *
 * @example
 * ```ts
 * const req: ExpressRequestLike = expressReq; // express.Request fits
 * ```
 */
export interface ExpressRequestLike extends IncomingMessage {
  /** What a body parser already read, if one ran (a Buffer or string is used as the raw body). */
  body?: unknown;
}

/**
 * An Express route handler (assignable to Express's `RequestHandler`).
 *
 * @example
 * ```ts
 * const route: ExpressHandler = toExpress(tracking);
 * ```
 */
export type ExpressHandler = (req: ExpressRequestLike, res: ServerResponse, next?: unknown) => void;

/**
 * Wrap a Fetch handler as an Express route handler. Mount it with `app.all` (or `router.all`) so
 * HEAD, OPTIONS and the 405 for other methods come from the webhook too.
 *
 * Works with or without a body parser in front: a string (`express.text`) or Buffer
 * (`express.raw`) `req.body` is used as it is; a body some other parser already consumed (an
 * object from `express.json`, when the SNS delivery policy sends `application/json`) is turned
 * back into JSON text by the webhook (after authentication, with its depth bounded), which
 * verifies the same because SNS signs field values, not bytes;
 * otherwise the body is streamed, with the webhook's size limit applied while reading.
 *
 * @example
 * ```ts
 * import express from "express";
 * import { toExpress } from "mailroom-ses/express";
 *
 * const app = express();
 * app.all("/mailroom/ses/tracking", toExpress(tracking));
 * ```
 */
export function toExpress(handler: FetchHandler | SnsWebhookHandler): ExpressHandler {
  return (req, res) => {
    void serveNode(handler, req, res, parsedBody(req));
  };
}

function parsedBody(req: ExpressRequestLike): ReadBody | undefined {
  const body = req.body;
  if (typeof body === "string" || body instanceof Uint8Array) {
    return body;
  }
  // A parser that does not match the Content-Type leaves the stream alone (and Express 5 leaves
  // req.body undefined): only hand the value over when the stream really was consumed. It is
  // turned back into JSON by the webhook core, after authentication and inside its error mapping
  // (a hostile value must not throw here, where Express would answer 500 with a stack trace).
  if (body !== undefined && req.readableEnded) {
    return { parsedJson: body };
  }
  return undefined;
}
