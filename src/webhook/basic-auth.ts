/**
 * HTTP Basic authentication for the webhook: the shared secret SNS sends from the credentials in
 * the subscription URL (`https://user:password@host/path`). SNS sends them only after a 401
 * challenge, so "no credentials" and "wrong credentials" are told apart.
 *
 * Hashing and comparison use node:crypto's synchronous `createHash` and `timingSafeEqual`
 * (available on Node, Bun, Deno and Workers with Node compatibility, like the signature verifier
 * itself): Web Crypto's asynchronous digest costs a thread-pool round trip per request.
 *
 * @module
 */
import { createHash, timingSafeEqual } from "node:crypto";

import { ConfigurationError } from "../errors";
import { checkWebhookSecret } from "./secret-rule";

/**
 * The verdict on a request's `Authorization` header: `missing` (none, or not a well-formed Basic
 * header: answer the 401 challenge) or `invalid` (well-formed, but no secret matches).
 *
 * @example
 * ```ts
 * const verdict: BasicAuthVerdict = await auth.check(request.headers.get("authorization"));
 * ```
 */
export type BasicAuthVerdict = "ok" | "missing" | "invalid";

/**
 * Checks `Authorization` headers against the configured secrets. See {@link createBasicAuth}.
 *
 * @example
 * ```ts
 * if ((await auth.check(header)) !== "ok") return challenge();
 * ```
 */
export interface BasicAuth {
  check(authorization: string | null): BasicAuthVerdict;
}

/**
 * Validate the `secret` option: one `"user:password"` string or a non-empty list of them, each
 * passing the CLI's own rule (`checkWebhookSecret`: a user name, a password of 8 characters or more).
 *
 * @throws TypeError when the option is not a string or a non-empty list of strings.
 * @throws ConfigurationError when a secret is malformed or weak (`":"`, `"user:pw"`); the message
 *   says which entry and why, never the value.
 * @example
 * ```ts
 * normalizeSecrets(["old:first-password", "new:second-password"]); // both
 * ```
 */
export function normalizeSecrets(secret: string | readonly string[]): readonly string[] {
  const list = typeof secret === "string" ? [secret] : [...secret];
  if (list.length === 0) {
    throw new TypeError("secret: give at least one 'user:password' string, or leave the option out");
  }
  list.forEach((entry, index) => {
    // The value itself never goes into a message: it is a credential.
    if (typeof entry !== "string") {
      throw new TypeError("secret: each entry must be a 'user:password' string");
    }
    const verdict = checkWebhookSecret(entry);
    if (!verdict.ok) {
      const which = list.length === 1 ? "secret" : `secret[${index}]`;
      throw new ConfigurationError(`${which}: ${verdict.reason}`);
    }
  });
  return list;
}

/**
 * Create a checker for `secrets`. Every candidate is compared, always, through fixed-length
 * SHA-256 digests and `timingSafeEqual`, so the time taken does not reveal how much of a
 * guess was right, nor which of several secrets matched.
 *
 * @example
 * ```ts
 * const auth = createBasicAuth(["old:pw1", "new:pw2"]);
 * auth.check("Basic " + btoa("new:pw2"));  // "ok"
 * auth.check(null);                        // "missing"
 * auth.check("Basic " + btoa("new:nope")); // "invalid"
 * ```
 */
export function createBasicAuth(secrets: readonly string[]): BasicAuth {
  const expected = secrets.map((secret) => sha256(Buffer.from(secret, "utf8")));
  return {
    check(authorization) {
      const credentials = decodeBasic(authorization);
      if (credentials === undefined) {
        return "missing";
      }
      const given = sha256(credentials);
      let matched = false;
      for (const digest of expected) {
        // No short-circuit: every secret is compared, whichever matches.
        matched = timingSafeEqual(digest, given) || matched;
      }
      return matched ? "ok" : "invalid";
    },
  };
}

/** The `user:password` bytes of a Basic header; `undefined` for anything else (treated as absent). */
function decodeBasic(header: string | null): Uint8Array | undefined {
  if (header === null) {
    return undefined;
  }
  const match = /^\s*basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (match === null) {
    return undefined;
  }
  const token = match[1] as string;
  // Buffer's decoder skips bad characters silently; refuse anything that is not canonical base64.
  const bytes = Buffer.from(token, "base64");
  if (bytes.toString("base64").replace(/=+$/, "") !== token.replace(/=+$/, "") || !bytes.includes(0x3a)) {
    return undefined;
  }
  return bytes;
}

function sha256(bytes: Uint8Array): Buffer {
  // Fixed-length digests: timingSafeEqual needs equal lengths, and the secret's length stays hidden.
  return createHash("sha256").update(bytes).digest();
}
