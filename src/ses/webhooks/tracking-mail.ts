/**
 * Recover a sent message's tags and metadata from what SES echoes back in an event's `mail`.
 *
 * @module
 */
import type { JsonValue } from "../../message/types";
import { decodeEncodedWords } from "./encoded-words";
import { isRecord, type JsonRecord } from "./tracking-guards";

/**
 * What the application attached to the message, as recovered from an SES event.
 *
 * @example
 * ```ts
 * const annotations: MailAnnotations = { tags: ["welcome"], metadata: { userId: 7 }, sesTags: {} };
 * ```
 */
export interface MailAnnotations {
  /** Every `X-Tag` header value, in order. */
  tags: string[];
  /** The last parsable `X-Metadata` object; `{}` when none. */
  metadata: Record<string, JsonValue>;
  /** `mail.tags`: SES message tags, name → values. */
  sesTags: Record<string, string[]>;
}

// RFC 5322 §2.2.3: unfolding removes each CRLF that is followed by whitespace. Bare LF is
// accepted too, because some composers (Anymail) write LF-only messages.
const FOLD = /\r?\n(?=[ \t])/g;

function headerValue(value: string): string {
  return decodeEncodedWords(value.replace(FOLD, ""));
}

function parseMetadata(text: string): Record<string, JsonValue> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    // Only an object can be metadata; anything else counts as unparsable, like bad JSON.
    return isRecord(parsed) ? (parsed as Record<string, JsonValue>) : undefined;
  } catch {
    return undefined;
  }
}

function readSesTags(tags: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!isRecord(tags)) {
    return out;
  }
  for (const [name, values] of Object.entries(tags)) {
    if (Array.isArray(values)) {
      out[name] = values.filter((v): v is string => typeof v === "string");
    }
  }
  return out;
}

/**
 * Read tags and metadata from `mail.headers` (present only when "include original headers" is
 * enabled), exactly as Anymail does: header names compare case-insensitively, each `X-Tag` is
 * appended in order, each `X-Metadata` is parsed as JSON and replaces the previous one, and a
 * value that does not parse is ignored. Values are unfolded and RFC 2047-decoded first, and any
 * JSON spacing is accepted, so mail sent by Anymail or older Mailroom versions still parses.
 * SES message tags (`mail.tags`) are returned separately, never mixed into `tags`. Malformed
 * header entries are skipped: headers are optional extras, never a reason to lose an event.
 *
 * @example
 * ```ts
 * readMailAnnotations({
 *   headers: [{ name: "X-Tag", value: "welcome" }, { name: "x-metadata", value: '{"userId": 7}' }],
 *   tags: { "ses:operation": ["SendEmail"] },
 * });
 * // { tags: ["welcome"], metadata: { userId: 7 }, sesTags: { "ses:operation": ["SendEmail"] } }
 * ```
 */
export function readMailAnnotations(mail: JsonRecord): MailAnnotations {
  const tags: string[] = [];
  let metadata: Record<string, JsonValue> = {};
  const headers = Array.isArray(mail.headers) ? mail.headers : [];
  for (const header of headers) {
    if (!isRecord(header) || typeof header.name !== "string" || typeof header.value !== "string") {
      continue;
    }
    const name = header.name.toLowerCase();
    if (name === "x-tag") {
      tags.push(headerValue(header.value));
    } else if (name === "x-metadata") {
      metadata = parseMetadata(headerValue(header.value)) ?? metadata;
    }
  }
  return { tags, metadata, sesTags: readSesTags(mail.tags) };
}
