import type { MailerBackend } from "../backend";
import type { NormalizedMessage } from "../message/types";
import { statusForEveryRecipient } from "../send-status";

/** One message the in-memory backend accepted. */
export interface OutboxEntry {
  /** The message as the backend received it: send defaults applied, addresses parsed. */
  message: NormalizedMessage;
  /** The message id the backend reported. */
  messageId: string;
}

/** A backend that keeps messages in memory; see {@link createMemoryBackend}. */
export interface MemoryBackend extends MailerBackend<NormalizedMessage, string> {
  /** Every message sent so far, in order. */
  readonly outbox: OutboxEntry[];
  /** Empty the outbox. */
  clear(): void;
  /** Make the next send fail with this error (once). */
  failNext(error: Error): void;
}

/**
 * An in-memory backend for your own tests: messages go through the real send algorithm (send
 * defaults, validation, hooks) and land in `outbox` instead of SES.
 *
 * @example
 * ```ts
 * import { createMailer } from "mailroom-ses";
 * import { createMemoryBackend } from "mailroom-ses/testing";
 *
 * const backend = createMemoryBackend();
 * const mailer = createMailer({ backend });
 * await signUp("alice@example.com", mailer);
 * expect(backend.outbox[0].message.to[0].addrSpec).toBe("alice@example.com");
 * ```
 */
export function createMemoryBackend(options: { name?: string } = {}): MemoryBackend {
  const outbox: OutboxEntry[] = [];
  let pendingFailure: Error | undefined;
  let counter = 0;
  return {
    name: options.name ?? "Mailroom test backend",
    outbox,
    clear() {
      outbox.length = 0;
    },
    failNext(error) {
      pendingFailure = error;
    },
    buildPayload(message) {
      return message;
    },
    async callApi(message) {
      if (pendingFailure !== undefined) {
        const error = pendingFailure;
        pendingFailure = undefined;
        throw error;
      }
      counter += 1;
      const messageId = `test-message-${counter}`;
      outbox.push({ message, messageId });
      return messageId;
    },
    parseResult(messageId, message) {
      const recipients = statusForEveryRecipient(message, "queued", messageId);
      return { recipients, response: { messageId } };
    },
  };
}
