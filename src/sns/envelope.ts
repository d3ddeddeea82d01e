/**
 * Turning an SNS HTTP body (or a Lambda `Records[].Sns` entry) into a typed {@link SnsEnvelope}.
 * Pure: no I/O, no signature check (see `createSnsVerifier`), every failure is a
 * `WebhookValidationError` with HTTP status 400 (SNS does not retry 4xx answers).
 *
 * @module
 */
import { WebhookValidationError } from "../errors";
import type { SnsEnvelope, SnsMessageAttribute, SnsMessageType } from "./types";

/**
 * The SNS request headers that `parseSnsEnvelope` cross-checks against the body.
 *
 * @example
 * ```ts
 * const headers: SnsEnvelopeHeaders = { messageType: req.headers.get("x-amz-sns-message-type") };
 * ```
 */
export interface SnsEnvelopeHeaders {
  /** `x-amz-sns-message-type`; when given, it must equal the body's `Type`. */
  messageType?: string | null;
  /** `x-amz-sns-message-id`; when given, it must equal the body's `MessageId`. */
  messageId?: string | null;
  /** `x-amz-sns-rawdelivery`; `"true"` means raw message delivery is on. */
  rawDelivery?: string | null;
}

/**
 * Options of {@link parseSnsEnvelope}.
 *
 * @example
 * ```ts
 * const options: SnsEnvelopeParseOptions = { requireSnsHeaders: true };
 * ```
 */
export interface SnsEnvelopeParseOptions {
  /**
   * Refuse a request without `x-amz-sns-message-type` or `x-amz-sns-message-id` (SNS always sends
   * both over HTTP). The webhooks turn this on; leave it off for envelopes that came without HTTP.
   */
  requireSnsHeaders?: boolean;
}

const COMMON_FIELDS = [
  "Type",
  "MessageId",
  "TopicArn",
  "Message",
  "Timestamp",
  "SignatureVersion",
  "Signature",
  "SigningCertURL",
] as const;
const REQUIRED_FIELDS: Record<SnsMessageType, readonly string[]> = {
  Notification: [...COMMON_FIELDS, "UnsubscribeURL"],
  SubscriptionConfirmation: [...COMMON_FIELDS, "Token", "SubscribeURL"],
  UnsubscribeConfirmation: [...COMMON_FIELDS, "Token", "SubscribeURL"],
};

// Keys found at the top level of SES sending events, receipt notifications and the setup
// notification: with raw message delivery on, SNS posts exactly that object with no envelope.
const SES_EVENT_KEYS = ["eventType", "notificationType", "mail", "receipt"];

// The fields SNS signs (see canonicalString). None but Message may hold a control character: the
// canonical string separates fields with "\n", so a line break in, say, MessageId could shift a
// signed Subject into it (changing the event id without breaking the signature), and anything
// logged from these fields must stay on one line.
const SIGNED_FIELDS = [
  "MessageId",
  "Subject",
  "Timestamp",
  "TopicArn",
  "Type",
  "SubscribeURL",
  "Token",
] as const;
// C0, DEL and C1 (NEL, U+0085, is a line break to some log viewers).
// eslint-disable-next-line no-control-regex -- the point is to find control characters
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// Message is free text (a SubscriptionConfirmation's has two lines): tab, LF and CR stay allowed.
// eslint-disable-next-line no-control-regex -- the point is to find control characters
const MESSAGE_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

const RAW_DELIVERY_MESSAGE =
  "This request is an SNS raw message delivery: it carries no SNS envelope and no signature, so it " +
  "cannot be verified. Turn raw message delivery OFF on the SNS subscription.";

/**
 * Parse and check the body of an SNS HTTP(S) POST.
 *
 * Checks: the body is a JSON object; raw message delivery is off; `Type` is one SNS sends; every
 * field that type requires is a string; no signed field holds a control character (Message may
 * hold tab, CR and LF); the `x-amz-sns-message-type` / `x-amz-sns-message-id` headers, when
 * given, match the body (a mismatch means a forged or misrouted request), and with
 * `requireSnsHeaders` both must be given. Unknown keys are dropped. The signature is NOT checked here.
 *
 * @throws WebhookValidationError (httpStatus 400) for anything malformed.
 * @example
 * ```ts
 * const envelope = parseSnsEnvelope(await request.text(), {
 *   messageType: request.headers.get("x-amz-sns-message-type"),
 *   messageId: request.headers.get("x-amz-sns-message-id"),
 *   rawDelivery: request.headers.get("x-amz-sns-rawdelivery"),
 * });
 * await verifier.verify(envelope);
 * ```
 */
