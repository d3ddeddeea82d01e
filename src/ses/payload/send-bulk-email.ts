import type { Attachment, BulkEmailEntry, SendBulkEmailCommandInput, Template } from "@aws-sdk/client-sesv2";

import type { SendContext } from "../../backend";
import { InvalidMessageError } from "../../errors";
import type { EmailAddress } from "../../message/address";
import type { NormalizedMessage } from "../../message/types";
import type { SesPayloadOptions } from "../options";
import { toBatches } from "./batches";
import { checkSendAt, sesMessageTags, trackingOverrides } from "./common";
import { compact } from "./compact";
import { toTemplateJson } from "./metadata-json";
import { replacementHeaders } from "./replacement-headers";

/**
 * SendBulkEmail accepts at most 50 destinations per call.
 *
 * @example
 * ```ts
 * amazonSes({ batchSize: DEFAULT_BULK_BATCH_SIZE / 2 });
 * ```
 */
export const DEFAULT_BULK_BATCH_SIZE = 50;

/**
 * The SendBulkEmail calls for one template message, and the `to` recipients of each.
 *
 * @example
 * ```ts
 * const { inputs, batches } = buildSendBulkEmailInputs(normalized, {}, context);
 * ```
 */
export interface BulkSendPlan {
  /** One SendBulkEmail input per batch. */
  inputs: SendBulkEmailCommandInput[];
  /** The `to` recipients of each input, in order. */
  batches: EmailAddress[][];
}

export { isTemplateSend } from "../../message/template-send";

function checkStoredTemplate(message: NormalizedMessage, context: SendContext): void {
  if (message.subject !== undefined && message.subject !== "") {
    context.unsupported("overriding the template subject (the stored template has its own)");
  }
  if ((message.text ?? "") !== "" || (message.html ?? "") !== "") {
    context.unsupported("overriding template body content (the stored template has its own)");
  }
}

function checkTemplateMessage(message: NormalizedMessage, context: SendContext): void {
  if (message.templateId !== undefined) {
    checkStoredTemplate(message, context);
  } else if ((message.subject ?? "") === "" || (message.text ?? message.html ?? "") === "") {
    context.unsupported(
      "merge fields without templateId or inline template content (a subject and a text or html body)",
    );
  }
  if (message.alternatives.length > 0) {
    context.unsupported("alternatives with a template (SES renders only the template's text and html)");
  }
  if (message.spoofedTo !== undefined) {
    context.unsupported("spoofing the To header with a template (each recipient gets their own message)");
  }
  checkSendAt(message, context);
  if (message.listManagement !== undefined) {
    // SESv2 SendBulkEmail has no ListManagementOptions (SendEmail only).
    context.unsupported("listManagement with a template send (SendBulkEmail has no ListManagementOptions)");
  }
  const from = message.fromHeader ?? message.from;
  if (from.length === 0) {
    throw new InvalidMessageError("The message has no sender: set `from`", "from");
  }
  if (from.length > 1) {
    context.unsupported("multiple from addresses");
  }
  if (message.to.length === 0) {
    throw new InvalidMessageError(
      "A template send needs `to` recipients: each one gets their own message (cc and bcc get a copy of each)",
      "to",
    );
  }
}

function templateAttachments(message: NormalizedMessage): Attachment[] | undefined {
  if (message.attachments.length === 0) {
    return undefined;
  }
  return message.attachments.map((att) =>
    compact({
      // SES requires a file name on every attachment.
      FileName: att.filename ?? "attachment",
      RawContent: att.content,
      ContentType: att.contentType,
      ContentDisposition: att.disposition === "inline" ? "INLINE" : "ATTACHMENT",
      ContentId: att.contentId,
    }),
  );
}

