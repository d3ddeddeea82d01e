import { SESv2Client, SendBulkEmailCommand, SendEmailCommand } from "@aws-sdk/client-sesv2";
import type {
  SendBulkEmailCommandInput,
  SendBulkEmailCommandOutput,
  SendEmailCommandInput,
  SendEmailCommandOutput,
  SESv2ClientConfig,
} from "@aws-sdk/client-sesv2";

import type { MailerBackend } from "../backend";
import type { EmailAddress } from "../message/address";
import { VERSION } from "../version";
import { parseBulkOutcomes } from "./bulk-response";
import type { BulkBatchOutcome } from "./bulk-response";
import { mapLimited } from "./map-limited";
import type { AmazonSesOptions, SesClientLike } from "./options";
import { buildSendBulkEmailInputs, isTemplateSend } from "./payload/send-bulk-email";
import { buildSendEmailInput } from "./payload/send-email";
import { parseSendEmailOutput, toApiError } from "./response";

/** The request(s) the SES backend makes for one message. */
export type SesPayload =
  | { operation: "SendEmail"; input: SendEmailCommandInput }
  | { operation: "SendBulkEmail"; inputs: SendBulkEmailCommandInput[]; batches: EmailAddress[][] };

/** What the SES calls for one message answered. */
export type SesResponse =
  | { operation: "SendEmail"; output: SendEmailCommandOutput }
  | { operation: "SendBulkEmail"; outcomes: BulkBatchOutcome[] };

/** The SES backend: a mailer backend plus the client it sends with. */
export interface AmazonSesBackend extends MailerBackend<SesPayload, SesResponse> {
  /** The SESv2 client (created on first use unless one was injected). */
  readonly client: SesClientLike;
}

const DEFAULT_BATCH_CONCURRENCY = 4;

function userAgent(config: SESv2ClientConfig | undefined): SESv2ClientConfig["customUserAgent"] {
  const ours: [string, string] = ["mailroom", VERSION];
  const theirs = config?.customUserAgent;
  if (theirs === undefined) {
    return [ours];
  }
  return typeof theirs === "string" ? `${theirs} mailroom/${VERSION}` : [...theirs, ours];
}

/**
 * Create the SESv2 client from the options. With nothing given, the AWS SDK's default region
 * and credential chains apply (environment, shared config files, instance or task roles).
 */
function createClient(options: AmazonSesOptions): SesClientLike {
  return new SESv2Client({
    ...options.clientConfig,
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    customUserAgent: userAgent(options.clientConfig),
  });
}

/**
 * The Amazon SES backend (SESv2 API). Non-template messages go out with SendEmail and raw MIME;
 * template messages (a stored `templateId`, or merge fields with inline content) with
 * SendBulkEmail, split into batches of 50 recipients sent with bounded concurrency.
 *
 * @example
 * ```ts
 * import { createMailer } from "mailroom";
 * import { amazonSes } from "mailroom/ses";
 *
 * const mailer = createMailer({
 *   backend: amazonSes({ region: "us-east-1", configurationSetName: "Tracking", messageTagName: "Type" }),
 * });
 * ```
 */
export function amazonSes(options: AmazonSesOptions = {}): AmazonSesBackend {
  let client = options.client;
  const payloadOptions = {
    configurationSetName: options.configurationSetName,
    messageTagName: options.messageTagName,
    batchSize: options.batchSize,
  };
  const concurrency = options.batchConcurrency ?? DEFAULT_BATCH_CONCURRENCY;

  async function call<T>(command: object, operation: string): Promise<T> {
    try {
      return (await backend.client.send(command)) as T;
    } catch (err) {
      throw toApiError(err, operation);
    }
  }

  const backend: AmazonSesBackend = {
    name: "Amazon SES",
    get client(): SesClientLike {
      client ??= createClient(options);
      return client;
    },
    buildPayload(message, context) {
      if (isTemplateSend(message)) {
        return { operation: "SendBulkEmail", ...buildSendBulkEmailInputs(message, payloadOptions, context) };
      }
      return { operation: "SendEmail", input: buildSendEmailInput(message, payloadOptions, context) };
    },
    async callApi(payload) {
      if (payload.operation === "SendEmail") {
        return {
          operation: "SendEmail",
          output: await call<SendEmailCommandOutput>(new SendEmailCommand(payload.input), "SendEmail"),
        };
      }
      // One batch failing must not hide what the others sent: keep each call's outcome.
      const outcomes = await mapLimited(
        payload.inputs,
        concurrency,
        async (input): Promise<BulkBatchOutcome> => {
          try {
            return {
              output: await call<SendBulkEmailCommandOutput>(
                new SendBulkEmailCommand(input),
                "SendBulkEmail",
              ),
            };
          } catch (err) {
            return { error: toApiError(err, "SendBulkEmail") };
          }
        },
      );
      return { operation: "SendBulkEmail", outcomes };
    },
    parseResult(response, payload, message) {
      if (response.operation === "SendEmail") {
        return { recipients: parseSendEmailOutput(response.output, message), response: response.output };
      }
      const batches = payload.operation === "SendBulkEmail" ? payload.batches : [];
      return { recipients: parseBulkOutcomes(response.outcomes, batches), response: response.outcomes };
    },
  };
  return backend;
}
