/**
 * Builder of SES `Received` notifications (what a receipt rule's SNS or S3 action publishes) from
 * a raw MIME message: what a test posts to an inbound webhook.
 *
 * @module
 */
import { randomBytes } from "node:crypto";

import { parseAddressList } from "../message/address";
import type { SesReceipt, SesReceivedMail, SesReceivedNotification } from "../ses/webhooks/inbound-types";
import { decodeEncodedWords } from "../ses/webhooks/encoded-words";
import { eventTimes, SAMPLE_ACCOUNT_ID } from "./ses-event-mail";
import { headerValue, readHeaderBlock } from "./mime-header-block";

/**
 * A verdict as SES reports it.
 *
 * @example
 * ```ts
 * const spam: SesVerdictStatus = "FAIL";
 * ```
 */
export type SesVerdictStatus = "PASS" | "FAIL" | "GRAY" | "PROCESSING_FAILED" | "DISABLED" | (string & {});

/**
 * Options of {@link sesEvents}`.received`.
 *
 * @example
 * ```ts
 * sesEvents.received({ raw: mime, encoding: "BASE64", verdicts: { spam: "FAIL" } });
 * sesEvents.received({ raw: mime, action: "S3", bucketName: "inbound-mail" });
 * ```
 */
export interface SesReceivedOptions {
  /** The message as it arrived: raw MIME bytes, or text (encoded as UTF-8). */
  raw: Uint8Array | string;
  /**
   * The receipt rule action: `SNS` (the message rides in `content`, the default) or `S3` (the
   * message is in the bucket at `receipt.action.objectKey`: store `raw` there for the webhook).
   */
  action?: "SNS" | "S3" | undefined;
  /** SNS action: how `content` is encoded; default `UTF8` (SES's default). */
  encoding?: "UTF8" | "BASE64" | undefined;
  /** S3 action: the bucket; default `inbound-mail`. */
  bucketName?: string | undefined;
  /** S3 action: the key prefix; default `inbound/`. */
  objectKeyPrefix?: string | undefined;
  /** The topic the action publishes to; default one in the sample account. */
  topicArn?: string | undefined;
  /** SES's id of the received message (also the S3 object's name); default a random one. */
  messageId?: string | undefined;
  /** The envelope sender (`mail.source`); default the From address. */
  source?: string | undefined;
  /** The envelope recipients the rule matched (`receipt.recipients`); default the To addresses. */
  recipients?: readonly string[] | undefined;
  /** Verdicts; each defaults to `PASS`. */
  verdicts?:
    | {
        /** Spam scanning. */
        spam?: SesVerdictStatus | undefined;
        /** Virus scanning. */
        virus?: SesVerdictStatus | undefined;
        /** SPF. */
        spf?: SesVerdictStatus | undefined;
        /** DKIM. */
        dkim?: SesVerdictStatus | undefined;
        /** DMARC. */
        dmarc?: SesVerdictStatus | undefined;
      }
    | undefined;
  /** The sender domain's DMARC policy, present only when DMARC failed. */
  dmarcPolicy?: "none" | "quarantine" | "reject" | undefined;
  /** When SES received the message; default now. */
  timestamp?: Date | string | undefined;
}

/**
 * A `Received` notification the builder made (every part present).
 *
 * @example
 * ```ts
 * const received: SesReceivedEvent = sesEvents.received({ raw: mime });
 * received.receipt.action.type; // "SNS"
 * ```
 */
export interface SesReceivedEvent extends SesReceivedNotification {
  /** Always `Received`. */
  notificationType: "Received";
  /** The received message's headers and envelope. */
  mail: SesReceivedMail;
  /** Verdicts, recipients and the action. */
  receipt: SesReceipt & { action: NonNullable<SesReceipt["action"]> };
}

/** SES's received-message ids: 40 lower-case base-32 characters. */
function receivedMessageId(): string {
  const alphabet = "0123456789abcdefghijklmnopqrstuv";
  return Array.from(randomBytes(40), (byte) => alphabet[byte & 31]).join("");
}

