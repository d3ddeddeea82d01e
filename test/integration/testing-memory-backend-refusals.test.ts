/**
 * One table of messages Amazon SES cannot send, run against the memory backend of the test kit
 * and against the SES backend (talking to aws-ses-v2-local): both must refuse every case with the
 * same error, and accept the controls. A test that passes in memory must not fail in production.
 */
import { describe, expect, it } from "vitest";

import type { MailerBackend } from "../../src/backend";
import { createMailer } from "../../src/mailer";
import type { EmailMessage } from "../../src/message/types";
import { amazonSes } from "../../src/ses/backend";
import { createMemoryBackend } from "../../src/testing/memory-backend";
import { emulatorClient } from "../helpers/ses-local";

/** The payload options both backends take. */
interface BackendOptions {
  messageTagName?: string;
  configurationSetName?: string;
}

interface RefusalCase {
  name: string;
  message: EmailMessage;
  options?: BackendOptions;
  /** What the refusal must look like (class name, code, and the feature or field at fault). */
  error: { name: string; code: string; feature?: string; field?: string };
}

const base = { from: "shop@example.com", to: "alice@example.com" } as const;

const REFUSALS: RefusalCase[] = [
  {
    name: "sendAt without a queue",
    message: { ...base, subject: "Later", text: "Hi", sendAt: new Date(Date.now() + 3_600_000) },
    error: {
      name: "UnsupportedFeatureError",
      code: "unsupported_feature",
      feature: expect.stringMatching(/^sendAt/),
    },
  },
  {
    name: "two From addresses",
    message: { ...base, from: "a@example.com, b@example.com", subject: "Hi", text: "Hi" },
    error: {
      name: "UnsupportedFeatureError",
      code: "unsupported_feature",
      feature: "multiple from addresses",
    },
  },
  {
    name: "two From addresses in a From header",
    message: { ...base, headers: { From: "a@example.com, b@example.com" }, subject: "Hi", text: "Hi" },
    error: {
      name: "UnsupportedFeatureError",
      code: "unsupported_feature",
      feature: "multiple from addresses",
    },
  },
  {
    name: "no sender",
    message: { to: "alice@example.com", subject: "Hi", text: "Hi" },
    error: { name: "InvalidMessageError", code: "invalid_message", field: "from" },
  },
  {
    name: "a stored template plus a subject",
    message: { ...base, templateId: "welcome", subject: "Overridden" },
    error: {
      name: "UnsupportedFeatureError",
      code: "unsupported_feature",
      feature: expect.stringMatching(/^overriding the template subject/),
    },
  },
  {
    name: "a stored template plus a body",
    message: { ...base, templateId: "welcome", text: "Overridden" },
    error: {
      name: "UnsupportedFeatureError",
      code: "unsupported_feature",
      feature: expect.stringMatching(/^overriding template body content/),
    },
  },
  {
    name: "merge data without a body",
    message: { ...base, subject: "Hi {{name}}", mergeData: { "alice@example.com": { name: "Alice" } } },
    error: {
      name: "UnsupportedFeatureError",
      code: "unsupported_feature",
      feature: expect.stringMatching(/^merge fields without templateId/),
    },
  },
  {
    name: "merge data without a subject",
    message: { ...base, text: "Hi {{name}}", mergeGlobalData: { name: "you" } },
    error: {
      name: "UnsupportedFeatureError",
      code: "unsupported_feature",
      feature: expect.stringMatching(/^merge fields without templateId/),
    },
  },
  {
    name: "two tags with messageTagName",
    message: { ...base, subject: "Hi", text: "Hi", tags: ["welcome", "onboarding"] },
    options: { messageTagName: "Type" },
    error: {
      name: "UnsupportedFeatureError",
      code: "unsupported_feature",
      feature: "multiple tags with the messageTagName option",
    },
  },
  {
    name: "two tags with messageTagName on a template send",
    message: { ...base, templateId: "welcome", tags: ["welcome", "onboarding"] },
    options: { messageTagName: "Type" },
    error: {
      name: "UnsupportedFeatureError",
      code: "unsupported_feature",
      feature: "multiple tags with the messageTagName option",
    },
  },
  {
    name: "alternatives with a template",
    message: {
      ...base,
      templateId: "welcome",
      alternatives: [{ content: "<html amp4email></html>", contentType: "text/x-amp-html" }],
    },
    error: {
      name: "UnsupportedFeatureError",
      code: "unsupported_feature",
      feature: expect.stringMatching(/^alternatives with a template/),
    },
  },
  {
    name: "a spoofed To header with a template",
    message: { ...base, templateId: "welcome", headers: { To: "everyone@example.com" } },
    error: {
      name: "UnsupportedFeatureError",
      code: "unsupported_feature",
      feature: expect.stringMatching(/^spoofing the To header with a template/),
    },
  },
  {
    name: "a template send with only cc recipients",
    message: { from: "shop@example.com", cc: "carol@example.com", templateId: "welcome" },
    error: { name: "InvalidMessageError", code: "invalid_message", field: "to" },
  },
  {
    name: "merge data JSON cannot hold",
    message: { ...base, templateId: "welcome", mergeGlobalData: { count: Number.NaN } },
    error: { name: "SerializationError", code: "serialization_error" },
  },
  {
    name: "metadata JSON cannot hold",
    message: { ...base, subject: "Hi", text: "Hi", metadata: { total: Number.POSITIVE_INFINITY } },
    error: { name: "SerializationError", code: "serialization_error" },
  },
];

