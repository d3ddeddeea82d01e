/**
 * The one error inbound parsing throws.
 *
 * @module
 */
import { ErrorCode, MailroomError } from "../errors";

/**
 * Which part of the parsing budget a message went over (see {@link InboundParseError.limit}).
 *
 * @example
 * ```ts
 * const limit: InboundParseLimit = "parts";
 * ```
 */
export type InboundParseLimit = "parts" | "depth" | "headerBytes" | "decodedBytes";

/**
 * A received message could not be parsed: it went over the parsing budget (more than 10,000 MIME
 * parts, 2 MiB of headers, multiparts nested more than 256 deep; `limit` says which). Only hostile
 * or broken input gets here: malformed headers and addresses are read best-effort instead. The
 * inbound webhook answers 400, so SNS does not deliver the message again.
 *
 * @example
 * ```ts
 * import { InboundParseError, parseInboundMessage } from "mailroom-ses";
 *
 * declare const bytes: Uint8Array;
 * declare function quarantine(bytes: Uint8Array, reason: string): void;
 * try {
 *   await parseInboundMessage(bytes);
 * } catch (err) {
 *   if (err instanceof InboundParseError) quarantine(bytes, `${err.limit}: ${err.message}`);
 * }
 * ```
 */
export class InboundParseError extends MailroomError<typeof ErrorCode.invalidMessage> {
  /** The budget that was exceeded; `undefined` for other failures. */
  readonly limit: InboundParseLimit | undefined;

  constructor(message: string, options?: { cause?: unknown; limit?: InboundParseLimit | undefined }) {
    super(ErrorCode.invalidMessage, message, options);
    this.limit = options?.limit;
  }
}
