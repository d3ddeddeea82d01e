/**
 * `mailroom send --message <file.json>`: an EmailMessage as JSON. JSON has no bytes and no
 * dates, so attachments are given as `{ filename, path }` (read from disk, relative to the
 * message file) or `{ filename, content }` with base64 content, and `sendAt` as an ISO string.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";

import { SEND_DEFAULT_RULES } from "../../message/send-defaults";
import type { Attachment, EmailMessage } from "../../message/types";
import { UsageError } from "../cli-error";

const KNOWN_FIELDS = new Set(Object.keys(SEND_DEFAULT_RULES));
const ATTACHMENT_FIELDS = new Set(["filename", "path", "content", "contentType", "contentId", "disposition"]);
const BASE64 = /^[A-Za-z0-9+/\r\n ]*={0,2}[\r\n ]*$/;

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Read and check a message file.
 *
 * @throws UsageError when the file is unreadable, not JSON, has unknown fields or bad attachments.
 * @example
 * ```ts
 * const message = await readMessageFile("welcome.json");
 * ```
 */
export async function readMessageFile(path: string): Promise<EmailMessage> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new UsageError(`--message: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? "error"}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--message: ${path} is not valid JSON: ${(err as Error).message}`);
  }
  return messageFromJson(parsed, dirname(resolve(path)));
}

/**
 * Turn parsed JSON into an EmailMessage; attachment paths are resolved against `baseDir`.
 *
 * @example
 * ```ts
 * const message = await messageFromJson({ to: "a@example.com", attachments: [{ path: "a.pdf" }] }, process.cwd());
 * ```
 */
export async function messageFromJson(parsed: unknown, baseDir: string): Promise<EmailMessage> {
  if (!isObject(parsed)) {
    throw new UsageError("--message: the file must hold a JSON object (an EmailMessage)");
  }
  // A typo ("attachements") would otherwise be silently ignored and the mail sent without it.
  const unknown = Object.keys(parsed).filter((key) => !KNOWN_FIELDS.has(key));
  if (unknown.length > 0) {
    throw new UsageError(`--message: unknown field(s) ${unknown.join(", ")}`);
  }
  const message: EmailMessage = { ...(parsed as EmailMessage) };
  if (parsed.attachments !== undefined && parsed.attachments !== null) {
    if (!Array.isArray(parsed.attachments)) {
      throw new UsageError("--message: attachments must be an array");
    }
    message.attachments = await Promise.all(
      parsed.attachments.map((entry: unknown, i: number) => attachmentFromJson(entry, i, baseDir)),
    );
  }
  if (typeof parsed.sendAt === "string") {
    const date = new Date(parsed.sendAt);
    if (Number.isNaN(date.getTime())) {
      throw new UsageError("--message: sendAt is not a valid ISO 8601 date");
    }
    message.sendAt = date;
  }
  return message;
}

async function attachmentFromJson(entry: unknown, index: number, baseDir: string): Promise<Attachment> {
  const where = `--message: attachments[${index}]`;
  if (!isObject(entry)) {
    throw new UsageError(`${where} must be an object`);
  }
  const unknown = Object.keys(entry).filter((key) => !ATTACHMENT_FIELDS.has(key));
  if (unknown.length > 0) {
    throw new UsageError(`${where}: unknown field(s) ${unknown.join(", ")}`);
  }
  const { path, content } = entry;
  if ((path === undefined) === (content === undefined)) {
    throw new UsageError(`${where} needs exactly one of path or content (base64)`);
  }
  for (const key of ["filename", "contentType", "contentId"] as const) {
    if (entry[key] !== undefined && typeof entry[key] !== "string") {
      throw new UsageError(`${where}.${key} must be a string`);
    }
  }
  if (
    entry.disposition !== undefined &&
    entry.disposition !== "attachment" &&
    entry.disposition !== "inline"
  ) {
    throw new UsageError(`${where}.disposition must be "attachment" or "inline"`);
  }
  const attachment: Attachment = {
    filename: entry.filename as string | undefined,
    contentType: entry.contentType as string | undefined,
    contentId: entry.contentId as string | undefined,
    disposition: entry.disposition,
    content: new Uint8Array(),
  };
  if (typeof path === "string") {
    attachment.content = await readAttachment(resolve(baseDir, path), where);
    attachment.filename ??= path.split(/[\\/]/).pop();
  } else if (typeof content === "string" && BASE64.test(content)) {
    attachment.content = new Uint8Array(Buffer.from(content, "base64"));
  } else {
    throw new UsageError(`${where}.content must be a base64 string`);
  }
  return attachment;
}

/**
 * Read an attachment file.
 *
 * @example
 * ```ts
 * const bytes = await readAttachment("/tmp/invoice.pdf", "--attach");
 * ```
 */
export async function readAttachment(path: string, where: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (err) {
    throw new UsageError(`${where}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? "error"}`);
  }
}
