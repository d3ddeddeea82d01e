/**
 * Inbound email: parsing a received message (raw MIME plus the receiving service's receipt) into
 * an {@link InboundMessage}. ESP-neutral; `mailroom-ses` turns SES receipt notifications into
 * inbound events with it.
 *
 * @example
 * ```ts
 * import { parseInboundMessage } from "mailroom-ses";
 * const message = await parseInboundMessage(bytes, { envelopeRecipient: "support@example.com" });
 * ```
 *
 * @module
 */
export { parseInboundMessage } from "./inbound-message";
export { HeaderMap } from "./header-map";
export type { HeaderEntry } from "./header-map";
export { InboundAddress } from "./inbound-address";
export { InboundParseError } from "./parse-error";
export type { InboundParseLimit } from "./parse-error";
export { normalizeVerdicts, spamDetectedFrom } from "./verdicts";
export type {
  DmarcPolicy,
  InboundAttachment,
  InboundMessage,
  InboundReceiptInfo,
  ReceiptVerdicts,
  VerdictStatus,
} from "./types";
