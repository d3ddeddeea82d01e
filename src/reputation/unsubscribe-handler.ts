/**
 * The one-click unsubscribe endpoint (RFC 8058), as a Fetch handler: a POST carrying
 * `List-Unsubscribe=One-Click` and a valid token suppresses the recipient for the token's scope;
 * a GET never does (link scanners fetch URLs) and shows a one-button confirmation form instead.
 *
 * @module
 */
import { ConfigurationError } from "../errors";
import type { SuppressionStore } from "../store/suppression-store";
import type { UnsubscribeTokens } from "./unsubscribe-token";

/**
 * What the handler emits for each unsubscribe.
 *
 * @example
 * ```ts
 * const onUnsubscribe = (event: UnsubscribeEvent) => console.log(event.recipient, event.scope);
 * ```
 */
export interface UnsubscribeEvent {
  /** Always `unsubscribed`. */
  eventType: "unsubscribed";
  /** Who unsubscribed. */
  recipient: string;
  /** From what (`"*"`: everything). */
  scope: string;
  /** When. */
  timestamp: Date;
  /** The token's id (also the suppression entry's `eventId`). */
  eventId: string;
}

/**
 * Options of {@link createUnsubscribeHandler}.
 *
 * @example
 * ```ts
 * import { createMemorySuppressionStore, createUnsubscribeTokens } from "mailroom-ses";
 * const options: UnsubscribeHandlerOptions = {
 *   tokens: createUnsubscribeTokens({ secrets: [process.env.UNSUBSCRIBE_KEY ?? ""] }),
 *   suppression: createMemorySuppressionStore(),
 * };
 * ```
 */
export interface UnsubscribeHandlerOptions {
  /** The same tokens the mailer signs with. */
  tokens: UnsubscribeTokens;
  /** Where the unsubscribe is recorded (reason `unsubscribe`, the token's scope). */
  suppression: SuppressionStore;
  /** Called after each unsubscribe is recorded; throwing answers 500 (the client may retry). */
  onUnsubscribe?: ((event: UnsubscribeEvent) => unknown) | undefined;
  /** The clock (ms since the epoch); default `Date.now`. */
  now?: (() => number) | undefined;
}

/** A one-click POST body is 26 bytes; anything much larger is not one. */
const MAX_BODY_BYTES = 2_048;
const INVALID = "This unsubscribe link is not valid.";

function text(status: number, body: string, extra: Record<string, string> = {}): Response {
  return new Response(body, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...extra },
  });
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function confirmationForm(token: string): Response {
  const action = `?token=${encodeURIComponent(token)}`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Unsubscribe</title></head>
<body><form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<p>Stop receiving these emails?</p><button type="submit">Unsubscribe</button>
</form></body></html>
`;
  return new Response(html, {
    status: 200,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "referrer-policy": "no-referrer",
      "content-security-policy": "default-src 'none'; form-action 'self'; frame-ancestors 'none'",
    },
  });
}

/** Read at most MAX_BODY_BYTES of the body; undefined when it is larger. */
async function boundedBody(request: Request): Promise<string | undefined> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) {
    return undefined;
  }
  const reader = request.body?.getReader();
  if (reader === undefined) {
    return "";
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Create the unsubscribe endpoint, a Fetch handler `(request) => Promise<Response>`; serve it at
 * the URL given to the mailer's `unsubscribe` option (with `toNodeListener`, `toExpress`,
 * `toFastify` or the Lambda adapter for other runtimes).
 *
 * - `POST ?token=…` with body `List-Unsubscribe=One-Click`: 200, the recipient is suppressed for
 *   the token's scope (reason `unsubscribe`) and `onUnsubscribe` is called;
 * - `GET ?token=…`: 200 with a one-button form that makes that POST; nothing is changed;
 * - a missing or malformed token: 400; a token that is forged, altered or expired: 404 (the same
 *   text: it never says which); a POST without the one-click body: 400; other methods: 405;
 *   the store failing: 503.
 *
 * @example
 * ```ts
 * import { createMemorySuppressionStore, createUnsubscribeHandler, createUnsubscribeTokens } from "mailroom-ses";
 * import { toNodeListener } from "mailroom-ses/node";
 * import { createServer } from "node:http";
 *
 * const unsubscribe = createUnsubscribeHandler({
 *   tokens: createUnsubscribeTokens({ secrets: [process.env.UNSUBSCRIBE_KEY ?? ""] }),
 *   suppression: createMemorySuppressionStore(),
 * });
 * createServer(toNodeListener(unsubscribe)).listen(8080);
 * ```
 */
export function createUnsubscribeHandler(
  options: UnsubscribeHandlerOptions,
): (request: Request) => Promise<Response> {
  if (typeof options?.tokens?.verify !== "function" || typeof options.suppression?.put !== "function") {
    throw new ConfigurationError("createUnsubscribeHandler needs `tokens` and `suppression`");
  }
  const now = options.now ?? Date.now;
  return async (request) => {
    const method = request.method.toUpperCase();
    if (method !== "GET" && method !== "HEAD" && method !== "POST") {
      return text(405, "Method not allowed", { allow: "GET, HEAD, POST" });
    }
    let token: string | null;
    try {
      token = new URL(request.url).searchParams.get("token");
    } catch {
      token = null;
    }
    if (token === null || token === "" || token.length > 1_024 || !/^[A-Za-z0-9_.-]+$/.test(token)) {
      return text(400, INVALID);
    }
    const claims = options.tokens.verify(token);
    if (claims === undefined) {
      return text(404, INVALID);
    }
    if (method !== "POST") {
      // Link scanners and previews fetch URLs: a GET only offers the button.
      return method === "HEAD" ? new Response(null, { status: 200 }) : confirmationForm(token);
    }
    const body = await boundedBody(request);
    if (body === undefined) {
      return text(413, "Request body too large");
    }
    if (new URLSearchParams(body).get("List-Unsubscribe") !== "One-Click") {
      return text(400, "Expected the body List-Unsubscribe=One-Click (RFC 8058)");
    }
    const timestamp = new Date(now());
    try {
      await options.suppression.put({
        address: claims.recipient,
        scope: claims.scope,
        reason: "unsubscribe",
        detail: "one-click",
        since: timestamp,
        eventId: claims.id,
      });
    } catch {
      return text(503, "Please try again later", { "retry-after": "60" });
    }
    try {
      await options.onUnsubscribe?.({
        eventType: "unsubscribed",
        recipient: claims.recipient,
        scope: claims.scope,
        timestamp,
        eventId: claims.id,
      });
    } catch {
      return text(500, "Please try again later");
    }
    return text(200, "You are unsubscribed.");
  };
}
