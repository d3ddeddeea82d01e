import { InvalidMessageError } from "../errors";
import { parseAddressList, parseSingleAddress } from "./address";
import type { EmailAddress } from "./address";
import { normalizeAttachment } from "./attachments";
import { assertSingleLine, validateHeaders } from "./headers";
import { charsetOf, isUtf8Label, parseMediaType } from "./mime-tokens";
import { normalizeListManagement, normalizeSuppression, normalizeUnsubscribe } from "./reputation-options";
import { SEND_DEFAULT_RULES } from "./send-defaults";
import type { Alternative, EmailMessage, JsonObject, NormalizedMessage } from "./types";

type PlainObject = Record<string, unknown>;

function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== "string") {
    throw new InvalidMessageError(`\`${field}\` must be a string, got ${typeof value}`, field);
  }
  return value;
}

function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== "boolean") {
    throw new InvalidMessageError(`\`${field}\` must be true or false, got ${typeof value}`, field);
  }
  return value;
}

function optionalObject<T extends PlainObject>(value: unknown, field: string): T | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (!isPlainObject(value)) {
    throw new InvalidMessageError(`\`${field}\` must be an object`, field);
  }
  return value as T;
}

function perRecipient<T extends PlainObject>(value: unknown, field: string): Record<string, T> | undefined {
  const map = optionalObject<Record<string, unknown>>(value, field);
  if (map === undefined) {
    return undefined;
  }
  for (const [recipient, entry] of Object.entries(map)) {
    if (!isPlainObject(entry)) {
      throw new InvalidMessageError(`\`${field}["${recipient}"]\` must be an object`, field);
    }
  }
  return map as Record<string, T>;
}

function list<T>(value: readonly T[] | null | undefined, field: string): T[] {
  if (value === undefined || value === null) {
    return [];
  }
  if (!Array.isArray(value)) {
    throw new InvalidMessageError(`\`${field}\` must be an array`, field);
  }
  return [...value];
}

/**
 * An alternative's content type, checked against the MIME grammar (ASCII tokens only: this
 * value goes into a part header) and labelled with the charset its string content is sent in.
 */
function alternativeContentType(value: string, field: string): string {
  const media = parseMediaType(value);
  if (media === undefined || media.type === "multipart" || media.type === "message") {
    throw new InvalidMessageError(
      `\`${field}\` must be an ASCII MIME type such as "text/x-amp-html" (RFC 2045), got ${JSON.stringify(value)}`,
      field,
    );
  }
  const charset = charsetOf(media);
  if (charset !== undefined && !isUtf8Label(charset)) {
    throw new InvalidMessageError(
      `\`${field}\` says charset=${charset}, but alternatives are sent as UTF-8: drop the charset parameter`,
      field,
    );
  }
  // Without a charset, readers take text as US-ASCII: an AMP body's "⚡" would turn to mojibake.
  return media.type === "text" && charset === undefined ? `${value.trim()}; charset=utf-8` : value.trim();
}

function normalizeAlternatives(value: readonly Alternative[] | null | undefined): Alternative[] {
  return list(value, "alternatives").map((alt, index) => {
    const field = `alternatives[${index}]`;
    if (!isPlainObject(alt) || typeof alt.content !== "string" || typeof alt.contentType !== "string") {
      throw new InvalidMessageError(`\`${field}\` must be { content: string, contentType: string }`, field);
    }
    return {
      content: alt.content,
      contentType: alternativeContentType(alt.contentType, `${field}.contentType`),
    };
  });
}

function normalizeTags(value: readonly string[] | null | undefined): string[] {
  return list(value, "tags").map((tag, index) => {
    if (typeof tag !== "string") {
      throw new InvalidMessageError(`\`tags[${index}]\` must be a string`, "tags");
    }
    assertSingleLine(tag, `tags[${index}]`);
    return tag;
  });
}

function normalizeSendAt(value: unknown): Date | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new InvalidMessageError("`sendAt` must be a valid Date", "sendAt");
  }
  return value;
}

