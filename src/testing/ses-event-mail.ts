/**
 * The `mail` object of the SES events the test kit builds: the message an event is about, with
 * the original headers SES echoes (so tags and metadata come back as they do in production).
 *
 * @module
 */
import { randomBytes, randomUUID } from "node:crypto";

import type { MessageHeader } from "@aws-sdk/client-sesv2";

import type { JsonValue } from "../message/types";
import { apiHeader } from "../ses/payload/api-header";
import { toAsciiJson } from "../ses/payload/metadata-json";
import { decodeEncodedWords } from "../ses/webhooks/encoded-words";
import type { SesCommonHeaders, SesHeader, SesMail } from "../ses/webhooks/tracking-types";
import type { OutboxEntry } from "./memory-backend";
import { headerValue, readHeaderBlock } from "./mime-header-block";

/**
 * The AWS account of the events the builders make up (AWS's documentation account).
 *
 * @example
 * ```ts
 * const topicArn = `arn:aws:sns:us-east-1:${SAMPLE_ACCOUNT_ID}:ses-inbound`;
 * ```
 */
export const SAMPLE_ACCOUNT_ID = "123456789012";
const SAMPLE_REGION = "us-east-1";
const SAMPLE_SOURCE = "sender@example.com";
const SAMPLE_RECIPIENT = "recipient@example.com";

/**
 * Which of SES's two producers wrote the event: configuration-set event publishing (`eventType`,
 * all ten types, `mail.tags`) or identity feedback notifications (`notificationType`: Bounce,
 * Complaint and Delivery only, no tags).
 *
 * @example
 * ```ts
 * const format: SesEventFormat = "notification";
 * ```
 */
export type SesEventFormat = "event" | "notification";

/**
 * What every event builder takes about the message the event is about. All optional: the
 * defaults are realistic (the shape of the SES developer guide's examples).
 *
 * @example
 * ```ts
 * const options: SesEventMailOptions = { messageId: status.messageId, tags: ["welcome"], metadata: { userId: 7 } };
 * ```
 */
export interface SesEventMailOptions {
  /**
   * The sent message: an entry of the memory backend's outbox. Its message id, recipients,
   * sender, configuration set, SES message tags and the headers it went out with (X-Tag,
   * X-Metadata...) fill the event, as SES would echo them.
   */
  sent?: OutboxEntry | undefined;
  /** `mail.messageId`: the id the send returned (`SendStatus.messageId`). */
  messageId?: string | undefined;
  /** `mail.source`, the envelope sender; default `sender@example.com`. */
  source?: string | undefined;
  /** `mail.destination`, every To, Cc and Bcc recipient; default the event's recipients. */
  destination?: readonly string[] | undefined;
  /** The Subject header. */
  subject?: string | undefined;
  /** The message's tags, echoed as `X-Tag` headers (replacing those of `sent`). */
  tags?: readonly string[] | undefined;
  /** The message's metadata, echoed as the `X-Metadata` header (replacing that of `sent`). */
  metadata?: Record<string, JsonValue> | undefined;
  /** More SES message tags for `mail.tags` (event publishing only), name -> values. */
  sesTags?: Record<string, string[]> | undefined;
  /** The configuration set named in `mail.tags`; default the sent message's, or `ConfigSet`. */
  configurationSetName?: string | undefined;
  /** When the event happened; default now. `mail.timestamp` (the send) is a little earlier. */
  timestamp?: Date | string | undefined;
  /** Fields replacing the built `mail` fields, last. */
  mail?: SesMail | undefined;
}

/**
 * An SES-shaped id (`0100` + time + uuid + `-000000`), like message ids and feedback ids.
 *
 * @example
 * ```ts
 * sesStyleId(); // "010001938f6d2c41-6b0e8c52-....-000000"
 * ```
 */
export function sesStyleId(): string {
  return `0100${Date.now().toString(16).padStart(12, "0")}-${randomUUID()}-000000`;
}

