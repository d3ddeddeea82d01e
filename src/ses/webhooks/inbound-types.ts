/**
 * The JSON Amazon SES puts in an SNS notification's `Message` when a receipt rule action
 * publishes a received message (`notificationType: "Received"`), as AWS documents it. Every field
 * is optional because the converter validates what it reads instead of trusting these types.
 *
 * @see https://docs.aws.amazon.com/ses/latest/dg/receiving-email-notifications-contents.html
 * @module
 */
import type { SesCommonHeaders, SesHeader } from "./tracking-types";

/**
 * One receipt verdict (`receipt.spamVerdict` and friends).
 *
 * @example
 * ```ts
 * const verdict: SesReceiptVerdict = { status: "PASS" };
 * ```
 */
export interface SesReceiptVerdict {
  /** `PASS`, `FAIL`, `GRAY`, `PROCESSING_FAILED` (or `DISABLED` when scanning is off). */
  status?: string;
}

/**
 * The receipt rule action that published the notification (`receipt.action`).
 *
 * @example
 * ```ts
 * const sns: SesReceiptAction = { type: "SNS", topicArn: "arn:aws:sns:us-east-1:123456789012:inbound", encoding: "BASE64" };
 * const s3: SesReceiptAction = { type: "S3", bucketName: "mail", objectKeyPrefix: "inbound/", objectKey: "inbound/abc" };
 * ```
 */
export interface SesReceiptAction {
  /** `SNS`, `S3`, `Lambda`, `Bounce`, `Stop`, `WorkMail`… */
  type?: string;
  /** SNS action: the topic the notification was published to. */
  topicArn?: string;
  /** SNS action: how `content` is encoded, `UTF8` (default) or `BASE64`. */
  encoding?: string;
  /** S3 action: the bucket the message was written to. */
  bucketName?: string;
  /** S3 action: the rule's key prefix. */
  objectKeyPrefix?: string;
  /** S3 action: the full object key (prefix + `mail.messageId`). */
  objectKey?: string;
  /** S3 action with "Encrypt message": the KMS key. */
  kmsKeyArn?: string;
  /** Lambda action. */
  functionArn?: string;
  /** Lambda action: `Event` or `RequestResponse`. */
  invocationType?: string;
}

/**
 * Facts about the delivery (`receipt`).
 *
 * @example
 * ```ts
 * const receipt: SesReceipt = { recipients: ["inbound@example.com"], spamVerdict: { status: "PASS" } };
 * ```
 */
export interface SesReceipt {
  /** When the receipt rule ran. */
  timestamp?: string;
  /** How long SES took to process the message. */
  processingTimeMillis?: number;
  /** The envelope RCPT TO addresses the rule matched; may differ from `mail.destination`. */
  recipients?: string[];
  /** SES's spam scan. */
  spamVerdict?: SesReceiptVerdict;
  /** SES's virus scan. */
  virusVerdict?: SesReceiptVerdict;
  /** The SPF check. */
  spfVerdict?: SesReceiptVerdict;
  /** The DKIM check. */
  dkimVerdict?: SesReceiptVerdict;
  /** The DMARC check. */
  dmarcVerdict?: SesReceiptVerdict;
  /** `none`, `quarantine` or `reject`; present only when DMARC failed. */
  dmarcPolicy?: string;
  /** The action that published this notification (SNS or S3). */
  action?: SesReceiptAction;
}

/**
 * The received message (`mail`).
 *
 * @example
 * ```ts
 * const mail: SesReceivedMail = { messageId: "jili9m351il3gkburn7o2f0u6788stij94c8ld01", source: "sender@example.org" };
 * ```
 */
export interface SesReceivedMail {
  /** When SES received the message. */
  timestamp?: string;
  /** The envelope MAIL FROM. */
  source?: string;
  /** SES's id for the message; also the S3 object's name after the prefix. */
  messageId?: string;
  /** Every To and Cc recipient in the headers. */
  destination?: string[];
  /** True when the headers exceeded 10 KB and SES cut them short. */
  headersTruncated?: boolean;
  /** The message's headers, as received. */
  headers?: SesHeader[];
  /** The usual headers, decoded by SES. */
  commonHeaders?: SesCommonHeaders;
}

/**
 * The whole `Received` notification (the parsed SNS `Message`).
 *
 * @example
 * ```ts
 * const received = JSON.parse(snsBody.Message) as SesReceivedNotification;
 * ```
 */
export interface SesReceivedNotification {
  /** Always `Received` (or `AMAZON_SES_SETUP_NOTIFICATION`, which is ignored). */
  notificationType?: string;
  /** The received message's envelope and headers. */
  mail?: SesReceivedMail;
  /** The receipt rule's verdicts and action. */
  receipt?: SesReceipt;
  /** SNS action only: the raw message, as UTF-8 text or base64 (`receipt.action.encoding`). */
  content?: string;
}
