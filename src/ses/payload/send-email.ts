import type { SendEmailCommandInput } from "@aws-sdk/client-sesv2";

import type { SendContext } from "../../backend";
import { InvalidMessageError } from "../../errors";
import type { EmailAddress } from "../../message/address";
import type { NormalizedMessage } from "../../message/types";
import type { SesPayloadOptions } from "../options";
import { checkSendAt, sesMessageTags, trackingOverrides } from "./common";
import { toAsciiJson } from "./metadata-json";
import { compact } from "./compact";
import { buildRawMime } from "./raw-mime";

function addrSpecs(addresses: EmailAddress[]): string[] | undefined {
  return addresses.length === 0 ? undefined : addresses.map((addr) => addr.asciiAddrSpec);
}

/** What a non-template send cannot carry. */
function checkNonTemplateFeatures(message: NormalizedMessage, context: SendContext): void {
  if (message.mergeData !== undefined) {
    context.unsupported("mergeData without templateId");
  }
  if (message.mergeGlobalData !== undefined) {
    context.unsupported("mergeGlobalData without templateId");
  }
  if (message.mergeHeaders !== undefined) {
    context.unsupported("mergeHeaders without templateId");
  }
  if (message.mergeMetadata !== undefined) {
    context.unsupported("mergeMetadata without templateId");
  }
  checkSendAt(message, context);
  if ((message.fromHeader ?? message.from).length === 0) {
    throw new InvalidMessageError("The message has no sender: set `from`", "from");
  }
  if (message.from.length > 1 || (message.fromHeader?.length ?? 0) > 1) {
    context.unsupported("multiple from addresses");
  }
}

function feedbackAddress(message: NormalizedMessage): string | undefined {
  if (message.envelopeSender !== undefined) {
    return message.envelopeSender.asciiAddrSpec;
  }
  // A From header overrides what recipients see; the message's own `from` then acts as the
  // envelope sender (Anymail's rule).
  return message.fromHeader === undefined ? undefined : message.from[0]?.asciiAddrSpec;
}

/**
 * Build the SESv2 SendEmail input for a non-template message: raw MIME content, a Destination
 * of addr-specs (IDNA domains; bcc only here, never in the MIME), tags and metadata as
 * X-Tag / X-Metadata headers, optional SES message tag, tracking overrides, configuration set,
 * and `espExtra` merged last (top-level keys replace; `Content` cannot be replaced).
 *
 * Pure: no I/O.
 *
 * @example
 * ```ts
 * const input = await buildSendEmailInput(normalizeMessage(message), { configurationSetName: "Tracking" }, ctx);
 * await client.send(new SendEmailCommand(input));
 * ```
 */
export function buildSendEmailInput(
  message: NormalizedMessage,
  options: SesPayloadOptions,
  context: SendContext,
): SendEmailCommandInput {
  checkNonTemplateFeatures(message, context);
  const emailTags = sesMessageTags(message, options, context);
  const raw = buildRawMime(message, {
    metadataJson: message.metadata === undefined ? undefined : toAsciiJson(message.metadata),
    tags: message.tags,
  });
  const input: SendEmailCommandInput = compact({
    Destination: compact({
      ToAddresses: addrSpecs(message.to),
      CcAddresses: addrSpecs(message.cc),
      BccAddresses: addrSpecs(message.bcc),
    }),
    Content: { Raw: { Data: raw } },
    ConfigurationSetName: options.configurationSetName,
    FeedbackForwardingEmailAddress: feedbackAddress(message),
    EmailTags: emailTags,
    ConfigurationOverrides: trackingOverrides(message),
    ListManagementOptions:
      message.listManagement === undefined
        ? undefined
        : compact({
            ContactListName: message.listManagement.contactListName,
            TopicName: message.listManagement.topicName,
          }),
  });
  // espExtra goes last and replaces top-level keys, but never the content we built.
  return { ...input, ...message.espExtra, Content: input.Content };
}