export function parseSnsEnvelope(
  bodyText: string,
  headers: SnsEnvelopeHeaders = {},
  options: SnsEnvelopeParseOptions = {},
): SnsEnvelope {
  if (headers.rawDelivery?.trim().toLowerCase() === "true") {
    throw new WebhookValidationError(RAW_DELIVERY_MESSAGE);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch (cause) {
    throw new WebhookValidationError("SNS request body is malformed JSON", { cause });
  }
  if (!isPlainObject(parsed)) {
    throw new WebhookValidationError("SNS request body must be a JSON object");
  }
  if (!Object.hasOwn(parsed, "Type") && !Object.hasOwn(parsed, "Signature") && looksLikeSesEvent(parsed)) {
    throw new WebhookValidationError(RAW_DELIVERY_MESSAGE);
  }
  const envelope = envelopeFromObject(parsed);
  // Headers are checked after the body so the message can name what actually arrived.
  if (options.requireSnsHeaders === true) {
    if (headers.messageType == null) {
      throw new WebhookValidationError("The x-amz-sns-message-type header is missing (SNS always sends it)");
    }
    if (headers.messageId == null) {
      throw new WebhookValidationError("The x-amz-sns-message-id header is missing (SNS always sends it)");
    }
  }

  if (headers.messageType != null && headers.messageType !== envelope.Type) {
    throw new WebhookValidationError("x-amz-sns-message-type header does not match the body's Type");
  }
  if (headers.messageId != null && headers.messageId !== envelope.MessageId) {
    throw new WebhookValidationError("x-amz-sns-message-id header does not match the body's MessageId");
  }
  return envelope;
}

/** The spellings Lambda uses for URL fields ("Url" instead of SNS HTTP's "URL"). */
const LAMBDA_RENAMES: Record<string, string> = {
  SigningCertUrl: "SigningCertURL",
  UnsubscribeUrl: "UnsubscribeURL",
  SubscribeUrl: "SubscribeURL",
};

/**
 * Convert the `Sns` object of an SNS-triggered Lambda event record into the HTTP envelope shape,
 * so the same verifier works for both.
 *
 * Lambda spells `SigningCertUrl`/`UnsubscribeUrl`/`SubscribeUrl`, sends `Subject: null` when
 * there is none (the signed string then has no Subject), and reshapes `MessageAttributes`
 * (not signed anyway), which is therefore dropped.
 *
 * @throws WebhookValidationError (httpStatus 400) when required fields are missing.
 * @example
 * ```ts
 * export const handler = async (event: { Records: { Sns: Record<string, unknown> }[] }) => {
 *   for (const record of event.Records) {
 *     const envelope = lambdaRecordToEnvelope(record);
 *     await verifier.verify(envelope);
 *   }
 * };
 * ```
 */
export function lambdaRecordToEnvelope(record: { Sns: Record<string, unknown> }): SnsEnvelope {
  const sns: unknown = record.Sns;
  if (!isPlainObject(sns)) {
    throw new WebhookValidationError("Lambda SNS record has no Sns object");
  }
  const converted: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(sns)) {
    if (key === "MessageAttributes" || (key === "Subject" && value === null)) {
      continue;
    }
    const renamed = LAMBDA_RENAMES[key] ?? key;
    // Should both spellings be present, the HTTP spelling wins; the URL is policy-checked anyway.
    if (renamed !== key && Object.hasOwn(sns, renamed)) {
      continue;
    }
    converted[renamed] = value;
  }
  return envelopeFromObject(converted);
}

