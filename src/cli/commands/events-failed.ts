/**
 * `mailroom events failed` and `mailroom events retry`: the failed set of the queue-backed
 * tracking webhook (notifications whose `onEvent` kept failing), listed and put back in line.
 *
 * @module
 */
import { createEventQueue, type EventQueue, type FailedNotification } from "../../queue/event-queue";
import { COMMON_OPTIONS, parseCommandLine, positiveInteger } from "../args";
import { CliError, UsageError } from "../cli-error";
import type { CliCommand } from "../command";
import { ExitCode } from "../exit-codes";
import type { CliIo } from "../io";

const QUEUE_OPTIONS = {
  ...COMMON_OPTIONS,
  redis: { type: "string" },
  queue: { type: "string" },
  prefix: { type: "string" },
  json: { type: "boolean" },
} as const;

const REDIS_ENV = "REDIS_URL";
const DEFAULT_QUEUE = "mailroom-events";
/** A CLI run must end: an unreachable Redis is reported, not waited on for ever. */
const REDIS_TIMEOUT_MS = 10_000;

const QUEUE_FLAGS_HELP = `  --redis <url>              the queue's Redis (default: $${REDIS_ENV}); its password is never printed
  --queue <name>             the queue's name, as given to createEventQueue (default: ${DEFAULT_QUEUE})
  --prefix <prefix>          the BullMQ key prefix, if the queue has one
  --json                     print JSON`;

type QueueValues = { redis?: string | undefined; queue?: string | undefined; prefix?: string | undefined };

function openQueue(
  values: QueueValues,
  env: Readonly<Record<string, string | undefined>>,
  io: CliIo,
): EventQueue {
  const url = values.redis ?? env[REDIS_ENV];
  if (url === undefined || url === "") {
    throw new UsageError(`--redis is required (or set ${REDIS_ENV})`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError("--redis must be a redis:// or rediss:// URL");
  }
  if (parsed.password !== "") {
    io.redact(parsed.password);
    io.redact(decodeURIComponent(parsed.password));
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new UsageError("--redis must be a redis:// or rediss:// URL");
  }
  return createEventQueue({
    // Fail fast instead of reconnecting for ever: this is a one-shot command.
    redis: { url, connectTimeout: 5_000, maxRetriesPerRequest: 1, retryStrategy: () => null },
    name: values.queue ?? DEFAULT_QUEUE,
    prefix: values.prefix,
  });
}

async function withQueue<T>(queue: EventQueue, work: (queue: EventQueue) => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new CliError(`Redis did not answer within ${REDIS_TIMEOUT_MS / 1000} s`, ExitCode.failure)),
      REDIS_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([work(queue), timeout]);
  } catch (error) {
    if (error instanceof CliError) {
      throw error;
    }
    throw new CliError(`Redis: ${error instanceof Error ? error.message : String(error)}`, ExitCode.failure, {
      cause: error,
    });
  } finally {
    clearTimeout(timer);
    await queue.close().catch(() => undefined);
  }
}

/** Error texts come from the application's callback and may quote event data: no control characters. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, " ");
}

function failedJson(failed: FailedNotification): Record<string, unknown> {
  return {
    messageId: failed.messageId,
    attempts: failed.attempts,
    failedAt: failed.failedAt?.toISOString(),
    error: failed.error,
    topicArn: failed.notification.topicArn,
    timestamp: failed.notification.timestamp,
    message: failed.notification.message,
  };
}

const FAILED_HELP = `Usage: mailroom events failed [--redis <url>] [--queue <name>] [--limit <n>] [--offset <n>] [--json]

List the notifications of a queue-backed tracking webhook (amazonSesTrackingWebhook({ queue }))
whose onEvent kept failing until the queue ran out of attempts, newest first, with the queue's
counts. Retry them with: mailroom events retry.

Flags:
${QUEUE_FLAGS_HELP}
  --limit <n>                how many to list (default 100, at most 1000)
  --offset <n>               skip this many first

Exit codes: 0 listed (even none); 1 Redis failed; 2 invalid flags.

Example:
  mailroom events failed --redis redis://127.0.0.1:6379 --queue ses-tracking`;

/**
 * The `mailroom events failed` command.
 *
 * @example
 * ```ts
 * await eventsFailedCommand.run({ args: ["--redis", "redis://127.0.0.1:6379"], io, deps });
 * ```
 */
