/**
 * Signed one-click unsubscribe tokens: HMAC-SHA256 over the recipient, the scope, the issue time
 * and a random id, with a list of secrets so keys can rotate (the first signs, every one verifies).
 *
 * @module
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

import { ConfigurationError } from "../errors";

/**
 * What a valid token says.
 *
 * @example
 * ```ts
 * const claims: UnsubscribeClaims = { recipient: "a@example.com", scope: "newsletter", issuedAt: new Date(), id: "q3x..." };
 * ```
 */
export interface UnsubscribeClaims {
  /** The recipient the link was made for (addr-spec). */
  recipient: string;
  /** The scope it unsubscribes from (`"*"`: everything). */
  scope: string;
  /** When the link was made. */
  issuedAt: Date;
  /** The token's random id (recorded as the suppression entry's `eventId`). */
  id: string;
}

/**
 * Options of {@link createUnsubscribeTokens}.
 *
 * @example
 * ```ts
 * const options: UnsubscribeTokenOptions = { secrets: [process.env.UNSUBSCRIBE_KEY ?? "", process.env.UNSUBSCRIBE_OLD_KEY ?? ""] };
 * ```
 */
export interface UnsubscribeTokenOptions {
  /** Signing secrets, newest first: the first signs, all verify (rotation). At least 32 characters each, at most 8. */
  secrets: readonly string[];
  /** How long a link works (ms); default 180 days. */
  maxAgeMs?: number | undefined;
  /** The clock (ms since the epoch); default `Date.now`. */
  now?: (() => number) | undefined;
}

/**
 * Signs and verifies unsubscribe tokens.
 *
 * @example
 * ```ts
 * const token = tokens.sign({ recipient: "a@example.com", scope: "newsletter" });
 * tokens.verify(token)?.recipient; // "a@example.com"
 * ```
 */
export interface UnsubscribeTokens {
  /** A token for one recipient and scope. */
  sign(claims: { recipient: string; scope: string }): string;
  /** The claims of a valid, unexpired token signed by one of the secrets; undefined otherwise. */
  verify(token: string): UnsubscribeClaims | undefined;
}

/**
 * Tokens longer than this are refused unread (an address is at most 254 characters).
 *
 * @example
 * ```ts
 * if (token.length > MAX_TOKEN_LENGTH) return new Response(null, { status: 400 });
 * ```
 */
export const MAX_TOKEN_LENGTH = 1_024;
const MIN_SECRET_LENGTH = 32;
const MAX_SECRETS = 8;
const TOKEN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/;

function mac(secret: string, payload: string): Buffer {
  return createHmac("sha256", secret).update(payload).digest();
}

/**
 * Create the token signer/verifier for one-click unsubscribe links. Nothing in a token is
 * guessable: it carries a random id and an HMAC-SHA256 over everything else.
 *
 * @throws ConfigurationError when a secret is shorter than 32 characters, or none is given
 * @example
 * ```ts
 * import { createUnsubscribeTokens } from "mailroom-ses";
 * const tokens = createUnsubscribeTokens({ secrets: [process.env.UNSUBSCRIBE_KEY ?? ""] });
 * ```
 */
export function createUnsubscribeTokens(options: UnsubscribeTokenOptions): UnsubscribeTokens {
  const secrets = options?.secrets;
  if (!Array.isArray(secrets) || secrets.length === 0 || secrets.length > MAX_SECRETS) {
    throw new ConfigurationError(`Unsubscribe tokens need 1 to ${MAX_SECRETS} secrets (newest first)`);
  }
  for (const secret of secrets) {
    if (typeof secret !== "string" || secret.length < MIN_SECRET_LENGTH) {
      throw new ConfigurationError(
        `Every unsubscribe secret must be at least ${MIN_SECRET_LENGTH} characters`,
      );
    }
  }
  const maxAgeMs = options.maxAgeMs ?? 180 * 86_400_000;
  if (!Number.isFinite(maxAgeMs) || maxAgeMs <= 0) {
    throw new ConfigurationError("maxAgeMs must be a positive number");
  }
  const now = options.now ?? Date.now;
  const signing = secrets[0] as string;

  return {
    sign({ recipient, scope }) {
      const id = randomBytes(12).toString("base64url");
      const payload = Buffer.from(
        JSON.stringify({ r: recipient, s: scope, t: Math.floor(now() / 1000), n: id }),
      ).toString("base64url");
      return `${payload}.${mac(signing, payload).toString("base64url")}`;
    },
    verify(token) {
      if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH || !TOKEN.test(token)) {
        return undefined;
      }
      const dot = token.indexOf(".");
      const payload = token.slice(0, dot);
      const given = Buffer.from(token.slice(dot + 1), "base64url");
      // Every secret is tried, whatever matched: the time taken does not say which key signed.
      let valid = false;
      for (const secret of secrets) {
        const expected = mac(secret, payload);
        valid = (given.length === expected.length && timingSafeEqual(given, expected)) || valid;
      }
      if (!valid) {
        return undefined;
      }
      let claims: { r?: unknown; s?: unknown; t?: unknown; n?: unknown };
      try {
        claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as typeof claims;
      } catch {
        return undefined;
      }
      const { r, s, t, n } = claims ?? {};
      if (typeof r !== "string" || typeof s !== "string" || typeof t !== "number" || typeof n !== "string") {
        return undefined;
      }
      const issuedMs = t * 1000;
      const age = now() - issuedMs;
      if (!Number.isFinite(age) || age > maxAgeMs || age < -300_000) {
        return undefined;
      }
      return { recipient: r, scope: s, issuedAt: new Date(issuedMs), id: n };
    },
  };
}
