/**
 * The one rule for a webhook secret (`user:password`), shared by the webhook handlers (checked
 * when a handler is created) and the `mailroom` CLI (checked before it prints or subscribes a
 * URL): a secret that passes one is never refused by the other.
 *
 * @module
 */

/**
 * The shortest password accepted. Eight characters, the CLI's rule since its first version:
 * the secret is only ever guessed online, one HTTPS request at a time, and eight random
 * characters already take years of requests; no length rule can tell `password1` from a random
 * string, so the documentation asks for a long random one (`openssl rand -hex 16`) instead.
 *
 * @example
 * ```ts
 * const longEnough = "hooks:0123456789abcdef".split(":")[1]!.length >= MIN_SECRET_PASSWORD_LENGTH;
 * ```
 */
export const MIN_SECRET_PASSWORD_LENGTH = 8;

/**
 * A secret split into its parts, or why it is refused. The reason never contains the secret.
 *
 * @example
 * ```ts
 * const verdict: SecretVerdict = checkWebhookSecret("hooks:s3cr3t-long-random");
 * if (!verdict.ok) throw new Error(`--secret: ${verdict.reason}`);
 * ```
 */
export type SecretVerdict =
  | {
      /** The secret is usable. */
      ok: true;
      /** The part before the first colon (never empty). */
      username: string;
      /** The rest (may contain colons; at least {@link MIN_SECRET_PASSWORD_LENGTH} characters). */
      password: string;
    }
  | {
      /** The secret is refused. */
      ok: false;
      /** Says what is wrong, to follow where the secret came from: `--secret: ${reason}`. */
      reason: string;
    };

/**
 * Check a `user:password` webhook secret: a non-empty user name before the first colon, and a
 * password of at least {@link MIN_SECRET_PASSWORD_LENGTH} characters after it.
 *
 * @example
 * ```ts
 * checkWebhookSecret("hooks:s3cr3t-long-random"); // { ok: true, username: "hooks", password: "s3cr3t-long-random" }
 * checkWebhookSecret(":"); // { ok: false, reason: "must look like user:password" }
 * ```
 */
export function checkWebhookSecret(secret: string): SecretVerdict {
  const at = secret.indexOf(":");
  if (at <= 0 || at === secret.length - 1) {
    return { ok: false, reason: "must look like user:password" };
  }
  const password = secret.slice(at + 1);
  if (password.length < MIN_SECRET_PASSWORD_LENGTH) {
    return {
      ok: false,
      reason: `the password is shorter than ${MIN_SECRET_PASSWORD_LENGTH} characters; use a long random one`,
    };
  }
  return { ok: true, username: secret.slice(0, at), password };
}
