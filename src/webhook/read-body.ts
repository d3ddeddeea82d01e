/**
 * Reading a webhook request body as text, with a size limit enforced while reading.
 *
 * @module
 */
import { concatBytes } from "../concat-bytes";
import { WebhookValidationError } from "../errors";
import type { ParsedJsonBody, WebhookBody } from "./types";

/**
 * The default `maxBodyBytes`, 1 MiB: SNS messages are at most 256 KiB; the rest is headroom for
 * JSON escaping and the envelope.
 *
 * @example
 * ```ts
 * amazonSesTrackingWebhook({ onEvent, maxBodyBytes: 2 * DEFAULT_MAX_BODY_BYTES });
 * ```
 */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * Validate the `maxBodyBytes` option.
 *
 * @throws TypeError naming the option when it is not a positive safe integer.
 * @example
 * ```ts
 * maxBodyBytesOption(undefined); // 1048576
 * ```
 */
export function maxBodyBytesOption(value: number | undefined): number {
  if (value === undefined) {
    return DEFAULT_MAX_BODY_BYTES;
  }
  // Strict: 0, NaN or a numeric string would otherwise silently disable or break the limit.
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError("maxBodyBytes must be a positive integer");
  }
  return value;
}

/**
 * The body as UTF-8 text, whatever the Content-Type: SNS posts its JSON as
 * `text/plain; charset=UTF-8`, so content negotiation would only get in the way.
 *
 * Streams and chunk iterators are read chunk by chunk and abandoned as soon as they pass
 * `maxBytes` (cancelled, or their iterator returned), so an oversized or endless body never sits in
 * memory; a Content-Length over the limit is refused before reading anything.
 *
 * @param contentLength - the Content-Length header, when there is one
 * @throws WebhookValidationError 413 when the body is too large, 400 when it is not UTF-8 or the
 *   stream fails.
 * @example
 * ```ts
 * const text = await readBodyText(request.body, request.headers.get("content-length"), 1024 * 1024);
 * ```
 */
export async function readBodyText(
  body: WebhookBody,
  contentLength: string | null,
  maxBytes: number,
): Promise<string> {
  if (Number(contentLength ?? "0") > maxBytes) {
    if (isReadableStream(body)) {
      await body.cancel().catch(() => undefined);
    }
    throw tooLarge(maxBytes);
  }
  const bytes = await readBytes(body, maxBytes);
  try {
    return decoder.decode(bytes);
  } catch (cause) {
    throw new WebhookValidationError("Request body is not valid UTF-8", { cause });
  }
}

// fatal: a body that is not UTF-8 is refused rather than "repaired" into different text.
const decoder = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

async function readBytes(body: WebhookBody, maxBytes: number): Promise<Uint8Array> {
  if (body === null) {
    return new Uint8Array(0);
  }
  if (isParsedJson(body)) {
    body = serializeParsed(body.parsedJson);
  }
  if (typeof body === "string" || body instanceof Uint8Array) {
    // Already read by a framework: still held to the same limit.
    const bytes = typeof body === "string" ? encoder.encode(body) : body;
    if (bytes.byteLength > maxBytes) {
      throw tooLarge(maxBytes);
    }
    return bytes;
  }
  return isReadableStream(body) ? readStream(body, maxBytes) : readIterable(body, maxBytes);
}

function isParsedJson(body: WebhookBody): body is ParsedJsonBody {
  return typeof body === "object" && body !== null && Object.hasOwn(body, "parsedJson");
}

// An SNS envelope nests three levels (envelope, MessageAttributes, one attribute); anything much
// deeper is not one, and must not reach a recursive serializer.
const MAX_PARSED_DEPTH = 8;

/**
 * JSON text for a value a framework's parser produced. SNS signs field values, not bytes, so the
 * re-serialized envelope verifies the same. Only objects are SNS envelopes; depth is checked
 * without recursion before JSON.stringify (which recurses) runs.
 */
function serializeParsed(value: unknown): string {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new WebhookValidationError("SNS request body must be a JSON object");
  }
  const stack: [unknown, number][] = [[value, 1]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [node, depth] = item;
    if (typeof node !== "object" || node === null) {
      continue;
    }
    if (depth > MAX_PARSED_DEPTH) {
      throw new WebhookValidationError("SNS request body nests too deep to be an SNS envelope");
    }
    for (const child of Object.values(node)) {
      stack.push([child, depth + 1]);
    }
  }
  try {
    return JSON.stringify(value);
  } catch (cause) {
    // A getter that throws, a BigInt, a cycle: not what a JSON parser produces, but still not ours to crash on.
    throw new WebhookValidationError("SNS request body cannot be serialized as JSON", { cause });
  }
}

/** Duck-typed: a Fetch body stream from another realm or polyfill is still a stream. */
function isReadableStream(body: WebhookBody): body is ReadableStream<Uint8Array> {
  return typeof (body as Partial<ReadableStream> | null)?.getReader === "function";
}

async function readStream(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (cause) {
      throw new WebhookValidationError("Could not read the request body", { cause });
    }
    if (chunk.done) {
      return concatBytes(chunks, total);
    }
    total += chunk.value.byteLength;
    if (total > maxBytes) {
      // Stop the upload here: whatever else arrives is discarded by the runtime, not buffered.
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(chunk.value);
  }
}

async function readIterable(body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of body) {
      total += chunk.byteLength;
      if (total > maxBytes) {
        // Leaving the loop returns the iterator: the source stops being read.
        throw tooLarge(maxBytes);
      }
      chunks.push(chunk);
    }
  } catch (cause) {
    if (cause instanceof WebhookValidationError) {
      throw cause;
    }
    throw new WebhookValidationError("Could not read the request body", { cause });
  }
  return concatBytes(chunks, total);
}

function tooLarge(maxBytes: number): WebhookValidationError {
  return new WebhookValidationError(`Request body is larger than ${maxBytes} bytes`, { httpStatus: 413 });
}
