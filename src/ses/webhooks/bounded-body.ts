/**
 * Reading a response body into one Uint8Array without letting it grow past a limit.
 *
 * @module
 */
import { concatBytes } from "../../concat-bytes";
import { ApiError, ConfigurationError } from "../../errors";

/**
 * What {@link collectBoundedBody} may be handed: the SDK's Node stream (an async iterable of
 * Buffers), a web ReadableStream (async iterable on Node 20+), or bytes a test double returns.
 *
 * @example
 * ```ts
 * const body: BodySource = output.Body as BodySource;
 * ```
 */
export type BodySource = Uint8Array | string | AsyncIterable<Uint8Array | string>;

/**
 * Limits and names for {@link collectBoundedBody}.
 *
 * @example
 * ```ts
 * const options: BoundedBodyOptions = { maxBytes: 1024, expectedLength: 512, what: "S3 object 's3://b/k'" };
 * ```
 */
export interface BoundedBodyOptions {
  /** The most bytes to accept. */
  maxBytes: number;
  /** The length the response announced (Content-Length), when it did. */
  expectedLength?: number | undefined;
  /** The body's name in error messages, e.g. `S3 object 's3://bucket/key'`. */
  what: string;
}

/**
 * The error for a body over the limit; `size` when the body announced it.
 *
 * @example
 * ```ts
 * throw tooLarge("S3 object 's3://mail/big'", 41_943_040, 50_000_000);
 * ```
 */
export function tooLarge(what: string, maxBytes: number, size?: number): ConfigurationError {
  const actual = size === undefined ? "larger than" : `${size} bytes, more than`;
  return new ConfigurationError(
    `${what} is ${actual} maxBytes (${maxBytes} bytes): refusing to read it. ` +
      "Raise createS3ObjectReader's maxBytes if messages this large are expected.",
  );
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array | string> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

const encoder = new TextEncoder();

function asBytes(chunk: Uint8Array | string): Uint8Array {
  return typeof chunk === "string" ? encoder.encode(chunk) : chunk;
}

/** Known length: write every chunk straight into one buffer of that length (one copy in all). */
async function collectKnownLength(
  body: AsyncIterable<Uint8Array | string>,
  length: number,
  what: string,
): Promise<Uint8Array> {
  const result = new Uint8Array(length);
  let offset = 0;
  for await (const piece of body) {
    const chunk = asBytes(piece);
    if (offset + chunk.byteLength > length) {
      // Leaving the loop by throwing destroys the stream (and its socket).
      throw new ApiError(`${what} is longer than the ${length} bytes its Content-Length announced`);
    }
    result.set(chunk, offset);
    offset += chunk.byteLength;
  }
  if (offset !== length) {
    throw new ApiError(`${what} ended after ${offset} of the ${length} bytes its Content-Length announced`);
  }
  return result;
}

/** Unknown length: keep the chunks, stop as soon as they pass the limit, join them once. */
async function collectUnknownLength(
  body: AsyncIterable<Uint8Array | string>,
  maxBytes: number,
  what: string,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const piece of body) {
    const chunk = asBytes(piece);
    total += chunk.byteLength;
    if (total > maxBytes) {
      throw tooLarge(what, maxBytes);
    }
    chunks.push(chunk);
  }
  return concatBytes(chunks, total);
}

/**
 * Read a body into one Uint8Array of at most `maxBytes`. A body that announces a larger length is
 * refused before a byte is read; one that streams past the limit is abandoned at the chunk that
 * crosses it (its stream destroyed), so an oversized object never sits in memory whole. Chunks
 * are copied once, never re-concatenated as they arrive.
 *
 * @throws ConfigurationError when the body is larger than `maxBytes`
 * @throws ApiError when the body is missing, or shorter or longer than it announced
 * @example
 * ```ts
 * const bytes = await collectBoundedBody(output.Body, {
 *   maxBytes: 40 * 1024 * 1024,
 *   expectedLength: output.ContentLength,
 *   what: "S3 object 's3://mail/inbound/abc'",
 * });
 * ```
 */
export async function collectBoundedBody(body: unknown, options: BoundedBodyOptions): Promise<Uint8Array> {
  const { maxBytes, expectedLength, what } = options;
  if (expectedLength !== undefined && expectedLength > maxBytes) {
    throw tooLarge(what, maxBytes, expectedLength);
  }
  if (body instanceof Uint8Array || typeof body === "string") {
    const bytes = asBytes(body);
    if (bytes.byteLength > maxBytes) {
      throw tooLarge(what, maxBytes, bytes.byteLength);
    }
    return bytes;
  }
  if (!isAsyncIterable(body)) {
    throw new ApiError(`${what} came back without a readable body`);
  }
  return expectedLength === undefined
    ? collectUnknownLength(body, maxBytes, what)
    : collectKnownLength(body, expectedLength, what);
}
