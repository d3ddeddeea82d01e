/**
 * The worker side of the queue-backed tracking webhook: turn each queued SNS notification back
 * into normalized {@link TrackingEvent}s and hand them to the application, skipping on a retry
 * the events an earlier attempt already handled.
 *
 * @module
 */
import type { TrackingEvent } from "../../events";
import type {
  EventQueue,
  EventWorker,
  EventWorkerOptions,
  NotificationHandler,
} from "../../queue/event-queue";
import type { WebhookLogger } from "../../webhook/types";
import { trackingEventsOf } from "./tracking";

/**
 * Options of {@link startTrackingWorker}.
 *
 * @example
 * ```ts
 * import { createEventQueue } from "mailroom-ses/queue";
 * import type { TrackingWorkerOptions } from "mailroom-ses";
 *
 * const options: TrackingWorkerOptions = {
 *   queue: createEventQueue({ redis: "redis://127.0.0.1:6379", name: "ses-tracking" }),
 *   onEvent: (event) => console.log(event.eventType),
 * };
 * ```
 */
export interface TrackingWorkerOptions extends EventWorkerOptions {
  /** The queue the tracking webhook stores notifications in. */
  queue: EventQueue;
  /** Called once per normalized event, in order; throwing retries the notification later. */
  onEvent(event: TrackingEvent): unknown;
  /** Runs before `onEvent` for each event (the suppression feed). */
  beforeEvent?: ((event: TrackingEvent) => unknown) | undefined;
  /** Where left-out header values are reported; default `console`. */
  logger?: WebhookLogger | undefined;
}

/**
 * The handler a tracking worker runs for one queued notification.
 *
 * @example
 * ```ts
 * const handler = trackingNotificationHandler({ onEvent: (event) => console.log(event.eventType) });
 * ```
 */
export function trackingNotificationHandler(
  options: Pick<TrackingWorkerOptions, "onEvent" | "beforeEvent" | "logger">,
): NotificationHandler {
  return async (notification, attempt) => {
    const events = trackingEventsOf(JSON.parse(notification.message), {
      messageId: notification.messageId,
      timestamp: notification.timestamp,
      topicArn: notification.topicArn,
    });
    if (attempt.number === 1) {
      for (const reason of events.dropped) {
        options.logger?.warn(`A tracking event's header value was left out: ${reason}`, {
          topicArn: notification.topicArn,
          messageId: notification.messageId,
        });
      }
    }
    let index = 0;
    for (const event of events) {
      index += 1;
      if (index <= attempt.done) {
        continue;
      }
      await options.beforeEvent?.(event);
      await options.onEvent(event);
      // Recorded before the next event runs, so a retry starts after it; the last one needs no
      // record: the notification completes with it.
      if (index < events.size) {
        await attempt.markDone(index);
      }
    }
  };
}

/**
 * Start a worker for the queue-backed tracking webhook in this process: each notification the
 * webhook stored is turned into events and handed to `onEvent`, with the queue's retries and
 * backoff; what keeps failing ends in the queue's failed set. Run it where the webhook runs (the
 * webhook starts one itself unless `queueWorker: false`) or in separate worker processes.
 *
 * @example
 * ```ts
 * import { startTrackingWorker } from "mailroom-ses";
 * import { createEventQueue } from "mailroom-ses/queue";
 *
 * const queue = createEventQueue({ redis: process.env.REDIS_URL ?? "redis://127.0.0.1:6379", name: "ses-tracking" });
 * startTrackingWorker({ queue, concurrency: 8, onEvent: (event) => console.log(event.eventType, event.recipient) });
 * process.on("SIGTERM", () => void queue.close());
 * ```
 */
export function startTrackingWorker(options: TrackingWorkerOptions): EventWorker {
  if (typeof options?.onEvent !== "function") {
    throw new TypeError("startTrackingWorker: onEvent must be a function");
  }
  const { queue, onEvent, beforeEvent, logger, ...workerOptions } = options;
  return queue.work(trackingNotificationHandler({ onEvent, beforeEvent, logger }), workerOptions);
}
