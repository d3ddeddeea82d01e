import type { NormalizedMessage } from "./message/types";
import type { SuppressionReason } from "./store/suppression-store";

/**
 * What happened to one recipient, as far as the sending API can tell at send time.
 *
 * @example
 * ```ts
 * if (status.recipients["alice@example.com"]?.status === RecipientStatusValue.queued) markSent();
 * ```
 */
export const RecipientStatusValue = {
  /** Accepted by the ESP for delivery (SES's normal answer). */
  queued: "queued",
  /** Sent (ESPs that deliver synchronously; not SES). */
  sent: "sent",
  /** Refused by the ESP for this recipient. */
  rejected: "rejected",
  /** The address was refused as invalid. */
  invalid: "invalid",
  /** The ESP failed to accept the message for this recipient. */
  failed: "failed",
  /** The request left and no answer came: it may or may not have been sent. */
  unknown: "unknown",
  /** Held by a queue until `sendAt` (see `jobId`); nothing was sent yet. */
  scheduled: "scheduled",
} as const;

/**
 * One of the {@link RecipientStatusValue} values.
 *
 * @example
 * ```ts
 * const done: RecipientStatusValue[] = ["queued", "sent"];
 * ```
 */
export type RecipientStatusValue = (typeof RecipientStatusValue)[keyof typeof RecipientStatusValue];

/**
 * The send result for one recipient.
 *
 * @example
 * ```ts
 * status.recipients["alice@example.com"]; // { status: "queued", messageId: "0100018c..." }
 * ```
 */
export interface RecipientStatus {
  /** What happened to this recipient (`queued` is SES's normal answer). */
  status: RecipientStatusValue;
  /** The ESP's id for the message this recipient gets (tracking events carry the same id). */
  messageId: string | undefined;
  /**
   * The RFC 5322 Message-ID header the recipient's copy carries, with angle brackets (SES
   * replaces yours with `<MessageId@REGION.amazonses.com>`): replies quote it in `In-Reply-To`,
   * so keep it to thread them. nodemailer's SES transport reports the same value as
   * `info.messageId`.
   */
  rfcMessageId?: string | undefined;
  /** The ESP's own status and error text, when it gave one (e.g. SES bulk `Status`/`Error`). */
  espStatus?: string | undefined;
  /** Why this recipient was not accepted, in the ESP's words. */
  error?: string | undefined;
  /** Why the mailer did not send to this recipient (status `rejected`): its suppression entry. */
  suppressed?: SuppressedRecipient | undefined;
}

/**
 * The suppression entry that kept a recipient out of a send.
 *
 * @example
 * ```ts
 * const info = status.recipients["bob@example.com"]?.suppressed;
 * if (info) console.log(info.reason, info.since.toISOString());
 * ```
 */
export interface SuppressedRecipient {
  /** Why the address is suppressed (`bounce`, `complaint`, `unsubscribe`, `manual`). */
  reason: SuppressionReason;
  /** The entry's scope (`"*"`: account-wide). */
  scope: string;
  /** Since when. */
  since: Date;
  /** The entry's explanation (`"Permanent: General"`…). */
  detail: string | undefined;
  /** The event that caused it. */
  eventId: string | undefined;
}

/**
 * The result of `mailer.send()`.
 *
 * @example
 * ```ts
 * const status = await mailer.send(message);
 * status.messageId; // the single SES MessageId (undefined when recipients got different ids)
 * status.statuses; // e.g. Set { "queued" }
 * ```
 */
export interface SendStatus<Response = unknown> {
  /** The one message id shared by every recipient, or undefined when ids differ or none was given. */
  messageId: string | undefined;
  /** Every distinct message id, in recipient order. */
  messageIds: string[];
  /** The distinct recipient statuses. */
  statuses: Set<RecipientStatusValue>;
  /** Per-recipient results, keyed by addr-spec. */
  recipients: Record<string, RecipientStatus>;
  /** True when a pre-send hook cancelled the send; nothing was sent. */
  cancelled: boolean;
  /**
   * The raw ESP response(s), for debugging; its type follows the backend (Amazon SES: the
   * SendEmail output, or the outcome of each SendBulkEmail call). Undefined when no ESP call was
   * made: the send was cancelled or scheduled, or every recipient was suppressed.
   */
  response: Response | undefined;
  /** The queue job holding the message, when it was scheduled (`sendAt` with a queue). */
  jobId?: string | undefined;
}

/**
 * Build a {@link SendStatus} from per-recipient results.
 *
 * @example
 * ```ts
 * makeSendStatus({ "a@example.com": { status: "queued", messageId: "1" } }, rawResponse);
 * ```
 */
export function makeSendStatus<Response>(
  recipients: Record<string, RecipientStatus>,
  response: Response | undefined,
): SendStatus<Response> {
  const messageIds: string[] = [];
  const statuses = new Set<RecipientStatusValue>();
  let missingId = false;
  for (const recipient of Object.values(recipients)) {
    statuses.add(recipient.status);
    if (recipient.messageId === undefined) {
      missingId = true;
    } else if (!messageIds.includes(recipient.messageId)) {
      messageIds.push(recipient.messageId);
    }
  }
  return {
    messageId: messageIds.length === 1 && !missingId ? messageIds[0] : undefined,
    messageIds,
    statuses,
    recipients,
    cancelled: false,
    response,
  };
}

/**
 * The same status for every to, cc and bcc recipient of a message, keyed by addr-spec: what an
 * ESP that accepts the whole message at once (SES SendEmail) reports.
 *
 * @example
 * ```ts
 * statusForEveryRecipient(message, "queued", "0100-abc");
 * // { "alice@example.com": { status: "queued", messageId: "0100-abc" }, ... }
 * ```
 */
export function statusForEveryRecipient(
  message: NormalizedMessage,
  status: RecipientStatusValue,
  messageId: string | undefined,
): Record<string, RecipientStatus> {
  const recipients: Record<string, RecipientStatus> = {};
  for (const addr of [...message.to, ...message.cc, ...message.bcc]) {
    recipients[addr.addrSpec] = { status, messageId };
  }
  return recipients;
}
