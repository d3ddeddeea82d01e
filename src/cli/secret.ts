/**
 * The webhook secret (`user:pass`) and the subscription URL that carries it as userinfo, the
 * way SNS expects basic-auth credentials. The secret comes from --secret, MAILROOM_WEBHOOK_SECRET
 * or the URL itself, and only ever leaves this module masked.
 *
 * @module
 */
import { checkWebhookSecret } from "../webhook/secret-rule";
import { UsageError } from "./cli-error";

/**
 * A basic-auth credential pair.
 *
 * @example
 * ```ts
 * const secret: WebhookSecret = { username: "hooks", password: "s3cr3t-long-random" };
 * ```
 */
export interface WebhookSecret {
  username: string;
  password: string;
}

/**
 * The environment variable the webhook handlers and the CLI read the secret from.
 *
 * @example
 * ```ts
 * const fromEnv = env[SECRET_ENV]; // "hooks:a-long-random-password"
 * ```
 */
export const SECRET_ENV = "MAILROOM_WEBHOOK_SECRET";

/**
 * Parse `user:pass` (the password may contain colons).
 *
 * @example
 * ```ts
 * parseSecret("hooks:s3cr3t-long-random", "--secret"); // { username: "hooks", password: "s3cr3t-long-random" }
 * ```
 */
export function parseSecret(text: string, source: string): WebhookSecret {
  // The webhook handlers' own rule: a secret the CLI accepts is one the handler accepts.
  const verdict = checkWebhookSecret(text);
  if (!verdict.ok) {
    throw new UsageError(`${source}: ${verdict.reason}`);
  }
  return { username: verdict.username, password: verdict.password };
}

/**
 * The webhook URL split into the URL without credentials and the secret (from the flag, the
 * environment, or the URL's own userinfo — in that order; a flag and userinfo together conflict).
 *
 * @example
 * ```ts
 * const { url, secret } = resolveWebhookTarget("https://example.com/ses", values.secret, deps.env);
 * ```
 */
export function resolveWebhookTarget(
  rawUrl: string,
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  urlFlag: string,
): { url: URL; secret: WebhookSecret | undefined } {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new UsageError(`${urlFlag} is not a valid URL`);
  }
  const fromUrl =
    url.username === "" && url.password === ""
      ? undefined
      : parseSecret(
          `${decodeUserinfo(url.username, urlFlag)}:${decodeUserinfo(url.password, urlFlag)}`,
          urlFlag,
        );
  url.username = "";
  url.password = "";
  if (fromUrl !== undefined && flag !== undefined) {
    throw new UsageError(`${urlFlag} already carries credentials; do not pass --secret as well`);
  }
  const fromEnv = env[SECRET_ENV];
  const secret =
    fromUrl ??
    (flag === undefined
      ? fromEnv === undefined || fromEnv === ""
        ? undefined
        : parseSecret(fromEnv, SECRET_ENV)
      : parseSecret(flag, "--secret"));
  return { url, secret };
}

/**
 * The URL with the secret as userinfo (what the SNS subscription endpoint must be).
 *
 * @example
 * ```ts
 * withSecret(new URL("https://example.com/ses"), secret).href; // "https://hooks:...@example.com/ses"
 * ```
 */
export function withSecret(url: URL, secret: WebhookSecret | undefined): URL {
  const result = new URL(url.href);
  if (secret !== undefined) {
    // The URL setters percent-encode what userinfo cannot hold literally.
    result.username = secret.username;
    result.password = secret.password;
  }
  return result;
}

/**
 * A URL as it may be printed: any password replaced by `****`.
 *
 * @example
 * ```ts
 * maskUrl("https://hooks:secret@example.com/ses"); // "https://hooks:****@example.com/ses"
 * ```
 */
export function maskUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(typeof url === "string" ? url : url.href);
  } catch {
    // Not a URL: print nothing of it rather than risk a secret.
    return "<unparsable URL>";
  }
  if (parsed.password !== "") {
    parsed.password = "****";
  }
  return parsed.href;
}

function decodeUserinfo(text: string, urlFlag: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new UsageError(`${urlFlag}: the credentials in the URL are not valid percent-encoding`);
  }
}
