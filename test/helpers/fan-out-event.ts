/**
 * The hostile tracking fan-out of issue 11: one signed SES `Send` event, about 207 KiB, naming
 * 12,000 recipients and carrying 4,000 SES message tags. Every recipient becomes one event, so
 * whatever is copied per event is copied 12,000 times. Shared by the regression test and the
 * `tracking-fan-out` benchmark.
 */

/** Recipients in the event (`mail.destination`). */
export const FAN_OUT_RECIPIENTS = 12_000;
/** Entries of `mail.tags`. */
export const FAN_OUT_SES_TAGS = 4_000;

/** The SES event (the SNS `Message`) as JSON text. */
export function fanOutSendMessage(): string {
  const destination = Array.from({ length: FAN_OUT_RECIPIENTS }, (_, i) => `${i}@ex.io`);
  const tags: Record<string, string[]> = {};
  for (let i = 0; i < FAN_OUT_SES_TAGS; i += 1) {
    tags[`t${i}`] = ["v"];
  }
  return JSON.stringify({
    eventType: "Send",
    mail: {
      timestamp: "2024-04-26T20:45:04.751Z",
      source: "shop@example.com",
      messageId: "0100018f1d2c3b4a-fan-out-000000",
      destination,
      headers: [
        { name: "X-Tag", value: "bulk" },
        { name: "X-Metadata", value: '{"campaign": "spring", "batch": {"id": 7}}' },
      ],
      tags,
    },
    send: {},
  });
}

/** An `X-Metadata` value nested `depth` arrays deep (`[[[...]]]`), inside an object. */
export function deepMetadata(depth: number): string {
  return `{"a": ${"[".repeat(depth)}${"]".repeat(depth)}}`;
}
