import { SESv2Client } from "@aws-sdk/client-sesv2";
import { inject } from "vitest";

/** An email as aws-ses-v2-local's `GET /store` reports it. */
export interface StoredEmail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  attachments: {
    content: string;
    contentType: string;
    filename?: string;
    size: number;
    cid?: string;
    contentDisposition?: string;
  }[];
  headers?: { name: string; value: string }[];
}

export function sesEndpoint(): string {
  return inject("sesEndpoint");
}

/** The SESv2 client pointed at the emulator, plus every command input it sent (from SDK middleware). */
export function emulatorClient(): {
  client: SESv2Client;
  sent: { operation: string; input: Record<string, unknown> }[];
} {
  const sent: { operation: string; input: Record<string, unknown> }[] = [];
  const client = new SESv2Client({
    endpoint: sesEndpoint(),
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push({ operation: String(context.commandName), input: args.input as Record<string, unknown> });
      return next(args);
    },
    { step: "initialize", name: "recordInputs" },
  );
  return { client, sent };
}

/** Read one stored email back from the emulator by its MessageId. */
export async function storedEmail(messageId: string): Promise<StoredEmail> {
  const response = await fetch(`${sesEndpoint()}/store`);
  const store = (await response.json()) as { emails: StoredEmail[] };
  const email = store.emails.find((candidate) => candidate.messageId === messageId);
  if (email === undefined) {
    throw new Error(`The emulator has no email with MessageId ${messageId}`);
  }
  return email;
}
