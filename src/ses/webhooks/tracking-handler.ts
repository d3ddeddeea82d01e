/**
 * The Amazon SES tracking webhook: SES sending events (bounces, deliveries, opens…) published
 * to SNS, delivered to the application one normalized {@link TrackingEvent} at a time.
 *
 * @module
 */
import type { TrackingEvent } from "../../events";
import { invokeCallback } from "../../webhook/callback";
import { createSnsWebhook } from "../../webhook/handler";
import { consoleLogger } from "../../webhook/logger";
import type { SnsWebhookHandler, SnsWebhookOptions } from "../../webhook/types";
import type { EventQueue, EventWorkerOptions } from "../../queue/event-queue";
import { createSuppressionFeed } from "../../reputation/suppression-feed";
import type { SuppressionFeedOptions } from "../../reputation/suppression-feed";
import type { SuppressionStore } from "../../store/suppression-store";
import type { ReputationMonitor } from "../../reputation/rate-monitor";
import { trackingEventsOf } from "./tracking";
import { startTrackingWorker } from "./tracking-queue";

/**
 * Options of {@link amazonSesTrackingWebhook}: the shared SNS webhook options plus `onEvent`.
 *
 * @example
 * ```ts
 * const options: AmazonSesTrackingWebhookOptions = {
 *   secret: process.env.MAILROOM_WEBHOOK_SECRET,
 *   onEvent: async (event) => { await db.events.insert(event); },
 * };
 * ```
 */
export interface AmazonSesTrackingWebhookOptions extends SnsWebhookOptions {
  /**
   * Called once per normalized event, awaited, in order (a bounce of two recipients gives two
   * calls). Throwing makes the webhook answer 500, so SNS delivers the whole notification again
   * (the events before the one that threw included). Redeliveries of a handled notification are
   * dropped by the `dedupe` store; see docs/tracking.md, "Delivery guarantees".
   */
  onEvent(event: TrackingEvent): unknown;
  /**
   * Keep a suppression list current from these events (hard bounces and complaints add, a
   * `not-spam` complaint removes, optional transient-bounce policy): a store, or the feed's
   * options. Applied to each event before `onEvent`; a store failure answers 500 so SNS retries.
   */
  suppression?: SuppressionStore | SuppressionFeedOptions | undefined;
  /**
   * A rate monitor (`createReputationMonitor()`) to count hard bounces and complaints in, and
   * check against its thresholds (alerts, automatic pause). Applied before `onEvent`.
   */
  reputation?: ReputationMonitor | undefined;
  /**
   * Acknowledge fast, process later: each verified notification is stored in this durable queue
   * (`createEventQueue` from `mailroom-ses/queue`) and answered 200 once stored; a worker runs
   * `onEvent` with retries and backoff, and notifications that keep failing stay in the queue's
   * failed set (`queue.listFailed()`, `queue.retryFailed()`, `mailroom events failed`).
   */
  queue?: EventQueue | undefined;
  /**
   * With `queue`: the worker this handler starts in its own process (its options), or `false`
   * when workers run elsewhere (`startTrackingWorker`). `queue.close()` stops it.
   */
  queueWorker?: false | EventWorkerOptions | undefined;
}

function suppressionFeed(
  option: SuppressionStore | SuppressionFeedOptions | undefined,
): ((event: TrackingEvent) => Promise<unknown>) | undefined {
  if (option === undefined) {
    return undefined;
  }
  return createSuppressionFeed("store" in option ? option : { store: option });
}

/** Both reputation steps, in order, as one step before `onEvent`. */
function withReputation(
  feed: ((event: TrackingEvent) => Promise<unknown>) | undefined,
  monitor: ReputationMonitor | undefined,
): ((event: TrackingEvent) => Promise<unknown>) | undefined {
  if (monitor === undefined) {
    return feed;
  }
  return async (event) => {
    await feed?.(event);
    await monitor.recordEvent(event);
  };
}

/**
 * Create the SES tracking webhook: a Fetch handler `(request) => Promise<Response>` for the HTTPS
 * subscription of the SNS topic your configuration set (or identity notifications) publish to.
 * SNS signatures are verified by default; see docs/tracking.md and docs/security.md.
 *
 * The returned function also has `handleEnvelope(envelope)`, the entry point of the
 * SNS-triggered Lambda path (`toLambdaHandler` in `mailroom-ses/lambda` uses it).
 *
 * @throws TypeError when `onEvent` is missing or another option is invalid.
 * @example
 * ```ts
 * import { amazonSesTrackingWebhook } from "mailroom-ses";
 * import { toExpress } from "mailroom-ses/express";
 *
 * const tracking = amazonSesTrackingWebhook({
 *   secret: process.env.MAILROOM_WEBHOOK_SECRET, // "user:password", also in the SNS subscription URL
 *   allowedTopicArns: ["arn:aws:sns:us-east-1:123456789012:ses-events"],
 *   onEvent: async (event) => {
 *     if (event.eventType === "bounced") await suppress(event.recipient);
 *   },
 * });
 * app.all("/mailroom/ses/tracking", toExpress(tracking));
 * ```
 */
export function amazonSesTrackingWebhook(options: AmazonSesTrackingWebhookOptions): SnsWebhookHandler {
  const onEvent = options?.onEvent;
  if (typeof onEvent !== "function") {
    throw new TypeError("amazonSesTrackingWebhook: onEvent must be a function");
  }
  const logger = options.logger ?? consoleLogger;
  const feed = withReputation(suppressionFeed(options.suppression), options.reputation);
  const queue = options.queue;
  if (queue !== undefined) {
    if (typeof queue?.add !== "function" || typeof queue.work !== "function") {
      throw new TypeError("amazonSesTrackingWebhook: queue must be an EventQueue (createEventQueue)");
    }
    const webhook = createSnsWebhook(options, "tracking", async (sesEvent, envelope) => {
      // Validated before it is stored: a malformed event is refused now (400), not retried later.
      trackingEventsOf(sesEvent, {
        messageId: envelope.MessageId,
        timestamp: envelope.Timestamp,
        topicArn: envelope.TopicArn,
      });
      await queue.add({
        messageId: envelope.MessageId,
        timestamp: envelope.Timestamp,
        topicArn: envelope.TopicArn,
        message: envelope.Message,
      });
    });
    if (options.queueWorker !== false) {
      startTrackingWorker({
        onError: (error, notification) =>
          logger.error("A queued tracking notification failed; the queue retries it", {
            topicArn: notification?.topicArn,
            messageId: notification?.messageId,
            error,
          }),
        ...options.queueWorker,
        queue,
        onEvent: (event) => onEvent.call(options, event),
        beforeEvent: feed,
        logger,
      });
    }
    return webhook;
  }
  return createSnsWebhook(options, "tracking", async (sesEvent, envelope) => {
    // Validated in full here, so a malformed event is refused before the application sees any
    // of it; the events themselves are built one at a time, as onEvent takes them.
    const events = trackingEventsOf(sesEvent, {
      messageId: envelope.MessageId,
      timestamp: envelope.Timestamp,
      topicArn: envelope.TopicArn,
    });
    for (const reason of events.dropped) {
      logger.warn(`A tracking event's header value was left out: ${reason}`, {
        topicArn: envelope.TopicArn,
        messageId: envelope.MessageId,
      });
    }
    for (const event of events) {
      if (feed !== undefined) {
        await invokeCallback(() => feed(event));
      }
      await invokeCallback(() => onEvent.call(options, event));
    }
  });
}
