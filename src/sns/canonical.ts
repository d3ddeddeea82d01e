/**
 * The "string to sign" of an SNS envelope, as specified in
 * https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message-verify-message-signature.html
 *
 * @module
 */
import type { SnsEnvelope } from "./types";

/**
 * The exact string SNS signs for `envelope`: selected keys in byte order, each key and each value
 * followed by `"\n"` (including the last value: dropping that final newline is a known bug class
 * that makes every signature fail).
 *
 * - Notification: `Message`, `MessageId`, `Subject` (only when present, even if empty),
 *   `Timestamp`, `TopicArn`, `Type`.
 * - SubscriptionConfirmation / UnsubscribeConfirmation: `Message`, `MessageId`, `SubscribeURL`,
 *   `Timestamp`, `Token`, `TopicArn`, `Type` (some validators wrongly use the Notification list
 *   for UnsubscribeConfirmation, which then never verifies).
 *
 * @example
 * ```ts
 * canonicalString({ Type: "Notification", Message: "hi", MessageId: "1", Timestamp: "t",
 *   TopicArn: "arn:aws:sns:us-east-1:123456789012:t", ...rest });
 * // "Message\nhi\nMessageId\n1\nTimestamp\nt\nTopicArn\narn:aws:sns:us-east-1:123456789012:t\nType\nNotification\n"
 * ```
 */
export function canonicalString(envelope: SnsEnvelope): string {
  // Plain concatenation: it runs once per webhook call, on the signature-verification hot path.
  if (envelope.Type === "Notification") {
    const subject = envelope.Subject === undefined ? "" : "Subject\n" + envelope.Subject + "\n";
    return (
      "Message\n" +
      envelope.Message +
      "\nMessageId\n" +
      envelope.MessageId +
      "\n" +
      subject +
      "Timestamp\n" +
      envelope.Timestamp +
      "\nTopicArn\n" +
      envelope.TopicArn +
      "\nType\n" +
      envelope.Type +
      "\n"
    );
  }
  return (
    "Message\n" +
    envelope.Message +
    "\nMessageId\n" +
    envelope.MessageId +
    "\nSubscribeURL\n" +
    envelope.SubscribeURL +
    "\nTimestamp\n" +
    envelope.Timestamp +
    "\nToken\n" +
    envelope.Token +
    "\nTopicArn\n" +
    envelope.TopicArn +
    "\nType\n" +
    envelope.Type +
    "\n"
  );
}
