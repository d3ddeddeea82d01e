/**
 * `mailroom send` flags → the fields of an EmailMessage. Only the flags given become fields, so
 * they can override a `--message` file field by field.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { basename } from "node:path";

import type { EmailMessage, JsonObject } from "../../message/types";
import { jsonFlag, keyValues } from "../args";
import { UsageError } from "../cli-error";
import { readAttachment } from "./message-file";

/**
 * The message-building flags of `mailroom send`, as parseArgs returns them.
 *
 * @example
 * ```ts
 * const flags: MessageFlags = { from: "a@example.com", to: ["b@example.com"], subject: "Hi" };
 * ```
 */
export interface MessageFlags {
  from?: string | undefined;
  to?: string[] | undefined;
  cc?: string[] | undefined;
  bcc?: string[] | undefined;
  "reply-to"?: string[] | undefined;
  subject?: string | undefined;
  text?: string | undefined;
  html?: string | undefined;
  "text-file"?: string | undefined;
  "html-file"?: string | undefined;
  attach?: string[] | undefined;
  tag?: string[] | undefined;
  metadata?: string[] | undefined;
  header?: string[] | undefined;
  template?: string | undefined;
  "merge-data"?: string | undefined;
  "merge-global-data"?: string | undefined;
}

/**
 * Build the message fields the flags set.
 *
 * @example
 * ```ts
 * const fields = await messageFromFlags({ to: ["a@example.com"], tag: ["welcome"] });
 * ```
 */
export async function messageFromFlags(flags: MessageFlags): Promise<EmailMessage> {
  const message: EmailMessage = {};
  set(message, "from", flags.from);
  set(message, "to", nonEmpty(flags.to));
  set(message, "cc", nonEmpty(flags.cc));
  set(message, "bcc", nonEmpty(flags.bcc));
  set(message, "replyTo", nonEmpty(flags["reply-to"]));
  set(message, "subject", flags.subject);
  set(message, "text", await textOrFile(flags.text, flags["text-file"], "text"));
  set(message, "html", await textOrFile(flags.html, flags["html-file"], "html"));
  set(message, "tags", nonEmpty(flags.tag));
  set(message, "templateId", flags.template);
  if (flags.metadata !== undefined && flags.metadata.length > 0) {
    message.metadata = keyValues(flags.metadata, "--metadata");
  }
  if (flags.header !== undefined && flags.header.length > 0) {
    message.headers = headers(flags.header);
  }
  if (flags.attach !== undefined && flags.attach.length > 0) {
    message.attachments = await Promise.all(
      flags.attach.map(async (path) => ({
        filename: basename(path),
        content: await readAttachment(path, "--attach"),
      })),
    );
  }
  if (flags["merge-data"] !== undefined) {
    message.mergeData = objectOfObjects(jsonFlag(flags["merge-data"], "--merge-data"), "--merge-data");
  }
  if (flags["merge-global-data"] !== undefined) {
    message.mergeGlobalData = object(
      jsonFlag(flags["merge-global-data"], "--merge-global-data"),
      "--merge-global-data",
    );
  }
  return message;
}

function set<K extends keyof EmailMessage>(message: EmailMessage, key: K, value: EmailMessage[K]): void {
  if (value !== undefined) {
    message[key] = value;
  }
}

function nonEmpty(values: string[] | undefined): string[] | undefined {
  return values === undefined || values.length === 0 ? undefined : values;
}

async function textOrFile(
  value: string | undefined,
  path: string | undefined,
  name: string,
): Promise<string | undefined> {
  if (value !== undefined && path !== undefined) {
    throw new UsageError(`give --${name} or --${name}-file, not both`);
  }
  if (path === undefined) {
    return value;
  }
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    throw new UsageError(
      `--${name}-file: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? "error"}`,
    );
  }
}

function headers(lines: readonly string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const line of lines) {
    const at = line.indexOf(":");
    if (at <= 0) {
      throw new UsageError(`--header expects "Name: value" (got '${line}')`);
    }
    result[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return result;
}

function object(value: unknown, flag: string): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UsageError(`${flag} must be a JSON object`);
  }
  return value as JsonObject;
}

function objectOfObjects(value: unknown, flag: string): Record<string, JsonObject> {
  const outer = object(value, flag);
  for (const [key, inner] of Object.entries(outer)) {
    object(inner, `${flag} entry '${key}'`);
  }
  return outer as Record<string, JsonObject>;
}
