/**
 * Recover a sent message's tags and metadata from what SES echoes back in an event's `mail`.
 * Read once per notification and frozen, so every event of a fan-out (one per recipient) shares
 * the same copy instead of paying for its own; what is decoded from headers is bounded in size
 * and depth, and a value over the bounds is dropped (with the reason), never a reason to fail.
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
  /** Every `X-Tag` header value, in order (frozen). */
  tags: string[];
  /** The last parsable `X-Metadata` object; `{}` when none (deeply frozen). */
  metadata: Record<string, JsonValue>;
  /** `mail.tags`: SES message tags, name → values (deeply frozen). */
  sesTags: Record<string, string[]>;
  /** Why header values were left out: over {@link ANNOTATION_LIMITS}, or unparsable metadata. */
  dropped: string[];
}

/**
 * The bounds on what is decoded from `X-Tag` and `X-Metadata` headers. SES echoes whatever the
 * sent message carried, and a notification is signed by SNS whoever sent the mail, so these are
 * untrusted sizes: a value over a bound is dropped with a logged reason and the event still goes
 * out (failing would make SNS retry the same bytes for an hour).
 *
 * @example
 * ```ts
 * const fits = JSON.stringify({ orderId: 1 }).length <= ANNOTATION_LIMITS.maxValueChars;
 * ```
 */
export const ANNOTATION_LIMITS = Object.freeze({
  /** Longest `X-Tag` or `X-Metadata` value read (unfolded, before decoding), in characters. */
  maxValueChars: 64 * 1024,
  /** Deepest nesting of arrays and objects accepted in `X-Metadata`. */
  maxMetadataDepth: 32,
  /** Most `X-Tag` values kept; later ones are dropped. */
  maxTags: 1000,
});

// RFC 5322 §2.2.3: unfolding removes each CRLF that is followed by whitespace. Bare LF is
// accepted too, because some composers (Anymail) write LF-only messages.
const FOLD = /\r?\n(?=[ \t])/g;

/** The decoded value, or why it was dropped (the value itself never goes into the reason). */
function headerValue(value: string, name: string): { text: string } | { dropped: string } {
  // Folding needs a line break: a value without one (nearly all) is not copied.
  const unfolded = value.includes("\n") ? value.replace(FOLD, "") : value;
  if (unfolded.length > ANNOTATION_LIMITS.maxValueChars) {
    return {
      dropped: `${name} header of ${unfolded.length} characters is over the limit of ${ANNOTATION_LIMITS.maxValueChars}`,
    };
  }
  return { text: decodeEncodedWords(unfolded) };
}

function parseMetadata(text: string): Record<string, JsonValue> | string {
  // Checked on the text, before parsing: a deeply nested value costs a deep recursion in
  // anything that walks it later (cloning, freezing, logging, the application's own code).
  if (!nestingWithin(text, ANNOTATION_LIMITS.maxMetadataDepth)) {
    return `X-Metadata nests deeper than ${ANNOTATION_LIMITS.maxMetadataDepth} levels`;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return "X-Metadata is not valid JSON";
  }
  // Only an object can be metadata; anything else counts as unparsable, like bad JSON.
  return isRecord(parsed) ? (parsed as Record<string, JsonValue>) : "X-Metadata is not a JSON object";
}

/**
 * True when the brackets of the JSON `text` nest at most `maxDepth` deep. One linear pass that
 * skips string contents; it does not validate the JSON (the parser does that afterwards).
 */
function nestingWithin(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c) {
        i += 1; // the escaped character, whatever it is
      } else if (code === 0x22) {
        inString = false;
      }
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x5b || code === 0x7b) {
      depth += 1;
      if (depth > maxDepth) {
        return false;
      }
    } else if (code === 0x5d || code === 0x7d) {
      depth -= 1;
    }
  }
  return true;
}

function readSesTags(tags: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!isRecord(tags)) {
    return Object.freeze(out);
  }
  for (const [name, values] of Object.entries(tags)) {
    if (Array.isArray(values)) {
      const strings = Object.freeze(values.filter((v): v is string => typeof v === "string")) as string[];
      if (name === "__proto__") {
        // Assignment would set the prototype: define it as the plain entry it is.
        Object.defineProperty(out, name, {
          value: strings,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else {
        out[name] = strings;
      }
    }
  }
  return Object.freeze(out);
}

/** Freeze a parsed JSON value and everything in it; its depth was bounded before parsing. */
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) {
      deepFreeze(child);
    }
    Object.freeze(value);
  }
  return value;
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
  const dropped: string[] = [];
  const headers = Array.isArray(mail.headers) ? mail.headers : [];
  for (const header of headers) {
    if (!isRecord(header) || typeof header.name !== "string" || typeof header.value !== "string") {
      continue;
    }
    const name = header.name.toLowerCase();
    if (name !== "x-tag" && name !== "x-metadata") {
      continue;
    }
    if (name === "x-tag" && tags.length >= ANNOTATION_LIMITS.maxTags) {
      dropped.push(`X-Tag headers beyond the first ${ANNOTATION_LIMITS.maxTags} are ignored`);
      continue;
    }
    const value = headerValue(header.value, name === "x-tag" ? "X-Tag" : "X-Metadata");
    if ("dropped" in value) {
      dropped.push(value.dropped);
    } else if (name === "x-tag") {
      tags.push(value.text);
    } else {
      const parsed = parseMetadata(value.text);
      if (typeof parsed === "string") {
        dropped.push(parsed);
      } else {
        metadata = parsed;
      }
    }
  }
  return {
    tags: Object.freeze(tags) as string[],
    metadata: deepFreeze(metadata),
    sesTags: readSesTags(mail.tags),
    // One line per reason is enough for the log, however many headers repeated it.
    dropped: dropped.length === 0 ? dropped : [...new Set(dropped)],
  };
}
