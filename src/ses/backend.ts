import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import type { SendEmailCommandInput, SendEmailCommandOutput, SESv2ClientConfig } from "@aws-sdk/client-sesv2";

import type { MailerBackend } from "../backend";
import { VERSION } from "../version";
import type { AmazonSesOptions, SesClientLike } from "./options";
import { buildSendEmailInput } from "./payload/send-email";
import { parseSendEmailOutput, toApiError } from "./response";

/** The request(s) the SES backend makes for one message. */
export type SesPayload = { operation: "SendEmail"; input: SendEmailCommandInput };

/** The SES backend: a mailer backend plus the client it sends with. */
export interface AmazonSesBackend extends MailerBackend<SesPayload, SendEmailCommandOutput> {
  /** The SESv2 client (created on first use unless one was injected). */
  readonly client: SesClientLike;
}

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
 * The Amazon SES backend (SESv2 API). Non-template messages go out with SendEmail and raw MIME.
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
  };
  return {
    name: "Amazon SES",
    get client(): SesClientLike {
      client ??= createClient(options);
      return client;
    },
    async buildPayload(message, context) {
      return { operation: "SendEmail", input: await buildSendEmailInput(message, payloadOptions, context) };
    },
    async callApi(payload) {
      try {
        return (await this.client.send(new SendEmailCommand(payload.input))) as SendEmailCommandOutput;
      } catch (err) {
        throw toApiError(err, payload.operation);
      }
    },
    parseResult(response, _payload, message) {
      return { recipients: parseSendEmailOutput(response, message), response };
    },
  };
}
