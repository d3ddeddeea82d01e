/**
 * Post one SNS envelope the way SNS delivers to an HTTP(S) subscription: `text/plain` body, the
 * `x-amz-sns-*` headers, first without credentials, and with basic auth only after a 401
 * challenge (SNS sends the URL's credentials only when asked).
 *
 * @module
 */
import type { WebhookSecret } from "../secret";

/**
 * What the endpoint answered to one delivery.
 *
 * @example
 * ```ts
 * const result: DeliveryResult = { status: 403, challenged: true, authenticated: true, reason: "bad signature" };
 * ```
 */
export interface DeliveryResult {
  /** The final HTTP status; undefined when no answer came. */
  status: number | undefined;
  /** The first answer was a 401 with a `WWW-Authenticate: Basic` challenge. */
  challenged: boolean;
  /** The first answer was a 401 without a Basic challenge (SNS would not send credentials). */
  unchallenged401: boolean;
  /** Credentials were sent (after a challenge). */
  authenticated: boolean;
  /** The first line of the response body (trimmed), or the network error. */
  reason: string;
}

const MAX_REASON = 120;

/**
 * Deliver `body` to `url` like SNS.
 *
 * @example
 * ```ts
 * const result = await deliverLikeSns(fetch, new URL("https://example.com/ses"), JSON.stringify(envelope),
 *   signer.httpHeaders(envelope), secret, 10_000);
 * ```
 */
export async function deliverLikeSns(
  fetchImpl: typeof globalThis.fetch,
  url: URL,
  body: string,
  headers: Record<string, string>,
  secret: WebhookSecret | undefined,
  timeoutMs: number,
): Promise<DeliveryResult> {
  const post = async (authorization: string | undefined): Promise<Response> =>
    fetchImpl(url, {
      method: "POST",
      headers: authorization === undefined ? headers : { ...headers, authorization },
      body,
      // SNS does not follow redirects to other URLs; report them instead.
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
  let response: Response;
  try {
    response = await post(undefined);
  } catch (err) {
    return failed(err);
  }
  const challenge = /^\s*basic\b/i.test(response.headers.get("www-authenticate") ?? "");
  const result: DeliveryResult = {
    status: response.status,
    challenged: response.status === 401 && challenge,
    unchallenged401: response.status === 401 && !challenge,
    authenticated: false,
    reason: "",
  };
  if (result.challenged && secret !== undefined) {
    await response.body?.cancel().catch(() => undefined);
    const token = Buffer.from(`${secret.username}:${secret.password}`, "utf8").toString("base64");
    try {
      response = await post(`Basic ${token}`);
    } catch (err) {
      return { ...failed(err), challenged: true };
    }
    result.status = response.status;
    result.authenticated = true;
  }
  result.reason = await firstLine(response);
  return result;
}

function failed(err: unknown): DeliveryResult {
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : "";
  const message =
    err instanceof Error ? `${err.name === "TimeoutError" ? "timed out" : err.message}${cause}` : String(err);
  return {
    status: undefined,
    challenged: false,
    unchallenged401: false,
    authenticated: false,
    reason: message,
  };
}

async function firstLine(response: Response): Promise<string> {
  try {
    const text = (await response.text()).trim().split(/\r?\n/, 1)[0] ?? "";
    return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON)}…` : text;
  } catch {
    return "";
  }
}
