import type { BackendResult, MailerBackend, ReportedResponse, SendContext } from "./backend";
import {
  ConfigurationError,
  InvalidMessageError,
  RecipientsRefusedError,
  UnsupportedFeatureError,
} from "./errors";
import { normalizeMessage } from "./message/normalize";
import { applySendDefaults } from "./message/send-defaults";
import type { EmailMessage, NormalizedMessage } from "./message/types";
import { sendEach } from "./queue/send-many";
import type { SendManyOptions, SendManyResult } from "./queue/send-many";
import { makeSendStatus, statusForEveryRecipient } from "./send-status";
import type { RecipientStatus, RecipientStatusValue, SendStatus } from "./send-status";
import { filterSuppressed } from "./reputation/suppression-filter";
import type { SuppressionStore } from "./store/suppression-store";
import type { ReputationMonitor } from "./reputation/rate-monitor";
import { addUnsubscribeHeaders, checkUnsubscribeOptions } from "./reputation/unsubscribe-headers";
import type { UnsubscribeLinkOptions } from "./reputation/unsubscribe-headers";

/**
 * Passed to a pre-send hook.
 *
 * @example
 * ```ts
 * createMailer({ backend, preSend: (message, control) => (isBlocked(message) ? control.cancel("blocked") : message) });
 * ```
 */
export interface PreSendControl {
  /** Cancel this send: nothing is sent, and `send()` resolves with `cancelled: true`. */
  cancel(reason?: string): never;
}

/**
 * Runs before every send, after send defaults were applied. Return a changed message (or
 * nothing to keep it), or call `control.cancel()`.
 *
 * @example
 * ```ts
 * const stamp: PreSendHook = (message) => ({ ...message, metadata: { ...message.metadata, sentBy: "web" } });
 * ```
 */
export type PreSendHook = (
  message: EmailMessage,
  control: PreSendControl,
) => EmailMessage | undefined | Promise<EmailMessage | undefined>;

/**
 * Runs after every successful API call, before recipient statuses are checked.
 *
 * @example
 * ```ts
 * const audit: PostSendHook = (message, status) => log.info("sent", status.messageId);
 * ```
 */
export type PostSendHook = (message: EmailMessage, status: SendStatus) => void | Promise<void>;

/**
 * Where a mailer puts messages with `sendAt`: anything with `enqueue`, such as a queue from
 * `createMailQueue({ redis })` in `mailroom-ses/queue` (BullMQ on Redis, or `{ memory: true }` in-process).
 *
 * @example
 * ```ts
 * const scheduler: MailScheduler = { enqueue: async (message, { sendAt } = {}) => myJobs.add(message, sendAt) };
 * ```
 */
export interface MailScheduler {
  /** Persist the message (as given, before send defaults) to be sent at `sendAt`; returns the job id. */
  enqueue(message: EmailMessage, options?: { sendAt?: Date | undefined }): Promise<string>;
}

/**
 * Options of {@link createMailer}.
 *
 * @typeParam Backend - the backend's type; any backend (or a union of them) fits
 * @example
 * ```ts
 * createMailer({ backend: amazonSes(), sendDefaults: { from: "shop@example.com" }, queue: createMailQueue({ redis: url }) });
 * ```
 */
export interface MailerOptions<Backend extends MailerBackend = MailerBackend> {
  /** The ESP backend, e.g. `amazonSes({...})` from `mailroom-ses`. */
  backend: Backend;
  /** Defaults applied to every message, field by field (see SEND_DEFAULT_RULES). */
  sendDefaults?: EmailMessage | undefined;
  /** Drop what the ESP cannot express instead of throwing UnsupportedFeatureError. */
  ignoreUnsupportedFeatures?: boolean | undefined;
  /** Do not throw RecipientsRefusedError when every recipient was refused. */
  ignoreRecipientStatus?: boolean | undefined;
  /** Called before each send: may change the message, or cancel the send (`control.cancel()`). */
  preSend?: PreSendHook | undefined;
  /** Called after each send with its status (not for cancelled or scheduled sends). */
  postSend?: PostSendHook | undefined;
  /**
   * A queue for delayed sends. With one, `send()` of a message with `sendAt` validates it,
   * enqueues it as a delayed job and returns a status whose recipients are `scheduled`, with the
   * job id; without one, `sendAt` is an unsupported feature. Send defaults and hooks run when a
   * worker sends it.
   */
  queue?: MailScheduler | undefined;
  /**
   * A suppression list (`createMemorySuppressionStore()`, `createRedisSuppressionStore()`…).
   * Every recipient is checked before the ESP call: a suppressed one gets status `rejected` with
   * `suppressed: { reason, since… }` and is in no request; when none is left, no call is made.
   * Feed it from the tracking webhook's `suppression` option (docs/reputation.md).
   */
  suppression?: SuppressionStore | undefined;
  /**
   * A bounce/complaint rate monitor (`createReputationMonitor()`): accepted recipients are
   * counted, and while sending is paused `send()` throws SendingPausedError before any work
   * (a queue keeps the message and tries again later). See docs/reputation.md.
   */
  reputation?: ReputationMonitor | undefined;
  /**
   * Where one-click unsubscribe links point and how they are signed, for messages with
   * `unsubscribe` (RFC 8058 `List-Unsubscribe` + `List-Unsubscribe-Post`, one link per
   * recipient). See docs/reputation.md.
   */
  unsubscribe?: UnsubscribeLinkOptions | undefined;
}

