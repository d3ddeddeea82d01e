/**
 * What an SQS message body holds when SES events reach a queue: an SNS envelope (the default SNS
 * subscription), the bare SES event (SNS raw message delivery), or an EventBridge event (an
 * EventBridge rule with the queue as its target). PURE: no I/O, no signature check.
 *
 * @module
 */
import { WebhookValidationError } from "../errors";
import { parseSnsEnvelope } from "../sns/envelope";
import type { SnsEnvelope } from "../sns/types";
import { isEventBridgeEvent } from "./eventbridge-envelope";

/**
 * The three shapes of body, by where they came from.
 *
 * @example
 * ```ts
 * import type { SesBodyFormat } from "mailroom-ses";
 * const formats: SesBodyFormat[] = ["sns", "eventbridge"];
 * ```
 */
export type SesBodyFormat = "sns" | "raw" | "eventbridge";

/**
 * A classified body.
 *
 * @example
 * ```ts
 * declare const body: SqsBody;
 * if (body.format === "sns") console.log(body.envelope.MessageId);
 * ```
 */
export type SqsBody =
  | { format: "sns"; envelope: SnsEnvelope }
  | { format: "raw"; sesEvent: Record<string, unknown> }
  | { format: "eventbridge"; event: Record<string, unknown> };

const SES_KEYS = ["eventType", "notificationType"];

/**
 * Classify (and for SNS, parse) one SQS message body.
 *
 * @throws WebhookValidationError (400) when the body is not JSON, or is none of the three shapes.
 * @example
 * ```ts
 * const body = classifySqsBody('{"Type":"Notification", ...}');
 * ```
 */
export function classifySqsBody(text: string): SqsBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new WebhookValidationError("The SQS message body is not JSON", { cause });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new WebhookValidationError("The SQS message body is not a JSON object");
  }
  const record = parsed as Record<string, unknown>;
  if (typeof record.Type === "string" && typeof record.TopicArn === "string") {
    // Parsed again by the SNS layer, which owns the envelope rules (required fields per Type).
    return { format: "sns", envelope: parseSnsEnvelope(text) };
  }
  if (isEventBridgeEvent(record)) {
    return { format: "eventbridge", event: record };
  }
  if (SES_KEYS.some((key) => typeof record[key] === "string")) {
    return { format: "raw", sesEvent: record };
  }
  throw new WebhookValidationError(
    "The SQS message body is neither an SNS envelope, an EventBridge event nor an SES event",
  );
}
