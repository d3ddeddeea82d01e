/**
 * Test kit for applications that use Mailroom: an in-memory backend with an outbox.
 *
 * @example
 * ```ts
 * import { createMemoryBackend } from "mailroom-ses/testing";
 * const backend = createMemoryBackend();
 * ```
 *
 * @module
 */
export { createMemoryBackend } from "./memory-backend";
export type { MemoryBackend, MemoryBackendOptions, OutboxEntry } from "./memory-backend";
export { createSnsTestSigner } from "./sns-signing";
export type {
  SnsSignatureVersion,
  SnsTestConfirmationOptions,
  SnsTestNotificationOptions,
  SnsTestSigner,
  SnsTestSignerOptions,
  UnsignedSnsEnvelope,
} from "./sns-signer-types";
export { startThrottlingProxy } from "./throttling-proxy";
export type { ThrottlingProxy, ThrottlingProxyCounts, ThrottlingProxyOptions } from "./throttling-proxy";
