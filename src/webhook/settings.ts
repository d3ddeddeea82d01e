/**
 * Turning {@link SnsWebhookOptions} into ready-to-use settings, once per handler: validated
 * strictly (a typo must not silently weaken security) and with long-lived parts built once — the
 * signature verifier in particular, so its certificate cache persists across requests.
 *
 * @module
 */
import { ConfigurationError } from "../errors";
import { createSnsVerifier, type SnsVerifier } from "../sns/verify";
import { DEFAULT_DEDUPE_KEEP_MS, DEFAULT_DEDUPE_LEASE_MS, type DedupeStore } from "../store/dedupe-store";
import { createMemoryDedupeStore } from "../store/memory-dedupe-store";
import { createBasicAuth, normalizeSecrets, type BasicAuth } from "./basic-auth";
import { confirmOnce, createConfirmSubscription } from "./confirm-subscription";
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
  /** Where notifications are claimed before the application runs; undefined with `dedupe: false`. */
  dedupe: WebhookDedupe | undefined;
}

/**
 * The resolved deduplication of one handler.
 *
 * @example
 * ```ts
 * const dedupe: WebhookDedupe = { store: createMemoryDedupeStore(), leaseMs: 30_000, keepMs: 7_200_000 };
 * ```
 */
export interface WebhookDedupe {
  /** The claims store. */
  store: DedupeStore;
  /** How long a claim lasts while the application runs. */
  leaseMs: number;
  /** How long a handled id is remembered. */
  keepMs: number;
}

/**
 * Validate `options` and build the handler's long-lived parts. Fails closed: a handler with
 * neither a secret nor `allowedTopicArns` would accept any AWS account's topic, so it is refused
 * unless `allowAnyTopic: true` says that is intended (then a warning is logged, as it is for
 * `verifySignature: false`).
 *
 * @throws TypeError naming the option when an option has the wrong type or an unusable value.
 * @throws ConfigurationError when the secret is malformed or weak, or when nothing tells your
 *   topics from others (no secret, no `allowedTopicArns`, no `allowAnyTopic: true`).
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
  const allowAnyTopic = booleanOption(options.allowAnyTopic, "allowAnyTopic", false);
  if (allowAnyTopic && allowedTopics !== undefined) {
    throw new ConfigurationError(
      `The Mailroom ${name} webhook: allowAnyTopic: true contradicts allowedTopicArns`,
    );
  }
  if (secrets === undefined && allowedTopics === undefined && !allowAnyTopic) {
    // `secret: process.env.X` with X unset lands here: refusing is the point (issue 11 §3).
    throw new ConfigurationError(
      `The Mailroom ${name} webhook has neither a secret nor allowedTopicArns, so it would accept ` +
        'SNS messages from any AWS account\'s topic. Set secret ("user:password", also in the SNS ' +
        "subscription URL) or allowedTopicArns; if accepting every topic is really intended, say so " +
        "with allowAnyTopic: true.",
    );
  }
  if (verifier === undefined) {
    logger.warn(`The Mailroom ${name} webhook does NOT verify SNS signatures (verifySignature: false)`, {
      webhook: name,
    });
  }
  if (secrets === undefined && allowedTopics === undefined) {
    logger.warn(
      `The Mailroom ${name} webhook accepts SNS messages from any AWS account's topic ` +
        "(allowAnyTopic: true, no secret, no allowedTopicArns).",
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
    // Once per (topic, token): a replayed confirmation must not make another AWS call.
    confirmSubscription: confirmOnce(
      options.confirmSubscription ??
        createConfirmSubscription({
          snsClientConfig: options.snsClientConfig,
          createSnsClient: options.createSnsClient,
        }),
    ),
    logger,
    dedupe: dedupeOption(options),
  };
}

/** SNS redelivers for up to an hour: remembering ids for less would let duplicates through. */
const MIN_DEDUPE_KEEP_MS = 3_600_000;

function dedupeOption(options: SnsWebhookOptions): WebhookDedupe | undefined {
  const { dedupe, dedupeLeaseMs = DEFAULT_DEDUPE_LEASE_MS, dedupeKeepMs = DEFAULT_DEDUPE_KEEP_MS } = options;
  if (dedupe === false) {
    return undefined;
  }
  if (
    dedupe !== undefined &&
    (typeof dedupe !== "object" || dedupe === null || typeof dedupe.claim !== "function")
  ) {
    throw new TypeError("dedupe must be a DedupeStore (claim, complete, release) or false");
  }
  if (!Number.isSafeInteger(dedupeLeaseMs) || dedupeLeaseMs <= 0) {
    throw new TypeError("dedupeLeaseMs must be a positive whole number of milliseconds");
  }
  if (!Number.isSafeInteger(dedupeKeepMs) || dedupeKeepMs < MIN_DEDUPE_KEEP_MS) {
    throw new TypeError(
      `dedupeKeepMs must be a whole number of milliseconds, at least ${MIN_DEDUPE_KEEP_MS} (SNS redelivers for up to an hour)`,
    );
  }
  return { store: dedupe ?? createMemoryDedupeStore(), leaseMs: dedupeLeaseMs, keepMs: dedupeKeepMs };
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
