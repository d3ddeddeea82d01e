/**
 * What happens to a parsed SNS envelope, whether it came over HTTP or straight to a Lambda
 * function: topic allow-list, signature verification, then dispatch on `Type`.
 *
 * @module
 */
import { WebhookValidationError } from "../errors";
import { parseTopicArn } from "../sns/cert-url-policy";
import type { SnsEnvelope, SnsNotification, SnsSubscriptionConfirmation } from "../sns/types";
import { runOnce, type RunOnceResult } from "../store/dedupe-run-once";
import { outcomeForError } from "./error-outcome";
import { logSafe } from "./log-safe";
import type { WebhookSettings } from "./settings";
import type { NotificationProcessor, WebhookOutcome } from "./types";

/**
 * How the envelope arrived.
 *
 * @example
 * ```ts
 * const context: EnvelopeContext = { authenticatedBySecret: settings.auth !== undefined };
 * ```
 */
export interface EnvelopeContext {
  /** True when a configured basic-auth secret matched (HTTP only; Lambda has no credentials). */
  authenticatedBySecret: boolean;
}

/**
 * SES publishes this text (not JSON) to a topic once, when the topic is set as an event
 * destination. It is not an event: the webhook acknowledges it with 200.
 *
 * @example
 * ```ts
 * if (envelope.Message === SES_SETUP_MESSAGE) return { status: 200, body: "ignored" };
 * ```
 */
export const SES_SETUP_MESSAGE = "Successfully validated SNS topic for Amazon SES event publishing.";

/**
 * Run one envelope through the allow-list, the signature check and the dispatch on its `Type`.
 * Never throws: errors become outcomes through the one error mapping (`outcomeForError`).
 *
 * @example
 * ```ts
 * const outcome = await processEnvelope(envelope, { authenticatedBySecret: false }, settings, process);
 * ```
 */
export async function processEnvelope(
  envelope: SnsEnvelope,
  context: EnvelopeContext,
  settings: WebhookSettings,
  processNotification: NotificationProcessor,
): Promise<WebhookOutcome> {
  try {
    if (settings.allowedTopics !== undefined && !settings.allowedTopics.has(envelope.TopicArn)) {
      throw new WebhookValidationError("TopicArn is not one of this webhook's allowedTopicArns", {
        httpStatus: 403,
      });
    }
    // Before anything reads the envelope's content: a forged message must never get further.
    await settings.verifier?.verify(envelope);
    switch (envelope.Type) {
      case "Notification":
        return await handleNotification(envelope, settings, processNotification);
      case "SubscriptionConfirmation":
        return await handleSubscription(envelope, context, settings);
      case "UnsubscribeConfirmation":
        // Its Token/SubscribeURL would subscribe the endpoint again: deliberately unused.
        settings.logger.warn("SNS unsubscribed this webhook from a topic; not re-subscribing", {
          topicArn: logSafe(envelope.TopicArn),
          messageId: logSafe(envelope.MessageId),
        });
        return { status: 200, body: "Unsubscribe confirmation ignored" };
    }
  } catch (error) {
    const details = { topicArn: envelope.TopicArn, messageId: envelope.MessageId, snsType: envelope.Type };
    return outcomeForError(error, details, settings.logger);
  }
}

async function handleNotification(
  envelope: SnsNotification,
  settings: WebhookSettings,
  processNotification: NotificationProcessor,
): Promise<WebhookOutcome> {
  let sesEvent: unknown;
  try {
    sesEvent = JSON.parse(envelope.Message);
  } catch (cause) {
    if (envelope.Message === SES_SETUP_MESSAGE) {
      return { status: 200, body: "SES topic validation message ignored" };
    }
    throw new WebhookValidationError("The SNS Message is not JSON", { cause });
  }
  const { dedupe } = settings;
  if (dedupe === undefined) {
    await processNotification(sesEvent, envelope);
    return { status: 200, body: "OK" };
  }
  // Claimed only now, after verification: a forged message must not be able to occupy an id.
  let ran = false;
  let result: RunOnceResult;
  try {
    result = await runOnce(
      dedupe.store,
      envelope.MessageId,
      () => {
        ran = true;
        return processNotification(sesEvent, envelope);
      },
      {
        leaseMs: dedupe.leaseMs,
        keepMs: dedupe.keepMs,
        onCompleteError: (error) =>
          settings.logger.error("Handled an SNS message but could not record it as handled", {
            topicArn: envelope.TopicArn,
            messageId: envelope.MessageId,
            error,
          }),
      },
    );
  } catch (error) {
    if (ran) {
      throw error;
    }
    // The store (Redis) is down: running without a claim could handle the message twice.
    settings.logger.error("The deduplication store failed; SNS will retry", {
      status: 503,
      topicArn: envelope.TopicArn,
      messageId: envelope.MessageId,
      error,
    });
    return { status: 503, body: "A dependency failed; retry later" };
  }
  switch (result) {
    case "handled":
      return { status: 200, body: "OK" };
    case "duplicate":
      return { status: 200, body: "Duplicate ignored" };
    case "in-flight":
      // 5xx so SNS retries: the other delivery may still fail, and then this one must run.
      return { status: 503, body: "Being handled by another delivery; retry later" };
  }
}

/**
 * Auto-confirm only what is both signed by SNS and authenticated as ours: a valid signature alone
 * proves only that SOME topic, maybe an attacker's, sent it.
 */
async function handleSubscription(
  envelope: SnsSubscriptionConfirmation,
  context: EnvelopeContext,
  settings: WebhookSettings,
): Promise<WebhookOutcome> {
  const topicArn = envelope.TopicArn;
  const refusal = subscriptionRefusal(topicArn, context, settings);
  if (refusal !== undefined) {
    const status = settings.autoConfirm ? 403 : 200;
    // The token lets the operator confirm by hand; it is not a credential of ours. Unverified
    // values (verifySignature: false) are made log-safe: they must not forge log lines.
    const topic = logSafe(topicArn);
    const token = logSafe(envelope.Token);
    settings.logger.warn(
      `Not confirming the SNS subscription to topic '${topic}': ${refusal}. If the topic is yours, ` +
        `confirm it by hand in the SNS console or with: aws sns confirm-subscription --topic-arn ` +
        `${topic} --token ${token} --authenticate-on-unsubscribe true`,
      { status, topicArn: topic, token, messageId: logSafe(envelope.MessageId) },
    );
    return { status, body: settings.autoConfirm ? "Subscription confirmation refused" : "Not confirmed" };
  }
  await settings.confirmSubscription(topicArn, envelope.Token, parseTopicArn(topicArn).region);
  return { status: 200, body: "Subscription confirmed" };
}

function subscriptionRefusal(
  topicArn: string,
  context: EnvelopeContext,
  settings: WebhookSettings,
): string | undefined {
  if (!settings.autoConfirm) {
    return "autoConfirm is off";
  }
  if (settings.verifier === undefined) {
    return "signature verification is off (verifySignature: false), so the sender is unproven";
  }
  if (!context.authenticatedBySecret && settings.allowedTopics?.has(topicArn) !== true) {
    return "the request is not authenticated (no secret in the subscription URL, and the topic is not in allowedTopicArns)";
  }
  return undefined;
}
