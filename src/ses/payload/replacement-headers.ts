import type { MessageHeader } from "@aws-sdk/client-sesv2";

import type { NormalizedMessage } from "../../message/types";
import { apiHeader } from "./api-header";
import { toAsciiJson } from "./metadata-json";

/** Headers updated case-insensitively: a same-named header is replaced, the later spelling wins. */
function mergeHeaderPairs(
  base: [string, string][],
  over: Record<string, string> | undefined,
): [string, string][] {
  if (over === undefined) {
    return base;
  }
  const overNames = new Set(Object.keys(over).map((name) => name.toLowerCase()));
  return [...base.filter(([name]) => !overNames.has(name.toLowerCase())), ...Object.entries(over)];
}

/**
 * One bulk entry's ReplacementHeaders for a `to` recipient: the message's headers updated by the
 * recipient's mergeHeaders, one X-Metadata (message metadata merged with the recipient's
 * mergeMetadata), and one X-Tag per tag. Undefined when there is nothing to send, so the key is
 * omitted (as Anymail does).
 *
 * @param recipient - the recipient's addr-spec, the key of the merge maps
 * @example
 * ```ts
 * replacementHeaders(message, "alice@example.com");
 * // [{ Name: "List-Unsubscribe", Value: "<https://example.com/a/>" }, { Name: "X-Metadata", Value: '{"meta1": "test"}' }]
 * ```
 */
export function replacementHeaders(
  message: NormalizedMessage,
  recipient: string,
): MessageHeader[] | undefined {
  const headers = mergeHeaderPairs(message.headers, message.mergeHeaders?.[recipient]).map(([name, value]) =>
    apiHeader(name, value),
  );
  const recipientMetadata = message.mergeMetadata?.[recipient];
  if (message.metadata !== undefined || recipientMetadata !== undefined) {
    const metadata = { ...message.metadata, ...recipientMetadata };
    if (Object.keys(metadata).length > 0) {
      headers.push(apiHeader("X-Metadata", toAsciiJson(metadata)));
    }
  }
  for (const tag of message.tags) {
    headers.push(apiHeader("X-Tag", tag));
  }
  return headers.length === 0 ? undefined : headers;
}
