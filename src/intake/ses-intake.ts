/**
 * One SES event in, the application's callback run at most once, one verdict out: the part every
 * non-HTTP intake route shares (the SQS consumer, the SQS- and EventBridge-triggered Lambda
 * adapters, the EventBridge API-destination handler). SNS envelopes go through the webhook core's
 * own allow-list, signature verification and dispatch (`processEnvelope`); EventBridge events and
 * raw SES events are converted by the same converters as the webhooks.
 *
 * @module
 */
import { ConfigurationError } from "../errors";
import type { InboundEvent, TrackingEvent } from "../events";
import { sesReceivedToInboundEvent } from "../ses/webhooks/inbound";
import { createS3ObjectReader, type S3ObjectReaderOptions } from "../ses/webhooks/s3-object-reader";
import { trackingEventsOf, type SnsEnvelopeInfo } from "../ses/webhooks/tracking";
import type { SnsEnvelope } from "../sns/types";
import { createMemoryDedupeStore } from "../store/memory-dedupe-store";
import { invokeCallback } from "../webhook/callback";
import { outcomeForError } from "../webhook/error-outcome";
import { consoleLogger } from "../webhook/logger";
import { processEnvelope } from "../webhook/process-envelope";
import { resolveWebhookSettings, type WebhookSettings } from "../webhook/settings";
import type { SnsWebhookOptions, WebhookLogger } from "../webhook/types";
import {
  DEFAULT_DEDUPE_KEEP_MS,
  DEFAULT_DEDUPE_LEASE_MS,
  runOnce,
  type DedupeStore,
  type RunOnceResult,
} from "./effectively-once";
import { deriveSesEventId } from "./event-id";
import { parseEventBridgeEvent } from "./eventbridge-envelope";
import { classifySqsBody, type SesBodyFormat, type SqsBody } from "./sqs-body";

/**
 * What became of one message:
 * - `handled`: the callback ran and succeeded; `duplicate`: it had already run (dedupe);
 *   `ignored`: nothing to hand over (SES's topic-validation message, an unsubscribe confirmation,
 *   an `aws.ses` event that is not about an email). The message is done: delete it.
 * - `in-flight`: another delivery of the same event is running right now: retry later.
 * - `failed`: the callback threw, or AWS (S3, SNS) failed: retry later.
 * - `refused`: forged, malformed, of a format not accepted, or from a topic not allowed: retrying
 *   cannot help; on SQS it is left to the queue's redrive policy (dead-letter queue).
 *
 * @example
 * ```ts
 * import type { IntakeResult } from "mailroom-ses";
 * const done = (result: IntakeResult): boolean =>
 *   result.outcome === "handled" || result.outcome === "duplicate" || result.outcome === "ignored";
 * ```
 */
export type IntakeResult =
  | {
      /** What became of the message. */
      outcome: "handled" | "duplicate" | "in-flight";
      /** The id it was deduplicated on (SNS MessageId, EventBridge id, or derived). */
      eventId: string;
    }
  | {
      /** Nothing to hand over. */
      outcome: "ignored";
      /** What it was. */
      reason: string;
    }
  | {
      /** Retry later (`failed`) or never (`refused`). */
      outcome: "failed" | "refused";
      /** The HTTP status the webhook would have answered (4xx refused, 5xx failed). */
      status: number;
      /** A short reason, safe to log: no stack trace, no secret. */
      reason: string;
    };

/**
 * Options shared by every non-HTTP intake: which body formats are trusted, the SNS checks, and
 * deduplication.
 *
 * @example
 * ```ts
 * import type { SesIntakeCommonOptions } from "mailroom-ses";
 * const options: SesIntakeCommonOptions = {
 *   formats: ["sns"],
 *   allowedTopicArns: ["arn:aws:sns:eu-west-1:123456789012:ses-tracking"],
 * };
 * ```
 */
export interface SesIntakeCommonOptions extends Pick<
  SnsWebhookOptions,
  | "allowedTopicArns"
  | "allowAnyTopic"
  | "verifySignature"
  | "autoConfirm"
  | "snsClientConfig"
  | "createSnsClient"
  | "confirmSubscription"
