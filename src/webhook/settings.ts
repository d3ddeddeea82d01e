/**
 * Turning {@link SnsWebhookOptions} into ready-to-use settings, once per handler: validated
 * strictly (a typo must not silently weaken security) and with long-lived parts built once — the
 * signature verifier in particular, so its certificate cache persists across requests.
 *
 * @module
 */
import { createSnsVerifier, type SnsVerifier } from "../sns/verify";
import { createBasicAuth, normalizeSecrets, type BasicAuth } from "./basic-auth";
import { createConfirmSubscription } from "./confirm-subscription";
import { consoleLogger } from "./logger";
import { maxBodyBytesOption } from "./read-body";
import type { ConfirmSubscription, SnsWebhookOptions, WebhookLogger } from "./types";

/**
 * The resolved settings of one webhook handler.
 *
 * @example
 * ```ts
 * const settings: WebhookSettings = resolveWebhookSettings({ secret: "user:pw" }, "tracking");
 * ```
 */
export interface WebhookSettings {
  /** The handler's name in log messages ("tracking", "inbound"). */
  name: string;
  /** Basic-auth checker; undefined when no secret is configured. */
  auth: BasicAuth | undefined;
  /** Accepted topics; undefined when every topic is accepted. */
  allowedTopics: ReadonlySet<string> | undefined;
  /** Undefined only when verification was turned off with `verifySignature: false`. */
  verifier: SnsVerifier | undefined;
  autoConfirm: boolean;
  maxBodyBytes: number;
  confirmSubscription: ConfirmSubscription;
  logger: WebhookLogger;
}

/**
 * Validate `options` and build the handler's long-lived parts. Logs a warning when the handler
 * is set up without signature verification, or without any way to tell your topics from others.
 *
 * @throws TypeError naming the option when an option has the wrong type or an unusable value.
 * @example
 * ```ts
 * const settings = resolveWebhookSettings(options, "tracking");
 * ```
 */
export function resolveWebhookSettings(options: SnsWebhookOptions, name: string): WebhookSettings {
  const logger = options.logger ?? consoleLogger;
  const secrets = options.secret === undefined ? undefined : normalizeSecrets(options.secret);
  const allowedTopics = topicsOption(options.allowedTopicArns);
  const verifier = verifierOption(options.verifySignature);
  const autoConfirm = booleanOption(options.autoConfirm, "autoConfirm", true);
  if (verifier === undefined) {
    logger.warn(`The Mailroom ${name} webhook does NOT verify SNS signatures (verifySignature: false)`, {
      webhook: name,
    });
  }
  if (secrets === undefined && allowedTopics === undefined) {
    logger.warn(
      `The Mailroom ${name} webhook has neither a secret nor allowedTopicArns: SNS messages from ` +
        "any AWS account's topic are accepted. Set at least one of them.",
      { webhook: name },
    );
  }
  return {
    name,
    auth: secrets === undefined ? undefined : createBasicAuth(secrets),
    allowedTopics,
    verifier,
    autoConfirm,
    maxBodyBytes: maxBodyBytesOption(options.maxBodyBytes),
    confirmSubscription:
      options.confirmSubscription ??
      createConfirmSubscription({
        snsClientConfig: options.snsClientConfig,
        createSnsClient: options.createSnsClient,
      }),
    logger,
  };
}

function verifierOption(value: SnsWebhookOptions["verifySignature"]): SnsVerifier | undefined {
  // Off only on an explicit `false`: undefined, null-ish mistakes and `true` all keep it on.
  if (value === false) {
    return undefined;
  }
  if (value === undefined || value === true) {
    return createSnsVerifier();
  }
  if (typeof value !== "object" || value === null) {
    throw new TypeError("verifySignature must be true, false or an options object");
  }
  return createSnsVerifier({
    fetchCertificate: value.fetchCertificate,
    certUrlPolicy: value.certUrlPolicy,
    maxAgeSeconds: value.maxAgeSeconds,
  });
}

function topicsOption(value: readonly string[] | undefined): ReadonlySet<string> | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (!Array.isArray(value) || value.length === 0 || value.some((arn) => typeof arn !== "string")) {
    throw new TypeError(
      "allowedTopicArns must be a non-empty array of topic ARNs (leave it out to accept every topic)",
    );
  }
  return new Set(value);
}

function booleanOption(value: boolean | undefined, name: string, fallback: boolean): boolean {
  if (value === undefined) {
    return fallback;
  }
  if (typeof value !== "boolean") {
    throw new TypeError(`${name} must be a boolean`);
  }
  return value;
}