/**
 * The event time and the send time, as ISO strings.
 *
 * @example
 * ```ts
 * const { at, sentAt } = eventTimes(undefined);
 * ```
 */
export function eventTimes(timestamp: Date | string | undefined): { at: string; sentAt: string } {
  const at = timestamp === undefined ? new Date() : new Date(timestamp);
  // The send came a moment before anything SES reports about it.
  return { at: at.toISOString(), sentAt: new Date(at.getTime() - 1_500).toISOString() };
}

/** What a sent message contributes to an event about `recipient`. */
interface SentFacts {
  messageId: string | undefined;
  source: string | undefined;
  destination: string[];
  headers: SesHeader[];
  configurationSetName: string | undefined;
  emailTags: Record<string, string[]>;
}

function tagsRecord(tags: readonly { Name?: string | undefined; Value?: string | undefined }[] = []) {
  const record: Record<string, string[]> = {};
  for (const { Name, Value } of tags) {
    if (Name !== undefined && Value !== undefined) {
      (record[Name] ??= []).push(Value);
    }
  }
  return record;
}

function fromApiHeaders(headers: readonly MessageHeader[] = []): SesHeader[] {
  return headers.map((header) => ({ name: header.Name, value: header.Value }));
}

/** The facts of a sent message, for an event about `recipient` (a template send: that recipient's own message). */
function sentFacts(sent: OutboxEntry, recipient: string | undefined): SentFacts {
  const { message, payload } = sent;
  const source = (message.envelopeSender ?? message.from[0])?.asciiAddrSpec;
  if (payload.operation === "SendEmail") {
    const { input } = payload;
    const destination = input.Destination ?? {};
    return {
      messageId: sent.messageId,
      source,
      destination: [
        ...(destination.ToAddresses ?? []),
        ...(destination.CcAddresses ?? []),
        ...(destination.BccAddresses ?? []),
      ],
      headers: readHeaderBlock(input.Content?.Raw?.Data ?? ""),
      configurationSetName: input.ConfigurationSetName,
      emailTags: tagsRecord(input.EmailTags),
    };
  }
  // A template send: each `to` recipient got a message of their own, with its own id and headers.
  const to = message.to.find((address) => address.addrSpec === recipient) ?? message.to[0];
  const index = to === undefined ? -1 : message.to.indexOf(to);
  const entries = payload.inputs.flatMap((input) => input.BulkEmailEntries ?? []);
  const entry = entries[index];
  const input = payload.inputs[0];
  const from = (message.fromHeader ?? message.from)[0];
  return {
    messageId: to === undefined ? undefined : sent.recipientMessageIds[to.addrSpec],
    source,
    destination: [
      ...(to === undefined ? [] : [to.asciiAddrSpec]),
      ...message.cc.map((address) => address.asciiAddrSpec),
      ...message.bcc.map((address) => address.asciiAddrSpec),
    ],
    headers: [
      ...(from === undefined ? [] : [{ name: "From", value: from.format({ rfc2047: true }) }]),
      ...(to === undefined ? [] : [{ name: "To", value: to.format({ rfc2047: true }) }]),
      ...fromApiHeaders(entry?.ReplacementHeaders),
    ],
    configurationSetName: input?.ConfigurationSetName,
    emailTags: tagsRecord(input?.DefaultEmailTags),
  };
}

function defaultHeaders(source: string, destination: readonly string[], subject: string): SesHeader[] {
  return [
    { name: "From", value: source },
    { name: "To", value: destination.join(", ") },
    { name: "Subject", value: subject },
    { name: "MIME-Version", value: "1.0" },
    { name: "Content-Type", value: 'text/plain; charset="UTF-8"' },
  ];
}

/** Replace the headers of one name with new ones (appended), case-insensitively. */
function replaceHeaders(headers: SesHeader[], name: string, values: readonly string[]): SesHeader[] {
  const lower = name.toLowerCase();
  return [
    ...headers.filter((header) => header.name?.toLowerCase() !== lower),
    ...values.map((value) => ({ name, value: apiHeader(name, value).Value })),
  ];
}