> {
  /**
   * The body formats accepted; anything else is refused. Default `["sns"]`: signed SNS envelopes
   * only. Add `"raw"` for SNS raw message delivery and `"eventbridge"` for an EventBridge target:
   * neither is signed, so the queue policy (who may send to the queue) is then the trust boundary.
   */
  formats?: readonly SesBodyFormat[] | undefined;
  /**
   * Where handled event ids are remembered so a redelivered event is not handled twice. Default: a
   * store in memory (one process); share a Redis store between instances. `false` turns it off.
   */
  dedupe?: DedupeStore | false | undefined;
  /** How long a claim lasts while the callback runs (default 30 s): set it above your slowest callback. */
  dedupeLeaseMs?: number | undefined;
  /** How long a handled id is remembered (default 2 h): at least the queue's redelivery window. */
  dedupeKeepMs?: number | undefined;
  /** Where refusals and failures are reported; default `console`. */
  logger?: WebhookLogger | undefined;
}

/**
 * Options of an intake for tracking events.
 *
 * @example
 * ```ts
 * import type { TrackingIntakeOptions } from "mailroom-ses";
 * const options: TrackingIntakeOptions = { onEvent: (event) => console.log(event.eventType) };
 * ```
 */
export interface TrackingIntakeOptions extends SesIntakeCommonOptions {
  /** Called once per normalized tracking event, awaited, in order. Throwing means "retry later". */
  onEvent(event: TrackingEvent): unknown;
  /** Not for tracking: see {@link InboundIntakeOptions}. */
  onMessage?: undefined;
}

/**
 * Options of an intake for inbound mail (SES receipt rules).
 *
 * @example
 * ```ts
 * import type { InboundIntakeOptions } from "mailroom-ses";
 * const options: InboundIntakeOptions = { onMessage: ({ message }) => console.log(message.subject) };
 * ```
 */
export interface InboundIntakeOptions extends SesIntakeCommonOptions {
  /** Called once per received message, awaited. Throwing means "retry later". */
  onMessage(event: InboundEvent): unknown;
  /** Not for inbound: see {@link TrackingIntakeOptions}. */
  onEvent?: undefined;
  /** Reading messages an S3 receipt action stored (client or region, `maxBytes`). */
  s3?: S3ObjectReaderOptions | undefined;
}

/**
 * Options of {@link createSesIntake}: `onEvent` for tracking events, `onMessage` for inbound mail.
 *
 * @example
 * ```ts
 * import type { SesIntakeOptions } from "mailroom-ses";
 * const options: SesIntakeOptions = { formats: ["eventbridge"], onEvent: () => undefined };
 * ```
 */
export type SesIntakeOptions = TrackingIntakeOptions | InboundIntakeOptions;

/**
 * A ready intake; see {@link createSesIntake}. No method throws: every failure is a result.
 *
 * @example
 * ```ts
 * import { createSesIntake } from "mailroom-ses";
 * declare const sqsBody: string;
 * const intake = createSesIntake({ onEvent: (event) => console.log(event) });
 * const result = await intake.handleBody(sqsBody);
 * ```
 */
export interface SesIntake {
  /** Handle one SQS message body (SNS envelope, raw SES event or EventBridge event). */
  handleBody(body: string): Promise<IntakeResult>;
  /** Handle one EventBridge event (a Lambda target, or an API destination's parsed body). */
  handleEventBridgeEvent(event: unknown): Promise<IntakeResult>;
  /** The logger refusals and failures go to. */
  readonly logger: WebhookLogger;
}

/** Converts one SES record and runs the callbacks; `undefined` when there is nothing to run. */
type Deliver = (sesEvent: unknown, info: SnsEnvelopeInfo) => Promise<(() => Promise<void>) | undefined>;

interface IntakeCore {
  settings: WebhookSettings;
  formats: ReadonlySet<SesBodyFormat>;
  dedupe: DedupeStore | undefined;
  leaseMs: number;
  keepMs: number;
  deliver: Deliver;
}

const ACCEPTED_FORMATS: readonly SesBodyFormat[] = ["sns", "raw", "eventbridge"];

/**
 * Create the intake behind the SQS consumer and the Lambda and EventBridge adapters. Options are
 * checked once; the SNS verifier, S3 reader and dedupe store live as long as the intake.
 *
 * @throws TypeError when no callback (or both) is given, or an option is invalid.
 * @throws ConfigurationError when SNS envelopes are accepted without `allowedTopicArns` (or an
 *   explicit `allowAnyTopic: true`).
 * @example
 * ```ts
 * import { createSesIntake } from "mailroom-ses";
 *
 * const intake = createSesIntake({
 *   formats: ["sns", "eventbridge"],
 *   allowedTopicArns: ["arn:aws:sns:eu-west-1:123456789012:ses-tracking"],
 *   onEvent: async (event) => {
 *     if (event.eventType === "bounced") console.log("suppress", event.recipient);
 *   },
 * });
 * ```
 */
