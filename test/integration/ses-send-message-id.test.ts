import { SESv2Client } from "@aws-sdk/client-sesv2";
import { describe, expect, it } from "vitest";

import { createMailer } from "../../src/mailer";
import { amazonSes } from "../../src/ses/backend";
import { sesRfcMessageId } from "../../src/ses/response";
import { emulatorClient, sesEndpoint } from "../helpers/ses-local";

const message = {
  from: "shop@example.com",
  to: ["alice@example.com", "Bob <bob@example.com>"],
  cc: "carol@example.com",
  subject: "Threading",
  text: "Reply to me",
};

describe("the RFC Message-ID SES gives the message, for threading replies", () => {
  it("is <MessageId@email.amazonses.com> in us-east-1, on every recipient", async () => {
    const { client } = emulatorClient(); // configured for us-east-1
    const status = await createMailer({ backend: amazonSes({ client }) }).send(message);
    const id = status.messageId as string;
    expect(id).toEqual(expect.any(String));
    for (const recipient of ["alice@example.com", "bob@example.com", "carol@example.com"]) {
      expect(status.recipients[recipient]?.rfcMessageId).toBe(`<${id}@email.amazonses.com>`);
    }
  });

  it("is <MessageId@REGION.amazonses.com> elsewhere, the region read from the client", async () => {
    const client = new SESv2Client({
      endpoint: sesEndpoint(),
      region: "eu-west-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      maxAttempts: 1,
    });
    const status = await createMailer({ backend: amazonSes({ client }) }).send(message);
    expect(status.recipients["alice@example.com"]?.rfcMessageId).toBe(
      `<${status.messageId as string}@eu-west-1.amazonses.com>`,
    );
  });

  it("builds the id from a MessageId and a region (pure)", () => {
    expect(sesRfcMessageId("0100018c-abc-000000", "us-east-1")).toBe(
      "<0100018c-abc-000000@email.amazonses.com>",
    );
    expect(sesRfcMessageId("0100018c-abc-000000", "ap-southeast-2")).toBe(
      "<0100018c-abc-000000@ap-southeast-2.amazonses.com>",
    );
    expect(sesRfcMessageId("0100018c-abc-000000", undefined)).toBeUndefined();
    expect(sesRfcMessageId(undefined, "us-east-1")).toBeUndefined();
    // Never an id that could break a header.
    expect(sesRfcMessageId("a b", "us-east-1")).toBeUndefined();
    expect(sesRfcMessageId("abc", "us-east-1\r\nX: y")).toBeUndefined();
  });
});
