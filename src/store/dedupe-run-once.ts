/**
 * The claim / run / complete protocol over a {@link DedupeStore}, written once for every intake
 * route (webhook, queue-backed webhook, SQS, EventBridge, Lambda). It lives next to the store
 * interface, below every route, so that each route can use it without importing another route.
 *
 * @module
 */
import type { DedupeStore } from "./dedupe-store";

/**
 * What {@link runOnce} did:
 * - `"handled"`: this call ran the work and it succeeded;
 * - `"duplicate"`: the id was already handled; nothing ran (acknowledge it);
 * - `"in-flight"`: another delivery is running it right now; nothing ran (answer "retry later":
 *   503 over HTTP, leave the message on an SQS queue).
 *
 * @example
 * ```ts
 * import type { RunOnceResult } from "mailroom-ses";
 * const status = (result: RunOnceResult): number => (result === "in-flight" ? 503 : 200);
 * ```
 */
export type RunOnceResult = "handled" | "duplicate" | "in-flight";

/**
 * Options of {@link runOnce}.
 *
 * @example
 * ```ts
 * const options: RunOnceOptions = { leaseMs: 30_000, keepMs: 7_200_000 };
 * ```
 */
export interface RunOnceOptions {
  /** How long the claim lasts while the work runs; a claim of a process that died lapses then. */
  leaseMs: number;
  /** How long the id is remembered once handled: at least the longest redelivery window. */
  keepMs: number;
  /**
   * Told when the store failed to record a success (the work already ran, so the result is still
   * `"handled"`; the claim lapses after `leaseMs`, and a redelivery after that would run again).
   */
  onCompleteError?: ((error: unknown) => void) | undefined;
}

/**
 * Run `work` at most once per `id` across every delivery that shares `store`: claim, run,
 * complete. When `work` throws, the claim is released (so a redelivery runs it again) and the
 * error is rethrown unchanged. When the store itself fails to claim, that error is thrown and
 * nothing runs (the route answers "retry later"; failing open would risk a double handling).
 *
 * @example
 * ```ts
 * import { createMemoryDedupeStore, runOnce } from "mailroom-ses";
 *
 * declare const messageId: string;
 * declare function handle(): Promise<void>;
 * const store = createMemoryDedupeStore();
 * const result = await runOnce(store, messageId, handle, { leaseMs: 30_000, keepMs: 7_200_000 });
 * if (result === "in-flight") console.log("being handled elsewhere; retry later");
 * ```
 */
export async function runOnce(
  store: DedupeStore,
  id: string,
  work: () => unknown,
  options: RunOnceOptions,
): Promise<RunOnceResult> {
  const claim = await store.claim(id, options.leaseMs);
  if (claim !== "claimed") {
    return claim;
  }
  try {
    await work();
  } catch (error) {
    try {
      await store.release(id);
    } catch {
      // The claim lapses after its lease anyway; the work's own error is what the caller needs.
    }
    throw error;
  }
  try {
    await store.complete(id, options.keepMs);
  } catch (error) {
    // Done is done: answering "failed" now would only make the sender redeliver and run it twice.
    options.onCompleteError?.(error);
  }
  return "handled";
}
