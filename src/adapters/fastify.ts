/**
 * `mailroom-ses/fastify`: mount a Mailroom webhook (any Fetch handler) in Fastify 4 or 5.
 *
 * @example
 * ```ts
 * import { fastifyWebhook } from "mailroom-ses/fastify";
 * await app.register(fastifyWebhook(tracking, { url: "/mailroom/ses/tracking" }));
 * ```
 *
 * @module
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

import type { FetchHandler, SnsWebhookHandler } from "../webhook/types";
import { answerFor } from "./node-http";

export type { FetchHandler } from "../webhook/types";

/**
 * Options of {@link fastifyWebhook}.
 *
 * @example
 * ```ts
 * const options: FastifyWebhookOptions = { url: "/mailroom/ses/tracking" };
 * ```
 */
export interface FastifyWebhookOptions {
  /** The route's path. */
  url: string;
}

/**
 * A Fastify route handler. See {@link toFastifyHandler}.
 *
 * @example
 * ```ts
 * const route: FastifyWebhookHandler = toFastifyHandler(tracking);
 * ```
 */
export type FastifyWebhookHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;

// Every method goes to the webhook: it answers HEAD and OPTIONS itself, and 405 for the rest.
const METHODS = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"];

/**
 * A Fastify plugin serving `handler` at `options.url`. Register it WITHOUT `fastify-plugin`: its
 * content-type parsers stay scoped to the route. They leave the body unread whatever its type
 * (SNS posts JSON as `text/plain`), so the webhook streams it with its own size limit and reads
 * the exact text SNS sent.
 *
 * @example
 * ```ts
 * import Fastify from "fastify";
 * import { fastifyWebhook } from "mailroom-ses/fastify";
 *
 * const app = Fastify();
 * await app.register(fastifyWebhook(tracking, { url: "/mailroom/ses/tracking" }));
 * await app.listen({ port: 8080 });
 * ```
 */
export function fastifyWebhook(
  handler: FetchHandler | SnsWebhookHandler,
  options: FastifyWebhookOptions,
): (instance: FastifyInstance) => Promise<void> {
  return async (instance) => {
    instance.removeAllContentTypeParsers();
    instance.addContentTypeParser("*", (_request, _payload, done) => {
      done(null, undefined);
    });
    instance.route({
      method: METHODS,
      url: options.url,
      handler: toFastifyHandler(handler),
    });
  };
}

/**
 * Wrap a Fetch handler as a Fastify route handler, for routes you register yourself. A string or
 * Buffer `request.body` (e.g. from a `parseAs: "string"` content-type parser) is used as it is; a
 * value Fastify's JSON parser produced is turned back into JSON by the webhook; with no body the
 * raw request is streamed, which needs a content-type parser that leaves the body unread (as
 * {@link fastifyWebhook} installs).
 *
 * @example
 * ```ts
 * app.addContentTypeParser(["text/plain", "application/json"], { parseAs: "string" }, (_req, body, done) =>
 *   done(null, body),
 * );
 * app.post("/mailroom/ses/tracking", toFastifyHandler(tracking));
 * ```
 */
export function toFastifyHandler(handler: FetchHandler | SnsWebhookHandler): FastifyWebhookHandler {
  return async (request, reply) => {
    const body = request.body;
    // A value from a JSON parser (Fastify's default one): the stream is spent, so hand the value
    // over; the webhook re-serializes it after authentication, inside its error mapping.
    const given =
      typeof body === "string" || body instanceof Uint8Array
        ? body
        : body === undefined
          ? undefined
          : { parsedJson: body };
    const answer = await answerFor(handler, request.raw, given);
    return reply.code(answer.status).headers(answer.headers).send(answer.body);
  };
}