export const eventsFailedCommand: CliCommand = {
  path: ["events", "failed"],
  summary: "List the queue-backed webhook's notifications that ran out of attempts",
  help: FAILED_HELP,
  async run({ args, io, deps }) {
    const { values } = parseCommandLine(args, {
      ...QUEUE_OPTIONS,
      limit: { type: "string" },
      offset: { type: "string" },
    });
    const limit = positiveInteger(values.limit ?? "100", "--limit");
    if (limit > 1_000) {
      throw new UsageError("--limit must be at most 1000");
    }
    const offset = values.offset === undefined ? 0 : positiveInteger(values.offset, "--offset");
    const queue = openQueue(values, deps.env, io);
    const { failed, counts } = await withQueue(queue, async (q) => ({
      failed: await q.listFailed({ limit, offset }),
      counts: await q.counts(),
    }));
    if (values.json === true) {
      io.out(JSON.stringify({ queue: queue.name, counts, failed: failed.map(failedJson) }, null, 2));
      return ExitCode.ok;
    }
    io.out(
      `Queue ${queue.name}: ${counts.failed} failed, ${counts.waiting} waiting, ${counts.active} active, ` +
        `${counts.delayed} waiting for a retry, ${counts.completed} handled (kept for deduplication)`,
    );
    for (const item of failed) {
      io.out(
        `${item.messageId}  ${item.attempts} attempts  ${item.failedAt?.toISOString() ?? "-"}  ${printable(item.error)}`,
      );
    }
    if (failed.length > 0) {
      io.out(`Retry: mailroom events retry --queue ${queue.name} <messageId>… (or --all)`);
    }
    return ExitCode.ok;
  },
};

const RETRY_HELP = `Usage: mailroom events retry [--redis <url>] [--queue <name>] (--all | <messageId>…)

Put failed notifications of a queue-backed tracking webhook back in line, with fresh attempts.
Events of a notification that an earlier attempt already handled are not handled again.

Flags:
${QUEUE_FLAGS_HELP}
  --all                      retry every failed notification

Exit codes: 0 done; 1 Redis failed, or a given id is not in the failed set; 2 invalid flags.

Example:
  mailroom events retry --queue ses-tracking --all`;

/**
 * The `mailroom events retry` command.
 *
 * @example
 * ```ts
 * await eventsRetryCommand.run({ args: ["--all", "--redis", "redis://127.0.0.1:6379"], io, deps });
 * ```
 */
export const eventsRetryCommand: CliCommand = {
  path: ["events", "retry"],
  summary: "Retry failed notifications of the queue-backed webhook",
  help: RETRY_HELP,
  async run({ args, io, deps }) {
    const { values, positionals } = parseCommandLine(
      args,
      { ...QUEUE_OPTIONS, all: { type: "boolean" } },
      true,
    );
    const all = values.all === true;
    if (all === positionals.length > 0) {
      throw new UsageError("give the message ids to retry, or --all (not both)");
    }
    const queue = openQueue(values, deps.env, io);
    const retried = await withQueue(queue, (q) => q.retryFailed(all ? undefined : positionals));
    const missing = positionals.filter((id) => !retried.includes(id));
    if (values.json === true) {
      io.out(JSON.stringify({ queue: queue.name, retried, notFailed: missing }, null, 2));
    } else {
      io.out(`Retried ${retried.length} notification(s) of queue ${queue.name}`);
      for (const id of retried) {
        io.out(`  ${id}`);
      }
      for (const id of missing) {
        io.err(`Not in the failed set (already retried, handled, or unknown): ${printable(id)}`);
      }
    }
    return missing.length > 0 ? ExitCode.failure : ExitCode.ok;
  },
};
