/**
 * Reading a node:http request body for the webhook core, chunk by chunk with backpressure: the
 * core decides how much to read (it stops at its size limit), Node holds the rest in the socket.
 *
 * @module
 */
import type { IncomingMessage } from "node:http";

/**
 * The body of `req` as chunks. Reading pauses the request between chunks (nothing piles up in
 * memory), and stopping early (`return`, as the core does past its size limit) only detaches: the
 * request is not destroyed, so its socket can still carry the 413. Listeners are attached on the
 * first read, so a request refused before its body is read (401, 405) is left untouched.
 *
 * @example
 * ```ts
 * for await (const chunk of nodeBodyChunks(req)) total += chunk.byteLength;
 * ```
 */
export function nodeBodyChunks(req: IncomingMessage): AsyncIterable<Uint8Array> {
  return new NodeBodyChunks(req);
}

/** What {@link nodeBodyChunks} returns: each iteration reads with its own {@link ChunkIterator}. */
class NodeBodyChunks implements AsyncIterable<Uint8Array> {
  constructor(private readonly req: IncomingMessage) {}

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return new ChunkIterator(this.req);
  }
}

/**
 * One read of a request body. A class with its listeners bound once, rather than a closure per
 * listener: this runs once per webhook request, and a handful of closures (named ones, under
 * some transpilers, with a property definition each) cost more than the rest of the reading.
 */
class ChunkIterator implements AsyncIterator<Uint8Array> {
  private readonly queue: Uint8Array[] = [];
  private ended = false;
  private failure: unknown = undefined;
  private wake: (() => void) | undefined = undefined;
  private readonly onData: (chunk: Buffer) => void;
  private readonly onEnd: () => void;
  private readonly onError: (error: unknown) => void;
  private readonly onClose: () => void;

  constructor(private readonly req: IncomingMessage) {
    this.onData = this.data.bind(this);
    this.onEnd = this.end.bind(this);
    this.onError = this.error.bind(this);
    this.onClose = this.close.bind(this);
    req.on("data", this.onData).on("end", this.onEnd).on("error", this.onError).on("close", this.onClose);
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    for (;;) {
      const chunk = this.queue.shift();
      if (chunk !== undefined) {
        return { value: chunk, done: false };
      }
      if (this.ended || this.failure !== undefined) {
        this.detach();
        if (this.ended) {
          return { value: undefined, done: true };
        }
        throw this.failure;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.req.resume();
      });
      this.wake = undefined;
    }
  }

  async return(): Promise<IteratorResult<Uint8Array>> {
    this.detach();
    return { value: undefined, done: true };
  }

  private data(chunk: Buffer): void {
    this.queue.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    this.req.pause();
    this.wake?.();
  }

  private end(): void {
    this.ended = true;
    this.wake?.();
  }

  private error(error: unknown): void {
    this.failure ??= error;
    this.wake?.();
  }

  // 'close' follows 'end' on every request; only a close before the end is a failure (and only
  // then is an Error, with its stack trace, worth building).
  private close(): void {
    if (!this.ended && !this.req.complete) {
      this.error(new Error("The client closed the connection mid-request"));
    }
  }

  private detach(): void {
    this.req
      .off("data", this.onData)
      .off("end", this.onEnd)
      .off("error", this.onError)
      .off("close", this.onClose);
  }
}

/**
 * The body of `req` as a web stream, for Fetch handlers that are not Mailroom webhooks; same
 * backpressure and early-stop behaviour as {@link nodeBodyChunks}.
 *
 * @example
 * ```ts
 * new Request(url, { method: "POST", body: nodeBodyStream(req), duplex: "half" });
 * ```
 */
export function nodeBodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let iterator: AsyncIterator<Uint8Array> | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      iterator ??= new ChunkIterator(req);
      const { value, done } = await iterator.next();
      if (done === true) {
        controller.close();
      } else {
        controller.enqueue(value);
      }
    },
    async cancel() {
      await iterator?.return?.();
    },
  });
}