/**
 * Sends normalized messages through one backend.
 *
 * @typeParam Response - the backend's raw response, as `SendStatus.response` carries it
 * @example
 * ```ts
 * const status = await mailer.send(message);
 * const results = await mailer.sendMany(messages, { concurrency: 8 });
 * ```
 */
export interface Mailer<Response = unknown> {
  /**
   * Send one message. With a `queue` and a `sendAt`, enqueue it instead: the status's recipients
   * are then `scheduled` and `jobId` names the job.
   *
   * @throws InvalidAddressError, InvalidMessageError, UnsupportedFeatureError before any I/O;
   *   ApiError when the ESP call fails; RecipientsRefusedError when every recipient was refused
   */
  send(message: EmailMessage): Promise<SendStatus<Response>>;
  /**
   * Send many messages with bounded concurrency (at the backend's rate limit, when it has one).
   * Never throws for one message: each gets a result, in input order. Stops promptly when SES
   * reports the daily quota exhausted (the rest come back `skipped`).
   */
  sendMany(messages: readonly EmailMessage[], options?: SendManyOptions): Promise<SendManyResult<Response>[]>;
  /** The backend's name, e.g. "Amazon SES". */
  readonly esp: string;
}

class CancelSignal {
  constructor(readonly reason: string | undefined) {}
}

const control: PreSendControl = {
  cancel(reason?: string): never {
    throw new CancelSignal(reason);
  },
};

function cancelledStatus<Response>(): SendStatus<Response> {
  return { ...makeSendStatus<Response>({}, undefined), cancelled: true };
}

/** Step 1: the pre-send hook may change the message or cancel the send. */
async function runPreSend(
  hook: PreSendHook | undefined,
  message: EmailMessage,
): Promise<EmailMessage | undefined> {
  if (hook === undefined) {
    return message;
  }
  try {
    return (await hook(message, control)) ?? message;
  } catch (err) {
    if (err instanceof CancelSignal) {
      return undefined;
    }
    throw err;
  }
}

function assertHasRecipients(message: NormalizedMessage): void {
  if (message.to.length + message.cc.length + message.bcc.length === 0) {
    throw new InvalidMessageError("The message has no recipients: set `to`, `cc` or `bcc`", "to");
  }
}

/**
 * Count the recipients SES accepted in the rate monitor. Best effort: the message is already
 * sent, so a store failure must not make the caller believe it was not (and send it again).
 */
async function countAccepted(
  monitor: ReputationMonitor,
  status: { recipients: Record<string, RecipientStatus> },
) {
  let accepted = 0;
  for (const recipient of Object.values(status.recipients)) {
    if (recipient.status === "queued" || recipient.status === "sent") {
      accepted += 1;
    }
  }
  await monitor.recordSent(accepted).catch(() => undefined);
}

/** Last step: refuse a send in which no recipient was accepted. */
function raiseForRecipientStatus(status: SendStatus<unknown>): void {
  const refused = [...status.statuses].every((value) => value === "rejected" || value === "invalid");
  if (refused) {
    throw new RecipientsRefusedError(status);
  }
}

/** A status with every recipient of the message in one state (scheduled, unknown). */
function statusFor<Response>(message: NormalizedMessage, status: RecipientStatusValue): SendStatus<Response> {
  return makeSendStatus<Response>(statusForEveryRecipient(message, status, undefined), undefined);
}