function addrSpecs(value: string | undefined): string[] {
  if (value === undefined) {
    return [];
  }
  try {
    return parseAddressList(value.replace(/\r\n([ \t])/g, "$1"), "headers").map(
      (address) => address.addrSpec,
    );
  } catch {
    // A test may well hand in a malformed header on purpose: the envelope then takes the defaults.
    return [];
  }
}

/**
 * Build the `Received` notification SES publishes for `raw` (see {@link SesReceivedOptions}).
 *
 * @example
 * ```ts
 * const notification = receivedEvent({ raw: "From: a@example.org\r\nTo: b@example.com\r\nSubject: Hi\r\n\r\nHello\r\n" });
 * ```
 */
export function receivedEvent(options: SesReceivedOptions): SesReceivedEvent {
  const bytes = typeof options.raw === "string" ? new TextEncoder().encode(options.raw) : options.raw;
  const headers = readHeaderBlock(bytes);
  const decoded = (name: string) => {
    const value = headerValue(headers, name);
    return value === undefined ? undefined : decodeEncodedWords(value.replace(/\r\n([ \t])/g, "$1"));
  };
  const messageId = options.messageId ?? receivedMessageId();
  const source = options.source ?? addrSpecs(headerValue(headers, "From"))[0] ?? "sender@example.org";
  const to = addrSpecs(headerValue(headers, "To"));
  const destination = [...to, ...addrSpecs(headerValue(headers, "Cc"))];
  const recipients = [...(options.recipients ?? (to.length > 0 ? to.slice(0, 1) : ["inbound@example.com"]))];
  const { at } = eventTimes(options.timestamp);
  const topicArn = options.topicArn ?? `arn:aws:sns:us-east-1:${SAMPLE_ACCOUNT_ID}:ses-inbound`;
  const verdict = (status: SesVerdictStatus | undefined) => ({ status: status ?? "PASS" });
  const verdicts = options.verdicts ?? {};
  const prefix = options.objectKeyPrefix ?? "inbound/";
  const action =
    options.action === "S3"
      ? {
          type: "S3",
          topicArn,
          bucketName: options.bucketName ?? "inbound-mail",
          objectKeyPrefix: prefix,
          objectKey: `${prefix}${messageId}`,
        }
      : { type: "SNS", topicArn, encoding: options.encoding ?? "UTF8" };
  const from = decoded("From");
  const subject = decoded("Subject");
  const date = decoded("Date");
  const headerMessageId = decoded("Message-ID");
  const toHeader = decoded("To");
  const notification: SesReceivedEvent = {
    notificationType: "Received",
    mail: {
      timestamp: at,
      source,
      messageId,
      destination: destination.length > 0 ? destination : recipients,
      headersTruncated: false,
      headers,
      commonHeaders: {
        returnPath: source,
        ...(from === undefined ? {} : { from: [from] }),
        ...(date === undefined ? {} : { date }),
        ...(toHeader === undefined ? {} : { to: [toHeader] }),
        ...(headerMessageId === undefined ? {} : { messageId: headerMessageId }),
        ...(subject === undefined ? {} : { subject }),
      },
    },
    receipt: {
      timestamp: at,
      processingTimeMillis: 574,
      recipients,
      spamVerdict: verdict(verdicts.spam),
      virusVerdict: verdict(verdicts.virus),
      spfVerdict: verdict(verdicts.spf),
      dkimVerdict: verdict(verdicts.dkim),
      dmarcVerdict: verdict(verdicts.dmarc),
      ...(options.dmarcPolicy === undefined ? {} : { dmarcPolicy: options.dmarcPolicy }),
      action,
    },
  };
  if (options.action !== "S3") {
    notification.content =
      (options.encoding ?? "UTF8") === "BASE64"
        ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64")
        : new TextDecoder().decode(bytes);
  }
  return notification;
}