export function createSesIntake(options: SesIntakeOptions): SesIntake {
  const core = resolveIntake(options);
  return {
    logger: core.settings.logger,
    handleBody: (body) => handleBody(core, body),
    handleEventBridgeEvent: (event) => handleEventBridge(core, event),
  };
}

function resolveIntake(options: SesIntakeOptions): IntakeCore {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("createSesIntake: options must be an object");
  }
  const formats = formatsOption(options.formats);
  const logger = options.logger ?? consoleLogger;
  const acceptsSns = formats.has("sns");
  if (acceptsSns && options.allowedTopicArns === undefined && options.allowAnyTopic !== true) {
    // Fail closed, as the webhooks do; there is no basic-auth secret on this path to lean on.
    throw new ConfigurationError(
      "An SES intake that accepts SNS envelopes needs allowedTopicArns (your SES topics): a valid " +
        "signature only proves that SOME topic, maybe another account's, sent the message. If " +
        "accepting every topic is really intended (the queue policy restricts senders), say so " +
        "with allowAnyTopic: true.",
    );
  }
  // Only the SNS path has signatures to check and topics to allow-list. Without it the settings
  // are built for their other parts only, and their warnings about SNS would be noise.
  const settings = resolveWebhookSettings(
    {
      ...options,
      // No basic auth on this path: a secret must not count as authentication.
      secret: undefined,
      ...(acceptsSns ? {} : { allowedTopicArns: ["-"], allowAnyTopic: false, verifySignature: false }),
      // Claims are made here, for every format alike (the SNS path's included), not by the core.
      dedupe: false,
      logger: acceptsSns ? logger : { warn: () => undefined, error: (m, d) => logger.error(m, d) },
    },
    "SQS/EventBridge intake",
  );
  return {
    settings: { ...settings, logger },
    formats,
    dedupe: dedupeOption(options.dedupe),
    leaseMs: durationOption(options.dedupeLeaseMs, "dedupeLeaseMs", DEFAULT_DEDUPE_LEASE_MS),
    keepMs: durationOption(options.dedupeKeepMs, "dedupeKeepMs", DEFAULT_DEDUPE_KEEP_MS),
    deliver: deliverOption(options),
  };
}

function deliverOption(options: SesIntakeOptions): Deliver {
  const { onEvent, onMessage } = options;
  if (onEvent !== undefined && onMessage !== undefined) {
    throw new TypeError("createSesIntake: give onEvent (tracking) or onMessage (inbound), not both");
  }
  if (typeof onEvent === "function") {
    const logger = options.logger ?? consoleLogger;
    return async (sesEvent, info) => {
      // Validated in full first: a malformed event is refused before the application sees any of it.
      const events = trackingEventsOf(sesEvent, info);
      for (const reason of events.dropped) {
        logger.warn(`A tracking event's header value was left out: ${reason}`, { eventId: info.messageId });
      }
      return async () => {
        for (const event of events) {
          await invokeCallback(() => onEvent.call(options, event));
        }
      };
    };
  }
  if (typeof onMessage === "function") {
    const reader = createS3ObjectReader((options as InboundIntakeOptions).s3);
    return async (sesEvent, info) => {
      const event = await sesReceivedToInboundEvent(sesEvent, info, reader);
      // undefined: SES's setup notification for a new S3 action, acknowledged and not passed on.
      return event === undefined ? undefined : () => invokeCallback(() => onMessage.call(options, event));
    };
  }
  throw new TypeError("createSesIntake: onEvent (tracking) or onMessage (inbound) must be a function");
}

function formatsOption(value: readonly SesBodyFormat[] | undefined): ReadonlySet<SesBodyFormat> {
  if (value === undefined) {
    return new Set(["sns"]);
  }
  if (!Array.isArray(value) || value.length === 0 || value.some((f) => !ACCEPTED_FORMATS.includes(f))) {
    throw new TypeError(`formats must be a non-empty array of ${ACCEPTED_FORMATS.join(", ")}`);
  }
  return new Set(value);
}

function dedupeOption(value: DedupeStore | false | undefined): DedupeStore | undefined {
  if (value === false) {
    return undefined;
  }
  if (value === undefined) {
    return createMemoryDedupeStore();
  }
  if (typeof value.claim !== "function" || typeof value.complete !== "function") {
    throw new TypeError("dedupe must be a DedupeStore (claim, complete, release) or false");
  }
  return value;
}

function durationOption(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) {
    return fallback;
  }
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(`${name} must be a positive whole number of milliseconds`);
  }
  return value;
}

