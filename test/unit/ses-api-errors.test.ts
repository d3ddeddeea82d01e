import { createServer } from "node:net";
import type { AddressInfo } from "node:net";

import { SESv2Client } from "@aws-sdk/client-sesv2";
import { afterEach, describe, expect, it } from "vitest";

import { ApiError } from "../../src/errors";
import { createMailer } from "../../src/mailer";
import { amazonSes } from "../../src/ses/backend";
import { VERSION } from "../../src/version";
import { scriptedServer, sesError } from "../helpers/scripted-server";

const message = { from: "from@example.com", to: "to@example.com", subject: "s", text: "t" };
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

function mailerFor(endpoint: string) {
  const client = new SESv2Client({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "x", secretAccessKey: "x" },
    maxAttempts: 1,
  });
  return createMailer({ backend: amazonSes({ client }) });
}

async function sendError(endpoint: string): Promise<ApiError> {
  const err = await mailerFor(endpoint)
    .send(message)
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

describe("SES errors become ApiError", () => {
  it("keeps the AWS error name, message, HTTP status, request id and cause (test_api_failure)", async () => {
    const server = await scriptedServer((_req, res) =>
      sesError(
        res,
        400,
        "MessageRejected",
        "Email address is not verified. The following identities failed the check in region US-EAST-1: to@example.com",
      ),
    );
    closers.push(server.close);
    const err = await sendError(server.url);
    expect(err.awsCode).toBe("MessageRejected");
    expect(err.httpStatus).toBe(400);
    expect(err.requestId).toBe("req-1234");
    expect(err.message).toContain("Email address is not verified");
    expect(err.code).toBe("api_error");
    expect((err.cause as Error).name).toBe("MessageRejected");
    expect(err.outcomeUnknown).toBe(false);
  });

  it("makes throttling recognisable by code", async () => {
    const server = await scriptedServer((_req, res) =>
      sesError(res, 429, "TooManyRequestsException", "Maximum sending rate exceeded."),
    );
    closers.push(server.close);
    const err = await sendError(server.url);
    expect(err.awsCode).toBe("TooManyRequestsException");
    expect(err.httpStatus).toBe(429);
  });

  it("reports a connection reset after sending as an unknown outcome", async () => {
    const server = await scriptedServer((req) => req.socket.destroy());
    closers.push(server.close);
    const err = await sendError(server.url);
    expect(err.outcomeUnknown).toBe(true);
    expect(err.httpStatus).toBeUndefined();
  });

  it("does not report a refused connection as an unknown outcome (nothing left)", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const err = await sendError(`http://127.0.0.1:${port}`);
    expect(err.outcomeUnknown).toBe(false);
    expect(err.awsCode).toBe("ECONNREFUSED");
  });

  it("refuses a response without a MessageId (test_send_unparsable_response)", async () => {
    const server = await scriptedServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ wrong: "format" }));
    });
    closers.push(server.close);
    const err = await sendError(server.url);
    expect(err.message).toContain("parsing Amazon SES send result");
  });

  it("creates its own client with the mailroom user agent when none is injected", async () => {
    const server = await scriptedServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ MessageId: "m-1" }));
    });
    closers.push(server.close);
    const backend = amazonSes({
      region: "eu-west-1",
      credentials: { accessKeyId: "x", secretAccessKey: "x" },
      clientConfig: { endpoint: server.url },
    });
    const status = await createMailer({ backend }).send(message);
    expect(status.messageId).toBe("m-1");
    expect(server.requests.map((r) => r.url)).toEqual(["/v2/email/outbound-emails"]);
    expect(
      String(server.requests[0]?.headers["x-amz-user-agent"] ?? "") +
        String(server.requests[0]?.headers["user-agent"]),
    ).toContain(`mailroom/${VERSION}`);
  });
});
