/**
 * How many recipients a request or a message counts for against SES's sending rate.
 *
 * @module
 */
import { parseAddressList } from "../message/address";
import type { AddressInput, EmailMessage } from "../message/types";

interface DestinationLike {
  ToAddresses?: unknown;
  CcAddresses?: unknown;
  BccAddresses?: unknown;
}

interface SesInputLike {
  Destination?: DestinationLike;
  BulkEmailEntries?: unknown;
}

function count(list: unknown): number {
  return Array.isArray(list) ? list.length : 0;
}

function destinationSize(destination: DestinationLike | undefined): number {
  if (destination === undefined || destination === null) {
    return 0;
  }
  return count(destination.ToAddresses) + count(destination.CcAddresses) + count(destination.BccAddresses);
}

/**
 * Recipients of one SESv2 SendEmail or SendBulkEmail request (SDK input or its JSON body):
 * every To, Cc and Bcc address, of every bulk entry — a 50-entry batch with one cc counts 100.
 * At least 1, so a request without a Destination still takes a token.
 *
 * @example
 * ```ts
 * sesRequestWeight({ Destination: { ToAddresses: ["a@example.com"], CcAddresses: ["b@example.com"] } }); // 2
 * ```
 */
export function sesRequestWeight(input: unknown): number {
  if (typeof input !== "object" || input === null) {
    return 1;
  }
  const shape = input as SesInputLike;
  let total = destinationSize(shape.Destination);
  if (Array.isArray(shape.BulkEmailEntries)) {
    for (const entry of shape.BulkEmailEntries as { Destination?: DestinationLike }[]) {
      total += destinationSize(entry?.Destination);
    }
  }
  return Math.max(1, total);
}

function addresses(input: AddressInput | null | undefined): number {
  if (input === undefined || input === null) {
    return 0;
  }
  try {
    return parseAddressList(input, "to").length;
  } catch {
    // An invalid address fails the send later, with a proper error; for pacing, count entries.
    return Array.isArray(input) ? input.length : 1;
  }
}

/**
 * Recipients of a message as the queue sees it (before send defaults): to + cc + bcc, and for a
 * template send every `to` recipient's copy also goes to each cc and bcc. At least 1.
 *
 * @example
 * ```ts
 * messageWeight({ to: ["a@example.com", "b@example.com"], cc: "c@example.com" }); // 3
 * ```
 */
export function messageWeight(message: EmailMessage): number {
  const to = addresses(message.to);
  const copies = addresses(message.cc) + addresses(message.bcc);
  // The same test as the SES backend's isTemplateSend, on the raw message.
  const templated = [
    message.templateId,
    message.mergeData,
    message.mergeGlobalData,
    message.mergeHeaders,
    message.mergeMetadata,
  ].some((field) => field !== undefined && field !== null);
  return Math.max(1, templated ? to * (1 + copies) : to + copies);
}