/** Run the callbacks at most once per id; without a store, every delivery runs them. */
async function once(core: IntakeCore, id: string, run: () => Promise<void>): Promise<RunOnceResult> {
  if (core.dedupe === undefined) {
    await run();
    return "handled";
  }
  return runOnce(core.dedupe, id, run, {
    leaseMs: core.leaseMs,
    keepMs: core.keepMs,
    onCompleteError: (error) =>
      core.settings.logger.error("The dedupe store failed to record a handled event", { eventId: id, error }),
  });
}

async function handleBody(core: IntakeCore, text: string): Promise<IntakeResult> {
  let body: SqsBody;
  try {
    body = classifySqsBody(text);
  } catch (error) {
    return resultForError(core, error, {});
  }
  if (!core.formats.has(body.format)) {
    const reason = `${body.format} bodies are not accepted (formats: ${[...core.formats].join(", ")})`;
    core.settings.logger.warn(`SES intake refused a message: ${reason}`, { status: 403 });
    return { outcome: "refused", status: 403, reason };
  }
  switch (body.format) {
    case "sns":
      return handleSnsEnvelope(core, body.envelope);
    case "eventbridge":
      return handleEventBridge(core, body.event);
    case "raw":
      return handleRaw(core, body.sesEvent);
  }
}

async function handleSnsEnvelope(core: IntakeCore, envelope: SnsEnvelope): Promise<IntakeResult> {
  let result: IntakeResult | undefined;
  const outcome = await processEnvelope(
    envelope,
    { authenticatedBySecret: false },
    core.settings,
    async (sesEvent, notification) => {
      const run = await core.deliver(sesEvent, {
        messageId: notification.MessageId,
        timestamp: notification.Timestamp,
        topicArn: notification.TopicArn,
      });
      result =
        run === undefined
          ? { outcome: "ignored", reason: "SES setup notification" }
          : { outcome: await once(core, notification.MessageId, run), eventId: notification.MessageId };
    },
  );
  if (outcome.status >= 500) {
    return { outcome: "failed", status: outcome.status, reason: outcome.body };
  }
  if (outcome.status >= 400) {
    return { outcome: "refused", status: outcome.status, reason: outcome.body };
  }
  return result ?? { outcome: "ignored", reason: outcome.body };
}

async function handleEventBridge(core: IntakeCore, value: unknown): Promise<IntakeResult> {
  try {
    const parsed = parseEventBridgeEvent(value);
    if (parsed.kind === "other") {
      return { outcome: "ignored", reason: `not an email event: ${parsed.detailType}` };
    }
    const run = await core.deliver(parsed.sesEvent, { messageId: parsed.id, timestamp: parsed.time });
    if (run === undefined) {
      return { outcome: "ignored", reason: "SES setup notification" };
    }
    return { outcome: await once(core, parsed.id, run), eventId: parsed.id };
  } catch (error) {
    const id = (value as { id?: unknown } | null)?.id;
    return resultForError(core, error, { messageId: typeof id === "string" ? id : undefined });
  }
}

async function handleRaw(core: IntakeCore, sesEvent: Record<string, unknown>): Promise<IntakeResult> {
  try {
    // No envelope: the id and the time come from the SES event itself.
    const id = deriveSesEventId(sesEvent);
    const run = await core.deliver(sesEvent, { messageId: id, timestamp: ownTimestamp(sesEvent) });
    if (run === undefined) {
      return { outcome: "ignored", reason: "SES setup notification" };
    }
    return { outcome: await once(core, id, run), eventId: id };
  } catch (error) {
    return resultForError(core, error, {});
  }
}

/** The time of the event itself (`bounce.timestamp`…), else of the mail. */
function ownTimestamp(sesEvent: Record<string, unknown>): string | undefined {
  for (const value of Object.values(sesEvent)) {
    const timestamp = (value as { timestamp?: unknown } | null)?.timestamp;
    if (value !== sesEvent.mail && typeof timestamp === "string") {
      return timestamp;
    }
  }
  const mailTimestamp = (sesEvent.mail as { timestamp?: unknown } | undefined)?.timestamp;
  return typeof mailTimestamp === "string" ? mailTimestamp : undefined;
}

function resultForError(
  core: IntakeCore,
  error: unknown,
  context: { messageId?: string | undefined },
): IntakeResult {
  // The one error mapping (and its logging): 4xx refused, 5xx retried.
  const outcome = outcomeForError(error, context, core.settings.logger);
  return outcome.status >= 500
    ? { outcome: "failed", status: outcome.status, reason: outcome.body }
    : { outcome: "refused", status: outcome.status, reason: outcome.body };
}