function commonHeaders(headers: readonly SesHeader[], messageId: string): SesCommonHeaders {
  const decoded = (name: string) => {
    const value = headerValue(headers, name);
    return value === undefined ? undefined : decodeEncodedWords(value.replace(/\r\n([ \t])/g, "$1"));
  };
  const from = decoded("From");
  const to = decoded("To");
  const cc = decoded("Cc");
  const date = decoded("Date");
  const subject = decoded("Subject");
  return {
    ...(from === undefined ? {} : { from: [from] }),
    ...(date === undefined ? {} : { date }),
    ...(to === undefined ? {} : { to: [to] }),
    ...(cc === undefined ? {} : { cc: [cc] }),
    messageId,
    ...(subject === undefined ? {} : { subject }),
  };
}

/**
 * Build the `mail` object of an event about `recipients`.
 *
 * @example
 * ```ts
 * const mail = buildSesMail({ tags: ["welcome"] }, ["alice@example.com"], "event");
 * ```
 */
export function buildSesMail(
  options: SesEventMailOptions,
  recipients: readonly string[],
  format: SesEventFormat,
): SesMail {
  const facts = options.sent === undefined ? undefined : sentFacts(options.sent, recipients[0]);
  const source = options.source ?? facts?.source ?? SAMPLE_SOURCE;
  const destination = [
    ...(options.destination ??
      facts?.destination ??
      (recipients.length === 0 ? [SAMPLE_RECIPIENT] : recipients)),
  ];
  const messageId = options.messageId ?? facts?.messageId ?? sesStyleId();
  let headers =
    facts?.headers ?? defaultHeaders(source, destination, options.subject ?? "Message sent from Amazon SES");
  if (facts !== undefined && options.subject !== undefined) {
    headers = replaceHeaders(headers, "Subject", [options.subject]);
  }
  if (options.tags !== undefined) {
    headers = replaceHeaders(headers, "X-Tag", options.tags);
  }
  if (options.metadata !== undefined) {
    headers = replaceHeaders(headers, "X-Metadata", [toAsciiJson(options.metadata)]);
  }
  const { sentAt } = eventTimes(options.timestamp);
  const domain = source.slice(source.lastIndexOf("@") + 1);
  const identity = `arn:aws:ses:${SAMPLE_REGION}:${SAMPLE_ACCOUNT_ID}:identity/${domain}`;
  const mail: SesMail =
    format === "event"
      ? {
          timestamp: sentAt,
          source,
          sourceArn: identity,
          sendingAccountId: SAMPLE_ACCOUNT_ID,
          messageId,
          destination,
          headersTruncated: false,
          headers,
          commonHeaders: commonHeaders(headers, messageId),
          tags: {
            "ses:configuration-set": [
              options.configurationSetName ?? facts?.configurationSetName ?? "ConfigSet",
            ],
            "ses:source-ip": ["192.0.2.0"],
            "ses:from-domain": [domain],
            "ses:caller-identity": ["ses_user"],
            ...facts?.emailTags,
            ...options.sesTags,
          },
        }
      : {
          timestamp: sentAt,
          source,
          sourceArn: identity,
          sourceIp: "192.0.2.0",
          sendingAccountId: SAMPLE_ACCOUNT_ID,
          callerIdentity: "ses_user",
          messageId,
          destination,
          headersTruncated: false,
          headers,
          commonHeaders: commonHeaders(headers, messageId),
        };
  return { ...mail, ...options.mail };
}

/**
 * A feedback id as SES writes them on bounces and complaints.
 *
 * @example
 * ```ts
 * feedbackId(); // "010001938f6d2c41-...-000000"
 * ```
 */
export function feedbackId(): string {
  return `${randomBytes(8).toString("hex")}-${randomUUID()}-000000`;
}
