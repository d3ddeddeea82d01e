/**
 * Effectively-once handling for every intake route: claim an event id, run the application's
 * callback, complete (or release on failure). The protocol itself lives in `store/` (below every
 * route, so the webhook core can use it too); this is its entry point for the routes in `intake/`.
 *
 * @module
 */
export { runOnce } from "../store/dedupe-run-once";
export type { RunOnceOptions, RunOnceResult } from "../store/dedupe-run-once";
export { DEFAULT_DEDUPE_KEEP_MS, DEFAULT_DEDUPE_LEASE_MS } from "../store/dedupe-store";
export type { ClaimResult, DedupeStore } from "../store/dedupe-store";
