/**
 * Conversions between node:http's request/response objects and Fetch's, shared by the Node,
 * Express and Fastify adapters (Express and Fastify run on node:http underneath).
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";

import { WebhookValidationError } from "../errors";
import { outcomeForError } from "../webhook/error-outcome";
import { consoleLogger } from "../webhook/logger";
import type {
  FetchHandler,
  ParsedJsonBody,
  SnsWebhookHandler,
  WebhookOutcome,
  WebhookRequest,
} from "../webhook/types";
import { nodeBodyChunks, nodeBodyStream } from "./node-body";

/**
 * A body a framework already read: text, bytes, or the value its JSON parser produced.
 *
 * @example
 * ```ts
 * const body: ReadBody = typeof req.body === "string" ? req.body : { parsedJson: req.body };
 * ```
 */
export type ReadBody = string | Uint8Array | ParsedJsonBody;

/**
 * An answer ready for node:http (or Fastify's reply): status, headers, body.
 *
 * @example
 * ```ts
 * const answer: NodeAnswer = { status: 200, headers: { "content-type": "text/plain" }, body: "OK" };
 * ```
 */
export interface NodeAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: string | Uint8Array;
}

/**
 * Run `handler` for one node:http request. A Mailroom webhook is called through `handleRequest`
 * with the request's own headers and body iterator (no Fetch objects: building a `Request` and a
 * `Response` costs more than the signature check); any other Fetch handler gets a `Request`.
 * When the request body was left unread (an oversized upload refused with 413, a 401 before
 * reading), the answer closes the connection instead of draining the rest.
 *
 * @param body - text or bytes a framework's body parser already read
 * @example
 * ```ts
 * const answer = await answerFor(tracking, req);
 * ```
 */
export async function answerFor(
  handler: FetchHandler | SnsWebhookHandler,
  req: IncomingMessage,
  body?: ReadBody,
): Promise<NodeAnswer> {
  let answer: NodeAnswer;
  try {
    answer =
      "handleRequest" in handler
        ? fromOutcome(await handler.handleRequest(toWebhookRequest(req, body)))
        : await fromResponse(await handler(toWebRequest(req, body)));
  } catch (error) {
    // Only a plain Fetch handler gets here (a webhook's handleRequest never throws): a request
    // Fetch cannot represent (a TRACE method, an unserializable parsed body) or the handler's own
    // failure. Answered through the webhook core's one mapping, never as a stack trace.
    answer = fromOutcome(outcomeForError(error, {}, consoleLogger));
    answer.headers["content-type"] = "text/plain; charset=utf-8";
  }
  if (!req.complete) {
    answer.headers.connection = "close";
  }
  // A known length spares chunked encoding: headers and body leave in one write. (A Fetch
  // handler's own Content-Length, e.g. on a HEAD answer, is kept.)
  answer.headers["content-length"] ??= String(
    typeof answer.body === "string" ? Buffer.byteLength(answer.body) : answer.body.byteLength,
  );
  return answer;
}

/**
 * Run `handler` for one node:http request and write its answer. Never rejects: a failure in the
 * conversion itself becomes a plain 500 (or a destroyed socket once headers are out), never a
 * stack trace.
 *
 * @example
 * ```ts
 * createServer((req, res) => void serveNode(handler, req, res));
 * ```
 */
export async function serveNode(
  handler: FetchHandler | SnsWebhookHandler,
  req: IncomingMessage,
  res: ServerResponse,
  body?: ReadBody,
): Promise<void> {
  try {
    const answer = await answerFor(handler, req, body);
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  } catch {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(500, { "content-type": "text/plain; charset=utf-8", connection: "close" });
    res.end("Internal error");
  }
}

function fromOutcome(outcome: WebhookOutcome): NodeAnswer {
  return { status: outcome.status, headers: { ...outcome.headers }, body: outcome.body };
}

/** The body is buffered: webhook answers are a few bytes. */
async function fromResponse(response: Response): Promise<NodeAnswer> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) {
    headers["set-cookie"] = cookies;
  }
  return { status: response.status, headers, body: new Uint8Array(await response.arrayBuffer()) };
}

/** Node's fetch needs this for streamed request bodies; the DOM typings do not know it yet. */
type StreamingRequestInit = RequestInit & { duplex?: "half" };

/**
 * A Fetch `Request` for a node:http request. The body is streamed from `req` (so the webhook's
 * size limit applies while reading) unless `body` is given: the text or bytes a framework's body
 * parser already read.
 *
 * @example
 * ```ts
 * const request = toWebRequest(req, typeof req.body === "string" ? req.body : undefined);
 * ```
 */
export function toWebRequest(req: IncomingMessage, body?: ReadBody): Request {
  const method = (req.method ?? "GET").toUpperCase();
  const init: StreamingRequestInit = { method, headers: toHeaders(req.headers) };
  if (method !== "GET" && method !== "HEAD") {
    // Parsers hand over Buffers on ordinary ArrayBuffers; the typing only fears SharedArrayBuffer.
    init.body =
      body === undefined
        ? nodeBodyStream(req)
        : typeof body === "string" || body instanceof Uint8Array
          ? (body as string | Uint8Array<ArrayBuffer>)
          : jsonText(body.parsedJson);
    init.duplex = "half";
  }
  try {
    return new Request(requestUrl(req), init);
  } catch (cause) {
    // Fetch refuses some methods node:http accepts (CONNECT, TRACE, TRACK).
    throw new WebhookValidationError("The request cannot be handled (unsupported method)", { cause });
  }
}

/** A parsed body as JSON text for a plain Fetch handler; a value that cannot be is a 400. */
function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? "";
  } catch (cause) {
    throw new WebhookValidationError("The request body cannot be serialized as JSON", { cause });
  }
}

/**
 * The core's view of a node:http request: headers read in place, the body as chunks (see
 * `nodeBodyChunks`) unless a framework already read it.
 *
 * @example
 * ```ts
 * const outcome = await tracking.handleRequest(toWebhookRequest(req));
 * ```
 */
export function toWebhookRequest(req: IncomingMessage, body?: ReadBody): WebhookRequest {
  return {
    method: req.method ?? "GET",
    header(name) {
      const value = req.headers[name];
      return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
    },
    body: body ?? nodeBodyChunks(req),
  };
}

function requestUrl(req: IncomingMessage): string {
  const base = `http://${req.headers.host ?? "localhost"}`;
  try {
    return new URL(req.url ?? "/", base).href;
  } catch {
    // A Host header no URL parser accepts; the webhook does not route on the URL anyway.
    return new URL(req.url ?? "/", "http://localhost").href;
  }
}

function toHeaders(incoming: IncomingMessage["headers"]): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    if (name.startsWith(":") || value === undefined) {
      continue; // HTTP/2 pseudo-headers are not headers
    }
    for (const item of Array.isArray(value) ? value : [value]) {
      headers.append(name, item);
    }
  }
  return headers;
}
