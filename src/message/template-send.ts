/**
 * Whether a message is a template send: one test for the SES payload builder, the suppression filter
 * and the unsubscribe headers, so they never disagree on which path a message takes.
 *
 * @module
 */
import type { NormalizedMessage } from "./types";

/**
 * True when the message is sent as a template (SESv2 SendBulkEmail): it names a template or has
 * any merge field.
 *
 * @example
 * ```ts
 * isTemplateSend(normalizeMessage({ templateId: "welcome" })); // true
 * ```
 */
export function isTemplateSend(message: NormalizedMessage): boolean {
  return (
    message.templateId !== undefined ||
    message.mergeData !== undefined ||
    message.mergeGlobalData !== undefined ||
    message.mergeHeaders !== undefined ||
    message.mergeMetadata !== undefined
  );
}