/**
 * Create a mailer. The send algorithm is the same for every backend: apply send defaults,
 * pre-send hook, validate, build the payload, call the API, parse statuses, post-send hook, and
 * raise when every recipient was refused.
 *
 * @example
 * ```ts
 * import { createMailer, amazonSes } from "mailroom-ses";
 *
 * const mailer = createMailer({
 *   backend: amazonSes({ region: "us-east-1" }),
 *   sendDefaults: { from: "Shop <shop@example.com>", metadata: { app: "shop" } },
 * });
 * const status = await mailer.send({ to: "alice@example.com", subject: "Hi", text: "Hello" });
 * const results = await mailer.sendMany(newsletter); // one result per message, in order
 *
 * // With a queue (mailroom-ses/queue), sendAt becomes a delayed job:
 * const queue = createMailQueue({ redis: "redis://127.0.0.1:6379" }); // or { memory: true }
 * const scheduling = createMailer({ backend: amazonSes({ region: "us-east-1" }), queue });
 * (await scheduling.send({ to: "alice@example.com", subject: "Later", sendAt: tomorrow })).jobId;
 * ```
 */
export function createMailer<Backend extends MailerBackend>(
  options: MailerOptions<Backend>,
): Mailer<ReportedResponse<Backend>> {
  type Response = ReportedResponse<Backend>;
  const { backend, sendDefaults } = options;
  if (backend === undefined || backend === null || typeof backend.buildPayload !== "function") {
    throw new ConfigurationError("createMailer needs a backend, e.g. amazonSes() from 'mailroom-ses'");
  }
  if (options.unsubscribe !== undefined) {
    checkUnsubscribeOptions(options.unsubscribe);
  }
  const context: SendContext = {
    unsupported(feature: string): void {
      if (!options.ignoreUnsupportedFeatures) {
        throw new UnsupportedFeatureError(feature, backend.name);
      }
    },
  };

  /** sendAt with a queue: validate now (so a bad message fails here, not later in a worker), enqueue. */
  async function schedule(queue: MailScheduler, input: EmailMessage, withDefaults: EmailMessage) {
    const normalized = normalizeMessage(withDefaults);
    assertHasRecipients(normalized);
    // Building the payload is pure; it catches what the backend would refuse (unsupported features).
    await backend.buildPayload({ ...normalized, sendAt: undefined }, context);
    const sendAt = normalized.sendAt;
    const jobId = await queue.enqueue(input, { sendAt });
    // No ESP call was made: `response` stays undefined; the job id has its own field.
    return { ...statusFor<Response>(normalized, "scheduled"), jobId };
  }

  async function send(input: EmailMessage): Promise<SendStatus<Response>> {
    const withDefaults = applySendDefaults(sendDefaults, input);
    if (options.queue !== undefined && withDefaults.sendAt !== undefined && withDefaults.sendAt !== null) {
      return schedule(options.queue, input, withDefaults);
    }
    const message = await runPreSend(options.preSend, withDefaults);
    if (message === undefined) {
      return cancelledStatus<Response>();
    }
    // Paused (rates too high, or by hand): refuse before any work; a queue keeps the message.
    await options.reputation?.assertSending();
    let normalized = normalizeMessage(message);
    assertHasRecipients(normalized);
    let suppressed: Record<string, RecipientStatus> = {};
    if (options.suppression !== undefined) {
      const filtered = await filterSuppressed(normalized, options.suppression);
      ({ message: normalized, rejected: suppressed } = filtered);
      if (!filtered.sendable) {
        // No API call was made, so no post-send hook; the all-refused rule still applies.
        const none = makeSendStatus<Response>(suppressed, undefined);
        if (!options.ignoreRecipientStatus) {
          raiseForRecipientStatus(none);
        }
        return none;
      }
    }
    normalized = addUnsubscribeHeaders(normalized, options.unsubscribe);
    const payload = await backend.buildPayload(normalized, context);
    const response = await backend.callApi(payload);
    // The backend's own type parameters are not visible here (any backend fits), so its result
    // is read as the response type the caller's backend type declares.
    const result = backend.parseResult(response, payload, normalized) as BackendResult<Response>;
    return finish(message, makeSendStatus({ ...result.recipients, ...suppressed }, result.response));
  }

  /** Post-send hook, then the all-refused rule. */
  async function finish(message: EmailMessage, status: SendStatus<Response>): Promise<SendStatus<Response>> {
    if (options.reputation !== undefined) {
      await countAccepted(options.reputation, status);
    }
    await options.postSend?.(message, status);
    if (!options.ignoreRecipientStatus) {
      raiseForRecipientStatus(status);
    }
    return status;
  }

  function unknownStatus(input: EmailMessage): SendStatus<Response> {
    try {
      return statusFor<Response>(normalizeMessage(applySendDefaults(sendDefaults, input)), "unknown");
    } catch {
      return makeSendStatus<Response>({}, undefined);
    }
  }

  return {
    send,
    sendMany: (messages, sendManyOptions = {}) => sendEach(messages, send, sendManyOptions, unknownStatus),
    esp: backend.name,
  };
}
