import type { MailerBackend, SendContext } from "./backend";
import {
  ConfigurationError,
  InvalidMessageError,
  RecipientsRefusedError,
  UnsupportedFeatureError,
} from "./errors";
import { normalizeMessage } from "./message/normalize";
import { applySendDefaults } from "./message/send-defaults";
import type { EmailMessage, NormalizedMessage } from "./message/types";
import { makeSendStatus } from "./send-status";
import type { SendStatus } from "./send-status";

/** Passed to a pre-send hook. */
export interface PreSendControl {
  /** Cancel this send: nothing is sent, and `send()` resolves with `cancelled: true`. */
  cancel(reason?: string): never;
}

/**
 * Runs before every send, after send defaults were applied. Return a changed message (or
 * nothing to keep it), or call `control.cancel()`.
 */
export type PreSendHook = (
  message: EmailMessage,
  control: PreSendControl,
) => EmailMessage | undefined | Promise<EmailMessage | undefined>;

/** Runs after every successful API call, before recipient statuses are checked. */
export type PostSendHook = (message: EmailMessage, status: SendStatus) => void | Promise<void>;

/** Options of {@link createMailer}. */
export interface MailerOptions<Payload = unknown, Response = unknown> {
  /** The ESP backend, e.g. `amazonSes({...})` from `mailroom/ses`. */
  backend: MailerBackend<Payload, Response>;
  /** Defaults applied to every message, field by field (see SEND_DEFAULT_RULES). */
  sendDefaults?: EmailMessage | undefined;
  /** Drop what the ESP cannot express instead of throwing UnsupportedFeatureError. */
  ignoreUnsupportedFeatures?: boolean | undefined;
  /** Do not throw RecipientsRefusedError when every recipient was refused. */
  ignoreRecipientStatus?: boolean | undefined;
  preSend?: PreSendHook | undefined;
  postSend?: PostSendHook | undefined;
}

/**
 * Sends normalized messages through one backend.
 */
export interface Mailer {
  /**
   * Send one message.
   *
   * @throws InvalidAddressError, InvalidMessageError, UnsupportedFeatureError before any I/O;
   *   ApiError when the ESP call fails; RecipientsRefusedError when every recipient was refused
   */
  send(message: EmailMessage): Promise<SendStatus>;
  /** The backend's name, e.g. "Amazon SES". */
  readonly esp: string;
}

class CancelSignal {
  constructor(readonly reason: string | undefined) {}
}

const control: PreSendControl = {
  cancel(reason?: string): never {
    throw new CancelSignal(reason);
  },
};

function cancelledStatus(): SendStatus {
  return { ...makeSendStatus({}, undefined), cancelled: true };
}

/** Step 1: the pre-send hook may change the message or cancel the send. */
async function runPreSend(
  hook: PreSendHook | undefined,
  message: EmailMessage,
): Promise<EmailMessage | undefined> {
  if (hook === undefined) {
    return message;
  }
  try {
    return (await hook(message, control)) ?? message;
  } catch (err) {
    if (err instanceof CancelSignal) {
      return undefined;
    }
    throw err;
  }
}

function assertHasRecipients(message: NormalizedMessage): void {
  if (message.to.length + message.cc.length + message.bcc.length === 0) {
    throw new InvalidMessageError("The message has no recipients: set `to`, `cc` or `bcc`", "to");
  }
}

/** Last step: refuse a send in which no recipient was accepted. */
function raiseForRecipientStatus(status: SendStatus): void {
  const refused = [...status.statuses].every((value) => value === "rejected" || value === "invalid");
  if (refused) {
    throw new RecipientsRefusedError(status);
  }
}

/**
 * Create a mailer. The send algorithm is the same for every backend: apply send defaults,
 * pre-send hook, validate, build the payload, call the API, parse statuses, post-send hook, and
 * raise when every recipient was refused.
 *
 * @example
 * ```ts
 * import { createMailer } from "mailroom";
 * import { amazonSes } from "mailroom/ses";
 *
 * const mailer = createMailer({
 *   backend: amazonSes({ region: "us-east-1" }),
 *   sendDefaults: { from: "Shop <shop@example.com>", metadata: { app: "shop" } },
 * });
 * const status = await mailer.send({ to: "alice@example.com", subject: "Hi", text: "Hello" });
 * ```
 */
export function createMailer<Payload, Response>(options: MailerOptions<Payload, Response>): Mailer {
  const { backend, sendDefaults } = options;
  if (backend === undefined || backend === null || typeof backend.buildPayload !== "function") {
    throw new ConfigurationError("createMailer needs a backend, e.g. amazonSes() from 'mailroom/ses'");
  }
  const context: SendContext = {
    unsupported(feature: string): void {
      if (!options.ignoreUnsupportedFeatures) {
        throw new UnsupportedFeatureError(feature, backend.name);
      }
    },
  };

  async function send(input: EmailMessage): Promise<SendStatus> {
    const message = await runPreSend(options.preSend, applySendDefaults(sendDefaults, input));
    if (message === undefined) {
      return cancelledStatus();
    }
    const normalized = normalizeMessage(message);
    assertHasRecipients(normalized);
    const payload = await backend.buildPayload(normalized, context);
    const response = await backend.callApi(payload);
    const result = backend.parseResult(response, payload, normalized);
    const status = makeSendStatus(result.recipients, result.response);
    await options.postSend?.(message, status);
    if (!options.ignoreRecipientStatus) {
      raiseForRecipientStatus(status);
    }
    return status;
  }

  return { send, esp: backend.name };
}
