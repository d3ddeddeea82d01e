/**
 * The size-bounded body collector behind the S3 reader, fed by hand-made streams so the tests
 * can see exactly how much was pulled and whether the stream was abandoned.
 */
import { Readable } from "node:stream";

import { describe, expect, it } from "vitest";

import { ApiError, ConfigurationError } from "../../src/errors";
import { collectBoundedBody } from "../../src/ses/webhooks/bounded-body";

const what = "S3 object 's3://mail/in/m-1'";

/** A stream of `count` chunks of `size` bytes (chunk i filled with i), counting what was pulled. */
function countingStream(count: number, size: number) {
  const state = { pulled: 0, destroyed: false };
  let i = 0;
  const stream = new Readable({
    highWaterMark: size,
    read() {
      if (i === count) {
        this.push(null);
        return;
      }
      state.pulled += size;
      this.push(new Uint8Array(size).fill(i % 256));
      i += 1;
    },
    destroy(err, callback) {
      state.destroyed = true;
      callback(err);
    },
  });
  return { stream, state };
}

function expected(count: number, size: number): Uint8Array {
  const out = new Uint8Array(count * size);
  for (let i = 0; i < count; i += 1) {
    out.fill(i % 256, i * size, (i + 1) * size);
  }
  return out;
}

describe("collectBoundedBody", () => {
  it("joins chunks in order, with and without a known length", async () => {
    for (const expectedLength of [undefined, 10 * 1000]) {
      const { stream } = countingStream(10, 1000);
      const bytes = await collectBoundedBody(stream, { maxBytes: 20_000, expectedLength, what });
      expect(bytes).toEqual(expected(10, 1000));
    }
  });

  it("refuses an announced length over the limit without pulling a byte", async () => {
    const { stream, state } = countingStream(100, 1000);
    const result = collectBoundedBody(stream, { maxBytes: 50_000, expectedLength: 100_000, what });
    await expect(result).rejects.toThrow(
      "S3 object 's3://mail/in/m-1' is 100000 bytes, more than maxBytes (50000 bytes): refusing to read it.",
    );
    await expect(result).rejects.toBeInstanceOf(ConfigurationError);
    expect(state.pulled).toBe(0);
  });

  it("stops an unannounced body at the chunk that crosses the limit, and destroys the stream", async () => {
    const { stream, state } = countingStream(100, 1000);
    const result = collectBoundedBody(stream, { maxBytes: 5_500, what });
    await expect(result).rejects.toThrow(/is larger than maxBytes \(5500 bytes\): refusing to read it/);
    // Node may buffer one chunk ahead of the consumer; nowhere near the 100 000 bytes on offer.
    expect(state.pulled).toBeLessThanOrEqual(8_000);
    expect(state.destroyed).toBe(true);
  });

  it("accepts a body of exactly maxBytes", async () => {
    const { stream } = countingStream(5, 1000);
    await expect(collectBoundedBody(stream, { maxBytes: 5_000, what })).resolves.toHaveLength(5_000);
  });

  it("fails a body shorter or longer than its Content-Length", async () => {
    const short = countingStream(3, 1000).stream;
    await expect(
      collectBoundedBody(short, { maxBytes: 10_000, expectedLength: 4_000, what }),
    ).rejects.toThrow(
      "S3 object 's3://mail/in/m-1' ended after 3000 of the 4000 bytes its Content-Length announced",
    );
    const long = countingStream(5, 1000);
    const result = collectBoundedBody(long.stream, { maxBytes: 10_000, expectedLength: 4_000, what });
    await expect(result).rejects.toBeInstanceOf(ApiError);
    expect(long.state.destroyed).toBe(true);
  });

  it("takes web streams and plain bytes too", async () => {
    const web = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(Uint8Array.of(1, 2));
        controller.enqueue(Uint8Array.of(3));
        controller.close();
      },
    });
    await expect(collectBoundedBody(web, { maxBytes: 10, what })).resolves.toEqual(Uint8Array.of(1, 2, 3));
    await expect(collectBoundedBody(Uint8Array.of(9), { maxBytes: 10, what })).resolves.toEqual(
      Uint8Array.of(9),
    );
    await expect(collectBoundedBody(Uint8Array.of(1, 2, 3), { maxBytes: 2, what })).rejects.toBeInstanceOf(
      ConfigurationError,
    );
  });

  it("reports a missing body as an ApiError", async () => {
    await expect(collectBoundedBody(undefined, { maxBytes: 10, what })).rejects.toThrow(
      "S3 object 's3://mail/in/m-1' came back without a readable body",
    );
  });
});
