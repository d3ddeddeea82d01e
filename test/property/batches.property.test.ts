import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { normalizeMessage } from "../../src/message/normalize";
import { buildSendBulkEmailInputs } from "../../src/ses/payload/send-bulk-email";
import { strict } from "../helpers/context";

describe("bulk batching properties", () => {
  it("any recipient count gives batches of at most the batch size, every recipient exactly once, in order", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
        (count, batchSize) => {
          const to = Array.from({ length: count }, (_, i) => `r${i}@example.com`);
          const { inputs, batches } = buildSendBulkEmailInputs(
            normalizeMessage({ templateId: "t", from: "f@example.com", to }),
            { batchSize },
            strict,
          );
          const limit = batchSize ?? 50;
          expect(
            inputs.every(
              (input) =>
                (input.BulkEmailEntries?.length ?? 0) <= limit && (input.BulkEmailEntries?.length ?? 0) > 0,
            ),
          ).toBe(true);
          expect(inputs.length).toBe(Math.ceil(count / limit));
          const sent = inputs.flatMap(
            (input) => input.BulkEmailEntries?.map((entry) => entry.Destination?.ToAddresses?.[0]) ?? [],
          );
          expect(sent).toEqual(to);
          expect(batches.flat().map((a) => a.addrSpec)).toEqual(to);
        },
      ),
      { numRuns: 200 },
    );
  });
});
