import PostalMime from "postal-mime";
import type { Email } from "postal-mime";

import type { SendContext } from "../../src/backend";
import { normalizeMessage } from "../../src/message/normalize";
import type { EmailMessage } from "../../src/message/types";
import type { SesPayloadOptions } from "../../src/ses/options";
import { buildSendEmailInput } from "../../src/ses/payload/send-email";
import { strict } from "./context";

/** Build the SendEmail input for a message and parse its raw MIME back. */
export async function buildAndParse(
  message: EmailMessage,
  options: SesPayloadOptions = {},
  context: SendContext = strict,
): Promise<{ input: Awaited<ReturnType<typeof buildSendEmailInput>>; raw: string; parsed: Email }> {
  const input = await buildSendEmailInput(normalizeMessage(message), options, context);
  const data = input.Content?.Raw?.Data;
  if (data === undefined) {
    throw new Error("no raw content");
  }
  // A leading CRLF lets tests look for "\r\nHeader: value\r\n" on the first line too.
  const raw = `\r\n${Buffer.from(data).toString("latin1")}`;
  return { input, raw, parsed: await PostalMime.parse(data) };
}

/** Every value of a header (case-insensitive) in a parsed message. */
export function headerValues(parsed: Email, name: string): string[] {
  return parsed.headers.filter((h) => h.key === name.toLowerCase()).map((h) => h.value);
}
