/**
 * A stable deduplication id for an SES event that arrives without an envelope id (SQS with raw
 * message delivery, an SES event handed over directly): the same SES event delivered twice gives
 * the same id, two different events never do.
 *
 * @module
 */
import { createHash } from "node:crypto";

import { WebhookValidationError } from "../errors";

type Json = Record<string, unknown>;

/** The object holding the type-specific details (and their timestamp) for each SES type. */
const DETAIL_FIELDS: Readonly<Record<string, string>> = {
  "Rendering Failure": "failure",
  Received: "receipt",
};

/** Past this length the recipient list is replaced by its SHA-256, so keys stay small. */
const MAX_ID_LENGTH = 512;

const isRecord = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function detailsOf(sesEvent: Json, type: string): Json | undefined {
  const field = DETAIL_FIELDS[type] ?? type.charAt(0).toLowerCase() + type.slice(1);
  const details = sesEvent[field];
  return isRecord(details) ? details : undefined;
}

/** The recipients the event is about: the bounced/complained/delivered/delayed ones, else all. */
function recipientsOf(details: Json | undefined, mail: Json): string[] {
  for (const field of ["bouncedRecipients", "complainedRecipients", "delayedRecipients", "recipients"]) {
    const list = details?.[field];
    if (Array.isArray(list)) {
      return list.map((entry: unknown) =>
        isRecord(entry) ? String(entry.emailAddress ?? "") : typeof entry === "string" ? entry : "",
      );
    }
  }
  const destination = mail.destination;
  return Array.isArray(destination) ? destination.filter((d): d is string => typeof d === "string") : [];
}

/**
 * Derive the deduplication id of one SES event (sending event or inbound `Received`
 * notification): `mail.messageId`, the event type, the event's own timestamp (falling back to
 * `mail.timestamp`) and its recipients; for clicks also the link, so two clicks in the same
 * millisecond stay two events. Long recipient lists are hashed.
 *
 * @throws WebhookValidationError when the event has no `mail.messageId` or no type.
 * @example
 * ```ts
 * import { deriveSesEventId } from "mailroom-ses";
 *
 * declare const sqsBody: string; // raw message delivery: the SES event itself
 * const id = deriveSesEventId(JSON.parse(sqsBody));
 * // "0100018f...-000000:Bounce:2026-12-05T10:00:00.000Z:bob@example.com"
 * ```
 */
export function deriveSesEventId(sesEvent: unknown): string {
  if (!isRecord(sesEvent) || !isRecord(sesEvent.mail) || typeof sesEvent.mail.messageId !== "string") {
    throw new WebhookValidationError("The SES event has no mail.messageId to derive its id from");
  }
  const mail = sesEvent.mail;
  const type = sesEvent.eventType ?? sesEvent.notificationType;
  if (typeof type !== "string" || type === "") {
    throw new WebhookValidationError("The SES event has no eventType or notificationType");
  }
  const details = detailsOf(sesEvent, type);
  const timestamp = details?.timestamp ?? mail.timestamp;
  const link = typeof details?.link === "string" ? details.link : undefined;
  const head = `${mail.messageId as string}:${type}:${typeof timestamp === "string" ? timestamp : ""}:`;
  // The recipients come last: they are the only part that may contain ':'.
  const tail = [...recipientsOf(details, mail), ...(link === undefined ? [] : [link])].join(",");
  const id = head + tail;
  if (id.length <= MAX_ID_LENGTH) {
    return id;
  }
  // Still readable (the message id leads), still unique (the hash covers everything).
  const digest = createHash("sha256").update(id).digest("hex");
  return `${(mail.messageId as string).slice(0, 128)}:${type.slice(0, 64)}:sha256=${digest}`;
}