/** Build a typed envelope from a parsed object, copying only the fields SNS defines. */
function envelopeFromObject(body: Record<string, unknown>): SnsEnvelope {
  const type = body.Type;
  if (type === undefined) {
    throw new WebhookValidationError("SNS message has no Type");
  }
  if (!isMessageType(type)) {
    throw new WebhookValidationError("Unknown SNS message type");
  }
  for (const name of REQUIRED_FIELDS[type]) {
    if (!Object.hasOwn(body, name) || typeof body[name] !== "string") {
      throw new WebhookValidationError(`SNS ${type} is missing the string field ${name}`);
    }
  }
  // Every field read below was just checked to be an own string property. Written out in one
  // literal each, not `{ ...common, more }`: V8 builds a spread followed by more properties on a
  // slow path, and this runs on every request.
  if (type !== "Notification") {
    return checkControlCharacters({
      Type: type,
      MessageId: body.MessageId as string,
      TopicArn: body.TopicArn as string,
      Message: body.Message as string,
      Timestamp: body.Timestamp as string,
      SignatureVersion: body.SignatureVersion as string,
      Signature: body.Signature as string,
      SigningCertURL: body.SigningCertURL as string,
      Token: body.Token as string,
      SubscribeURL: body.SubscribeURL as string,
    });
  }
  const notification: SnsEnvelope = {
    Type: type,
    MessageId: body.MessageId as string,
    TopicArn: body.TopicArn as string,
    Message: body.Message as string,
    Timestamp: body.Timestamp as string,
    SignatureVersion: body.SignatureVersion as string,
    Signature: body.Signature as string,
    SigningCertURL: body.SigningCertURL as string,
    UnsubscribeURL: body.UnsubscribeURL as string,
  };
  if (Object.hasOwn(body, "Subject")) {
    // An empty Subject is still "present" and signed; only a missing one is left out.
    if (typeof body.Subject !== "string") {
      throw new WebhookValidationError("SNS Notification Subject must be a string");
    }
    notification.Subject = body.Subject;
  }
  if (Object.hasOwn(body, "MessageAttributes")) {
    notification.MessageAttributes = parseMessageAttributes(body.MessageAttributes);
  }
  return checkControlCharacters(notification);
}

/**
 * Refuse control characters in the fields SNS signs: none at all in `MessageId`, `Subject`,
 * `Timestamp`, `TopicArn`, `Type`, `SubscribeURL` and `Token`; none but tab, CR and LF in
 * `Message`.
 *
 * @throws WebhookValidationError (httpStatus 400) naming the field.
 * @returns `envelope`
 * @example
 * ```ts
 * checkControlCharacters(envelope); // throws for a MessageId of "1\nSubject\nHi"
 * ```
 */
export function checkControlCharacters<T extends SnsEnvelope>(envelope: T): T {
  checkSignedFieldControls(envelope);
  if (MESSAGE_CONTROL.test(envelope.Message)) {
    throw new WebhookValidationError(`SNS ${envelope.Type} field Message contains a control character`);
  }
  return envelope;
}

/**
 * The part of {@link checkControlCharacters} that keeps the canonical string unambiguous: no
 * control character in any signed field but `Message`. The verifier runs it on every envelope,
 * including those that did not come through this parser (`handleEnvelope`).
 *
 * @throws WebhookValidationError (httpStatus 400) naming the field.
 * @example
 * ```ts
 * checkSignedFieldControls(envelope);
 * ```
 */
export function checkSignedFieldControls(envelope: SnsEnvelope): void {
  const fields = envelope as unknown as Record<string, unknown>;
  for (const name of SIGNED_FIELDS) {
    const value = fields[name];
    if (typeof value === "string" && CONTROL.test(value)) {
      throw new WebhookValidationError(`SNS ${envelope.Type} field ${name} contains a control character`);
    }
  }
}

function parseMessageAttributes(value: unknown): Record<string, SnsMessageAttribute> {
  if (!isPlainObject(value)) {
    throw new WebhookValidationError("SNS MessageAttributes must be an object");
  }
  // A null-prototype map, so an attribute named "__proto__" stays plain data.
  const attributes: Record<string, SnsMessageAttribute> = Object.create(null) as Record<
    string,
    SnsMessageAttribute
  >;
  for (const [name, attribute] of Object.entries(value)) {
    if (
      !isPlainObject(attribute) ||
      typeof attribute.Type !== "string" ||
      typeof attribute.Value !== "string"
    ) {
      throw new WebhookValidationError("SNS MessageAttributes entries need string Type and Value");
    }
    attributes[name] = { Type: attribute.Type, Value: attribute.Value };
  }
  return attributes;
}

function isMessageType(value: unknown): value is SnsMessageType {
  return typeof value === "string" && Object.hasOwn(REQUIRED_FIELDS, value);
}

function looksLikeSesEvent(body: Record<string, unknown>): boolean {
  return SES_EVENT_KEYS.some((key) => Object.hasOwn(body, key));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