function defaultTemplate(message: NormalizedMessage): Template {
  const { templateId } = message;
  const source: Template =
    templateId === undefined
      ? { TemplateContent: compact({ Subject: message.subject, Text: message.text, Html: message.html }) }
      : templateId.startsWith("arn:")
        ? { TemplateArn: templateId }
        : { TemplateName: templateId };
  return compact({
    ...source,
    TemplateData:
      message.mergeGlobalData === undefined
        ? undefined
        : toTemplateJson(message.mergeGlobalData, "mergeGlobalData"),
    Attachments: templateAttachments(message),
  });
}

function entry(
  message: NormalizedMessage,
  to: EmailAddress,
  cc: string[] | undefined,
  bcc: string[] | undefined,
): BulkEmailEntry {
  // Built by hand rather than with compact(): this runs once per recipient of a bulk send.
  const destination: BulkEmailEntry["Destination"] = { ToAddresses: [to.format({ rfc2047: true })] };
  if (cc !== undefined) {
    destination.CcAddresses = cc;
  }
  if (bcc !== undefined) {
    destination.BccAddresses = bcc;
  }
  const data = message.mergeData?.[to.addrSpec];
  const result: BulkEmailEntry = {
    Destination: destination,
    ReplacementEmailContent: {
      ReplacementTemplate: {
        ReplacementTemplateData: data === undefined ? "{}" : toTemplateJson(data, "mergeData"),
      },
    },
  };
  const headers = replacementHeaders(message, to.addrSpec);
  if (headers !== undefined) {
    result.ReplacementHeaders = headers;
  }
  return result;
}

/**
 * Build the SESv2 SendBulkEmail calls for a template message: the stored template named by
 * `templateId` (a name or an ARN), or inline template content from the message's subject and
 * bodies when merge fields are given without `templateId`. One entry per `to` recipient, in
 * order, split into batches of `batchSize` (SES takes 50 per call).
 *
 * Pure: no I/O.
 *
 * @example
 * ```ts
 * const plan = buildSendBulkEmailInputs(normalizeMessage({
 *   from: "shop@example.com", to: ["a@example.com", "b@example.com"], templateId: "welcome",
 *   mergeData: { "a@example.com": { name: "Alice" } },
 * }), {}, ctx);
 * plan.inputs[0].BulkEmailEntries.length; // 2
 * ```
 */
export function buildSendBulkEmailInputs(
  message: NormalizedMessage,
  options: SesPayloadOptions & { batchSize?: number | undefined },
  context: SendContext,
): BulkSendPlan {
  checkTemplateMessage(message, context);
  const from = (message.fromHeader ?? message.from)[0] as EmailAddress;
  const common: SendBulkEmailCommandInput = compact({
    FromEmailAddress: from.format({ rfc2047: true }),
    ReplyToAddresses:
      message.replyTo.length === 0
        ? undefined
        : message.replyTo.map((addr) => addr.format({ rfc2047: true })),
    FeedbackForwardingEmailAddress:
      message.envelopeSender?.asciiAddrSpec ??
      (message.fromHeader === undefined ? undefined : message.from[0]?.asciiAddrSpec),
    DefaultContent: { Template: defaultTemplate(message) },
    DefaultEmailTags: sesMessageTags(message, options, context),
    ConfigurationSetName: options.configurationSetName,
    ConfigurationOverrides: trackingOverrides(message),
    BulkEmailEntries: [],
  });
  // SES API address fields take RFC 2047 display names and IDNA domains; bcc only addr-specs.
  const cc = message.cc.length === 0 ? undefined : message.cc.map((addr) => addr.format({ rfc2047: true }));
  const bcc = message.bcc.length === 0 ? undefined : message.bcc.map((addr) => addr.asciiAddrSpec);
  const entries = message.to.map((to) => entry(message, to, cc, bcc));
  const batches = toBatches(message.to, options.batchSize ?? DEFAULT_BULK_BATCH_SIZE);
  let offset = 0;
  const inputs = batches.map((batch) => {
    const slice = entries.slice(offset, offset + batch.length);
    offset += batch.length;
    // espExtra replaces top-level keys, but never the entries built from the recipients.
    return { ...common, ...message.espExtra, BulkEmailEntries: slice };
  });
  return { inputs, batches };
}
