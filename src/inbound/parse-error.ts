/**
 * The one error inbound parsing throws.
 *
 * @module
 */
import { ErrorCode, MailroomError } from "../errors";

/**
 * A received message could not be parsed at all. Only hostile or broken input gets here (more
 * than 2 MiB of headers, MIME parts nested hundreds deep): malformed headers and addresses are
 * read best-effort instead. The parser's own error is kept as `cause`.
 *
 * @example
 * ```ts
 * try {
 *   await parseInboundMessage(bytes);
 * } catch (err) {
 *   if (err instanceof InboundParseError) quarantine(bytes, err.message);
 * }
 * ```
 */
export class InboundParseError extends MailroomError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.invalidMessage, message, options);
  }
}