/** Messages both backends must accept (controls: the table is not refusing everything). */
const ACCEPTED: { name: string; message: EmailMessage; options?: BackendOptions }[] = [
  { name: "a plain message", message: { ...base, subject: "Hi", text: "Hello" } },
  {
    name: "one tag with messageTagName",
    message: { ...base, subject: "Hi", text: "Hello", tags: ["welcome"] },
    options: { messageTagName: "Type" },
  },
  {
    name: "a From header over the envelope sender",
    message: { ...base, headers: { From: "Shop <news@example.com>" }, subject: "Hi", text: "Hello" },
  },
];

interface Subject {
  label: string;
  backend(options: BackendOptions): MailerBackend;
}

const SUBJECTS: Subject[] = [
  { label: "memory backend", backend: (options) => createMemoryBackend(options) },
  {
    label: "SES backend (aws-ses-v2-local)",
    backend: (options) => amazonSes({ ...options, client: emulatorClient().client, retry: false }),
  },
];

async function refusal(backend: MailerBackend, message: EmailMessage): Promise<Record<string, unknown>> {
  const err = await createMailer({ backend })
    .send(message)
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  if (!(err instanceof Error)) {
    return { accepted: true };
  }
  const details = err as Error & { code?: string; feature?: string; field?: string };
  return {
    name: details.constructor.name,
    code: details.code,
    ...(details.feature === undefined ? {} : { feature: details.feature }),
    ...(details.field === undefined ? {} : { field: details.field }),
    // Same text apart from the backend's name.
    message: details.message.replace(backend.name, "<backend>"),
  };
}

describe.each(SUBJECTS)("what SES refuses: $label", (subject) => {
  it.each(REFUSALS)("refuses $name", async ({ message, options = {}, error }) => {
    expect(await refusal(subject.backend(options), message)).toMatchObject(error);
  });

  it.each(ACCEPTED)("accepts $name", async ({ message, options = {} }) => {
    const status = await createMailer({ backend: subject.backend(options) }).send(message);
    expect(status.statuses).toEqual(new Set(["queued"]));
  });
});

describe("the memory backend and the SES backend refuse with the same message", () => {
  it.each(REFUSALS)("$name", async ({ message, options = {} }) => {
    const [memory, ses] = await Promise.all(SUBJECTS.map((s) => refusal(s.backend(options), message)));
    expect(memory).toEqual(ses);
  });
});
