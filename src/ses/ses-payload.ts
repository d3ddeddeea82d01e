/**
 * The pure ends of the SES backend: message -> the SES request(s), and SES answer -> recipient
 * statuses. Shared by `amazonSes()` and the test kit's memory backend, so a message the memory
 * backend accepts is a message SES is sent (and one it refuses, SES would refuse too).
 *
 * @module
 */
import type {
  SendBulkEmailCommandInput,
  SendEmailCommandInput,
  SendEmailCommandOutput,
} from "@aws-sdk/client-sesv2";

import type { BackendResult, SendContext } from "../backend";
import type { EmailAddress } from "../message/address";
import type { NormalizedMessage } from "../message/types";
import { parseBulkOutcomes } from "./bulk-response";
import type { BulkBatchOutcome } from "./bulk-response";
import type { SesPayloadOptions } from "./options";
import { buildSendBulkEmailInputs, isTemplateSend } from "./payload/send-bulk-email";
import { buildSendEmailInput } from "./payload/send-email";
import { parseSendEmailOutput } from "./response";

/**
 * The request(s) the SES backend makes for one message: one SendEmail (raw MIME), or the
 * SendBulkEmail calls of a template send with the `to` recipients of each.
 *
 * @example
 * ```ts
 * if (payload.operation === "SendEmail") console.log(payload.input.Destination);
 * else console.log(payload.inputs.length, "SendBulkEmail calls");
 * ```
 */
export type SesPayload =
  | {
      /** A non-template message, sent as raw MIME. */
      operation: "SendEmail";
      /** The SendEmail input. */
      input: SendEmailCommandInput;
    }
  | {
      /** A template message (stored template, or inline content with merge fields). */
      operation: "SendBulkEmail";
      /** One SendBulkEmail input per batch of `to` recipients. */
      inputs: SendBulkEmailCommandInput[];
      /** The `to` recipients of each input, in order. */
      batches: EmailAddress[][];
    };

/**
 * What the SES calls for one message answered.
 *
 * @example
 * ```ts
 * const response: SesResponse = { operation: "SendEmail", output: { MessageId: "0100-abc", $metadata: {} } };
 * ```
 */
export type SesResponse =
  | {
      /** SendEmail answered. */
      operation: "SendEmail";
      /** Its output. */
      output: SendEmailCommandOutput;
    }
  | {
      /** The SendBulkEmail calls answered. */
      operation: "SendBulkEmail";
      /** What each call came back with, in the order of the payload's inputs. */
      outcomes: BulkBatchOutcome[];
    };

/**
 * What the SES backend keeps as `SendStatus.response`: the SendEmail output, or what each
 * SendBulkEmail call of a template send came back with (its output, or its error), in order.
 *
 * @example
 * ```ts
 * import type { SesSendResponse } from "mailroom-ses";
 *
 * declare const response: SesSendResponse | undefined;
 * if (response !== undefined && !Array.isArray(response)) console.log(response.MessageId);
 * ```
 */
export type SesSendResponse = SendEmailCommandOutput | BulkBatchOutcome[];

/**
 * Build the SES request(s) for a message: SendBulkEmail for template sends, SendEmail otherwise.
 * Pure: refuses what SES cannot send (through `context.unsupported` or a typed error) before any
 * I/O.
 *
 * @example
 * ```ts
 * const payload = buildSesPayload(normalizeMessage(message), { messageTagName: "Type" }, context);
 * ```
 */
export function buildSesPayload(
  message: NormalizedMessage,
  options: SesPayloadOptions & { batchSize?: number | undefined },
  context: SendContext,
): SesPayload {
  if (isTemplateSend(message)) {
    return { operation: "SendBulkEmail", ...buildSendBulkEmailInputs(message, options, context) };
  }
  return { operation: "SendEmail", input: buildSendEmailInput(message, options, context) };
}

/**
 * Turn what SES answered into per-recipient statuses, as `mailer.send()` reports them.
 *
 * @throws ApiError when the answer cannot be used, or every recipient failed for the same reason
 * @example
 * ```ts
 * const { recipients } = parseSesResponse(response, payload, message);
 * ```
 */
export function parseSesResponse(
  response: SesResponse,
  payload: SesPayload,
  message: NormalizedMessage,
): BackendResult<SesSendResponse> {
  if (response.operation === "SendEmail") {
    return { recipients: parseSendEmailOutput(response.output, message), response: response.output };
  }
  const batches = payload.operation === "SendBulkEmail" ? payload.batches : [];
  return { recipients: parseBulkOutcomes(response.outcomes, batches), response: response.outcomes };
}