/** Pull the headers that change address fields (From, To, Reply-To) out of the extra headers. */
function splitAddressHeaders(pairs: [string, string][]): {
  rest: [string, string][];
  fromHeader: EmailAddress[] | undefined;
  spoofedTo: EmailAddress[] | undefined;
  replyToHeader: EmailAddress[] | undefined;
} {
  let fromHeader: EmailAddress[] | undefined;
  let spoofedTo: EmailAddress[] | undefined;
  let replyToHeader: EmailAddress[] | undefined;
  const rest: [string, string][] = [];
  for (const [name, value] of pairs) {
    const lower = name.toLowerCase();
    if (lower === "from") {
      fromHeader = parseAddressList(value, "headers.From");
    } else if (lower === "to") {
      spoofedTo = parseAddressList(value, "headers.To");
    } else if (lower === "reply-to") {
      replyToHeader = parseAddressList(value, "headers.Reply-To");
    } else if (lower === "bcc") {
      // A Bcc header would be shown to every recipient: refuse rather than leak the list.
      throw new InvalidMessageError("Put blind copies in `bcc`, not in a Bcc header", "headers.Bcc");
    } else {
      rest.push([name, value]);
    }
  }
  return { rest, fromHeader, spoofedTo, replyToHeader };
}

/**
 * Validate a message (after send defaults) and bring it into the shape backends use: parsed
 * addresses, byte attachments, checked headers. Pure; throws on the first problem.
 *
 * @throws InvalidAddressError for a bad address, InvalidMessageError for anything else malformed
 * @example
 * ```ts
 * const normalized = normalizeMessage({ from: "a@example.com", to: "b@example.com", subject: "Hi" });
 * normalized.to[0].addrSpec; // "b@example.com"
 * ```
 */
export function normalizeMessage(message: EmailMessage): NormalizedMessage {
  if (typeof message !== "object" || message === null || Array.isArray(message)) {
    throw new InvalidMessageError("The message must be an object", "message");
  }
  for (const key of Object.keys(message)) {
    if (!Object.hasOwn(SEND_DEFAULT_RULES, key)) {
      throw new InvalidMessageError(`Unknown message field \`${key}\``, key);
    }
  }
  const subject = optionalString(message.subject, "subject");
  if (subject !== undefined) {
    assertSingleLine(subject, "subject");
  }
  const headerPairs = validateHeaders(
    optionalObject<Record<string, string>>(message.headers, "headers") ?? {},
  );
  const { rest, fromHeader, spoofedTo, replyToHeader } = splitAddressHeaders(headerPairs);
  const mergeHeaders = perRecipient<Record<string, string>>(message.mergeHeaders, "mergeHeaders");
  for (const [recipient, headers] of Object.entries(mergeHeaders ?? {})) {
    validateHeaders(headers, `mergeHeaders["${recipient}"]`);
  }
  const envelopeSender = message.envelopeSender ?? undefined;
  return {
    from: parseAddressList(message.from, "from"),
    to: parseAddressList(message.to, "to"),
    cc: parseAddressList(message.cc, "cc"),
    bcc: parseAddressList(message.bcc, "bcc"),
    replyTo: replyToHeader ?? parseAddressList(message.replyTo, "replyTo"),
    subject,
    text: optionalString(message.text, "text"),
    html: optionalString(message.html, "html"),
    alternatives: normalizeAlternatives(message.alternatives),
    attachments: list(message.attachments, "attachments").map((attachment, index) =>
      normalizeAttachment(attachment, index),
    ),
    headers: rest,
    spoofedTo,
    fromHeader,
    envelopeSender:
      envelopeSender === undefined ? undefined : parseSingleAddress(envelopeSender, "envelopeSender"),
    metadata: optionalObject<JsonObject>(message.metadata, "metadata"),
    tags: normalizeTags(message.tags),
    trackOpens: optionalBoolean(message.trackOpens, "trackOpens"),
    trackClicks: optionalBoolean(message.trackClicks, "trackClicks"),
    sendAt: normalizeSendAt(message.sendAt),
    templateId: optionalString(message.templateId, "templateId"),
    mergeData: perRecipient<JsonObject>(message.mergeData, "mergeData"),
    mergeGlobalData: optionalObject<JsonObject>(message.mergeGlobalData, "mergeGlobalData"),
    mergeHeaders,
    mergeMetadata: perRecipient<JsonObject>(message.mergeMetadata, "mergeMetadata"),
    espExtra: optionalObject<Record<string, unknown>>(message.espExtra, "espExtra"),
    suppression: normalizeSuppression(message.suppression),
    unsubscribe: normalizeUnsubscribe(message.unsubscribe),
    listManagement: normalizeListManagement(message.listManagement),
  };
}
