/**
 * Reading a node:http request body for the webhook core, chunk by chunk with backpressure: the
 * core decides how much to read (it stops at its size limit), Node holds the rest in the socket.
 *
 * @module
 */
import type { IncomingMessage } from "node:http";

/** The events a request body ends with, other than its last chunk. */
interface BodyState {
  queue: Uint8Array[];
  ended: boolean;
  failure: unknown;
  wake: (() => void) | undefined;
}

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
  return { [Symbol.asyncIterator]: () => chunkIterator(req) };
}

function chunkIterator(req: IncomingMessage): AsyncIterator<Uint8Array> {
  const state: BodyState = { queue: [], ended: false, failure: undefined, wake: undefined };
  const onData = (chunk: Buffer): void => {
    state.queue.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    req.pause();
    state.wake?.();
  };
  const onEnd = (): void => {
    state.ended = true;
    state.wake?.();
  };
  const onError = (error: unknown): void => {
    state.failure ??= error;
    state.wake?.();
  };
  // 'close' follows 'end' on every request; only a close before the end is a failure (and only
  // then is an Error, with its stack trace, worth building).
  const onClose = (): void => {
    if (!state.ended && !req.complete) {
      onError(new Error("The client closed the connection mid-request"));
    }
  };
  const detach = (): void => {
    req.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
  };
  req.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
  return {
    async next() {
      for (;;) {
        const chunk = state.queue.shift();
        if (chunk !== undefined) {
          return { value: chunk, done: false };
        }
        if (state.ended || state.failure !== undefined) {
          detach();
          if (state.ended) {
            return { value: undefined, done: true };
          }
          throw state.failure;
        }
        await new Promise<void>((resolve) => {
          state.wake = resolve;
          req.resume();
        });
        state.wake = undefined;
      }
    },
    async return() {
      detach();
      return { value: undefined, done: true };
    },
  };
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
      iterator ??= chunkIterator(req);
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
