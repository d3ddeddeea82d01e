/**
 * A tracking worker of the queue-backed webhook in a process of its own, for the crash test: its
 * onEvent says "started" and never returns, so the test can kill the process (SIGKILL) while it
 * holds the notification. Configured by environment variables.
 */
import { createEventQueue } from "../../src/queue/event-queue";
import { startTrackingWorker } from "../../src/ses/webhooks/tracking-queue";

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) {
    throw new Error(`event-queue-worker-child needs ${name}`);
  }
  return value;
};

const queue = createEventQueue({ redis: env("REDIS_URL"), name: env("QUEUE_NAME") });
const worker = startTrackingWorker({
  queue,
  lockDurationMs: 1_000,
  stalledIntervalMs: 500,
  onEvent: (event) => {
    process.stdout.write(`started ${event.recipient}\n`);
    return new Promise(() => undefined);
  },
});
void worker.ready().then(() => process.stdout.write("ready\n"));
