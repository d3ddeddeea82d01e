/**
 * One `events parse` body → normalized tracking events. Accepts what people paste: an SNS HTTP
 * body, an SNS-triggered Lambda event (`Records[].Sns`), or a bare SES event (the SNS `Message`,
 * e.g. from raw delivery or an SQS queue).
 *
 * @module
 */
import { ConfigurationError } from "../../errors";
import type { TrackingEvent } from "../../events";
import { sesEventToTrackingEvents } from "../../ses/webhooks/tracking";
import { lambdaRecordToEnvelope, parseSnsEnvelope } from "../../sns/envelope";
import type { SnsEnvelope } from "../../sns/types";
import type { SnsVerifier } from "../../sns/verify";

/**
 * What one body produced: events, or a reason it was skipped (not an error).
 *
 * @example
 * ```ts
 * const { events, skipped } = await bodyToEvents(body, undefined);
 * ```
 */
export interface BodyEvents {
  events: TrackingEvent[];
  skipped: string[];
}

const SETUP_MESSAGE = "Successfully validated SNS topic for Amazon SES event publishing.";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Convert one parsed body. With a verifier, every SNS envelope must carry a valid signature.
 *
 * @throws Error (WebhookValidationError, ConfigurationError…) when the body is unusable.
 * @example
 * ```ts
 * const { events } = await bodyToEvents(JSON.parse(snsBody), createSnsVerifier());
 * ```
 */
export async function bodyToEvents(body: unknown, verifier: SnsVerifier | undefined): Promise<BodyEvents> {
  if (!isRecord(body)) {
    throw new Error("not a JSON object");
  }
  if (Array.isArray(body.Records)) {
    const result: BodyEvents = { events: [], skipped: [] };
    for (const record of body.Records) {
      const envelope = lambdaRecordToEnvelope(
        isRecord(record) ? (record as { Sns: Record<string, unknown> }) : { Sns: {} },
      );
      const one = await envelopeToEvents(envelope, verifier);
      result.events.push(...one.events);
      result.skipped.push(...one.skipped);
    }
    return result;
  }
  if (!Object.hasOwn(body, "Type") && ("eventType" in body || "notificationType" in body)) {
    if (verifier !== undefined) {
      throw new Error("a bare SES event has no SNS signature to verify (drop --verify to parse it)");
    }
    return { events: convert(body, {}), skipped: [] };
  }
  return envelopeToEvents(parseSnsEnvelope(JSON.stringify(body)), verifier);
}

async function envelopeToEvents(
  envelope: SnsEnvelope,
  verifier: SnsVerifier | undefined,
): Promise<BodyEvents> {
  await verifier?.verify(envelope);
  if (envelope.Type !== "Notification") {
    return { events: [], skipped: [`${envelope.Type} (no events in it)`] };
  }
  let message: unknown;
  try {
    message = JSON.parse(envelope.Message);
  } catch {
    if (envelope.Message.trim() === SETUP_MESSAGE) {
      return { events: [], skipped: ["the SES setup message (no events in it)"] };
    }
    throw new Error("the SNS Message is not JSON");
  }
  const info = { messageId: envelope.MessageId, timestamp: envelope.Timestamp, topicArn: envelope.TopicArn };
  return { events: convert(message, info), skipped: [] };
}

function convert(message: unknown, info: Parameters<typeof sesEventToTrackingEvents>[1]): TrackingEvent[] {
  try {
    return sesEventToTrackingEvents(message, info);
  } catch (err) {
    if (err instanceof ConfigurationError) {
      // The converter's text is written for a webhook; here the input is simply of the other kind.
      throw new Error("an inbound (Received) notification, not a tracking event", { cause: err });
    }
    throw err;
  }
}

/**
 * The JSON-lines form of an event: every field present (undefined → null), `raw` only on request.
 *
 * @example
 * ```ts
 * io.out(JSON.stringify(eventJson(event, false)));
 * ```
 */
export function eventJson(event: TrackingEvent, includeRaw: boolean): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (key === "raw" && !includeRaw) {
      continue;
    }
    result[key] = value === undefined ? null : value;
  }
  return result;
}
