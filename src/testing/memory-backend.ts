import type { MailerBackend } from "../backend";
import type { NormalizedMessage } from "../message/types";
import type { AmazonSesOptions } from "../ses/options";
import { buildSesPayload, parseSesResponse } from "../ses/ses-payload";
import type { SesPayload, SesResponse, SesSendResponse } from "../ses/ses-payload";

/**
 * One message the in-memory backend accepted.
 *
 * @example
 * ```ts
 * const [entry] = backend.outbox;
 * if (entry?.payload.operation === "SendEmail") console.log(entry.payload.input.Destination);
 * ```
 */
export interface OutboxEntry {
  /** The message as the backend received it: send defaults applied, addresses parsed. */
  message: NormalizedMessage;
  /** The SES request(s) the SES backend would have made for it, built by the same code. */
  payload: SesPayload;
  /** The message id every recipient shares (SendEmail); undefined for template sends. */
  messageId: string | undefined;
  /** Every message id given out, in recipient order: one for SendEmail, one per `to` recipient for template sends. */
  messageIds: string[];
  /** Message id per recipient addr-spec, as `SendStatus.recipients` reports them. */
  recipientMessageIds: Record<string, string>;
}

/**
 * Options of {@link createMemoryBackend}: the SES backend's payload options (so the same options
 * object can configure either backend), and a name.
 *
 * @example
 * ```ts
 * const options: MemoryBackendOptions = { configurationSetName: "Tracking", messageTagName: "Type" };
 * ```
 */
export interface MemoryBackendOptions extends Pick<
  AmazonSesOptions,
  "configurationSetName" | "messageTagName" | "batchSize"
> {
  /** The backend's name (`mailer.esp`, and error messages); default "Amazon SES", as in production. */
  name?: string | undefined;
}

/**
 * What the memory backend's build step hands its send step: the message and its SES request(s).
 *
 * @example
 * ```ts
 * const payload: MemoryBackendPayload = await backend.buildPayload(normalizeMessage(message), context);
 * payload.ses.operation; // "SendEmail"
 * ```
 */
export interface MemoryBackendPayload {
  /** The message, for the outbox. */
  message: NormalizedMessage;
  /** The SES request(s). */
  ses: SesPayload;
}

/**
 * A backend that keeps messages in memory; see {@link createMemoryBackend}.
 *
 * @example
 * ```ts
 * const backend: MemoryBackend = createMemoryBackend();
 * backend.outbox.length; // 0
 * ```
 */
export interface MemoryBackend extends MailerBackend<MemoryBackendPayload, SesResponse, SesSendResponse> {
  /** Every message sent so far, in order. */
  readonly outbox: OutboxEntry[];
  /** Empty the outbox. */
  clear(): void;
  /** Make the next send fail with this error (once). */
  failNext(error: Error): void;
}

/**
 * An in-memory backend for your own tests: messages go through the real send algorithm (send
 * defaults, validation, hooks) and the SES backend's own payload builders, so anything SES would
 * refuse (`sendAt` without a queue, two From addresses, a template plus a subject, merge data
 * without a body, two tags with `messageTagName`...) fails here with the same error. What SES
 * would be sent lands in `outbox` instead, with message ids shaped as SES gives them out (one
 * per message, or one per `to` recipient for a template send).
 *
 * @example
 * ```ts
 * import { createMailer } from "mailroom-ses";
 * import { createMemoryBackend } from "mailroom-ses/testing";
 *
 * const backend = createMemoryBackend({ configurationSetName: "Tracking" });
 * const mailer = createMailer({ backend });
 * await mailer.send({ from: "shop@example.com", to: "alice@example.com", subject: "Hi", text: "Hello" });
 * backend.outbox[0]?.message.to[0]?.addrSpec; // "alice@example.com"
 * ```
 */
export function createMemoryBackend(options: MemoryBackendOptions = {}): MemoryBackend {
  const outbox: OutboxEntry[] = [];
  const payloadOptions = {
    configurationSetName: options.configurationSetName,
    messageTagName: options.messageTagName,
    batchSize: options.batchSize,
  };
  let pendingFailure: Error | undefined;
  let counter = 0;
  const nextId = () => {
    counter += 1;
    return `test-message-${counter}`;
  };

  /** What SES would answer: SUCCESS for every entry, each with its own id. */
  function answer(ses: SesPayload): SesResponse {
    if (ses.operation === "SendEmail") {
      return { operation: "SendEmail", output: { MessageId: nextId(), $metadata: {} } };
    }
    const outcomes = ses.inputs.map((input) => ({
      output: {
        BulkEmailEntryResults: (input.BulkEmailEntries ?? []).map(() => ({
          Status: "SUCCESS" as const,
          MessageId: nextId(),
        })),
        $metadata: {},
      },
    }));
    return { operation: "SendBulkEmail", outcomes };
  }

  return {
    name: options.name ?? "Amazon SES",
    outbox,
    clear() {
      outbox.length = 0;
    },
    failNext(error) {
      pendingFailure = error;
    },
    buildPayload(message, context) {
      return { message, ses: buildSesPayload(message, payloadOptions, context) };
    },
    async callApi({ message, ses }) {
      if (pendingFailure !== undefined) {
        const error = pendingFailure;
        pendingFailure = undefined;
        throw error;
      }
      const response = answer(ses);
      const { recipients } = parseSesResponse(response, ses, message);
      const recipientMessageIds: Record<string, string> = {};
      for (const [address, status] of Object.entries(recipients)) {
        if (status.messageId !== undefined) {
          recipientMessageIds[address] = status.messageId;
        }
      }
      const messageIds =
        response.operation === "SendEmail"
          ? [response.output.MessageId as string]
          : response.outcomes.flatMap(
              (outcome) => outcome.output?.BulkEmailEntryResults?.map((r) => r.MessageId as string) ?? [],
            );
      outbox.push({
        message,
        payload: ses,
        messageId: response.operation === "SendEmail" ? messageIds[0] : undefined,
        messageIds,
        recipientMessageIds,
      });
      return response;
    },
    parseResult: (response, payload, message) => parseSesResponse(response, payload.ses, message),
  };
}
