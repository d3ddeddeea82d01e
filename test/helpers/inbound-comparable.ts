import { createHash } from "node:crypto";

import type { InboundAddress } from "../../src/inbound/inbound-address";
import type { InboundAttachment, InboundMessage } from "../../src/inbound/types";

/**
 * An InboundMessage as JSON can hold it, for comparing with `*.expected.json`. Every field is
 * present (`undefined` becomes `null`, so a forgotten or extra field fails), Dates are ISO
 * strings, and bytes are `{size, sha256}`: the expectation names the exact bytes without
 * embedding them. `attachedMessages` is checked separately (it must hold the same objects as
 * the parts' `message` fields).
 */
export interface ComparableMessage {
  [key: string]: unknown;
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

const address = (a: InboundAddress | undefined) =>
  a === undefined ? null : { displayName: a.displayName, addrSpec: a.addrSpec };

function comparablePart(part: InboundAttachment): Record<string, unknown> {
  return {
    filename: part.filename ?? null,
    contentType: part.contentType,
    disposition: part.disposition ?? null,
    contentId: part.contentId ?? null,
    description: part.description ?? null,
    size: part.size,
    sha256: sha256(part.content),
    message: part.message === undefined ? null : comparableMessage(part.message),
  };
}

export function comparableMessage(message: InboundMessage): ComparableMessage {
  const v = message.verdicts;
  return {
    from: address(message.from),
    fromAddresses: message.fromAddresses.map(address),
    sender: address(message.sender),
    senderAddresses: message.senderAddresses.map(address),
    to: message.to.map(address),
    cc: message.cc.map(address),
    bcc: message.bcc.map(address),
    replyTo: message.replyTo.map(address),
    subject: message.subject ?? null,
    date: message.date?.toISOString() ?? null,
    messageId: message.messageId ?? null,
    inReplyTo: message.inReplyTo ?? null,
    references: message.references,
    text: message.text ?? null,
    html: message.html ?? null,
    headers: [...message.headers].map(([name, value]) => [name, value]),
    attachments: message.attachments.map(comparablePart),
    inlines: message.inlines.map(comparablePart),
    contentIds: [...message.contentIdMap.keys()],
    envelopeSender: message.envelopeSender ?? null,
    envelopeRecipient: message.envelopeRecipient ?? null,
    verdicts: {
      spam: v.spam ?? null,
      virus: v.virus ?? null,
      spf: v.spf ?? null,
      dkim: v.dkim ?? null,
      dmarc: v.dmarc ?? null,
      dmarcPolicy: v.dmarcPolicy ?? null,
    },
    spamDetected: message.spamDetected ?? null,
    raw: { size: message.raw.byteLength, sha256: sha256(message.raw) },
  };
}
