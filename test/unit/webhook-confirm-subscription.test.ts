/**
 * The default subscription confirmation against a local HTTP server speaking the SNS Query
 * protocol: the real SDK call, its parameters and region, and how its failures are reported.
 */
import { afterEach, describe, expect, it } from "vitest";

import { ApiError } from "../../src/errors";
import { createConfirmSubscription } from "../../src/webhook/confirm-subscription";
import { scriptedServer } from "../helpers/scripted-server";

// The SDK warns on Node 20 about its future releases; the warning is noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const TOPIC = "arn:aws:sns:us-west-2:123456789012:SES_Notifications";
const credentials = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
};

const OK = `<ConfirmSubscriptionResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
  <ConfirmSubscriptionResult><SubscriptionArn>${TOPIC}:7a5e7b3c-0000-4000-8000-000000000000</SubscriptionArn></ConfirmSubscriptionResult>
  <ResponseMetadata><RequestId>7a5e7b3c-1111-4000-8000-000000000000</RequestId></ResponseMetadata>
</ConfirmSubscriptionResponse>`;

const DENIED = `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
  <Error><Type>Sender</Type><Code>AuthorizationError</Code><Message>Gremlins!</Message></Error>
  <RequestId>7a5e7b3c-2222-4000-8000-000000000000</RequestId>
</ErrorResponse>`;

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function snsStandIn(status: number, xml: string) {
  const server = await scriptedServer((_req, res) => {
    res.writeHead(status, { "content-type": "text/xml" });
    res.end(xml);
  });
  close = server.close;
  return server;
}

describe("createConfirmSubscription (default SNS client)", () => {
  it("calls ConfirmSubscription with AuthenticateOnUnsubscribe=true, signed for the topic's region", async () => {
    const server = await snsStandIn(200, OK);
    const confirm = createConfirmSubscription({
      snsClientConfig: { endpoint: server.url, region: "us-east-1", credentials, maxAttempts: 1 },
    });
    await confirm(TOPIC, "EXAMPLE_TOKEN", "us-west-2");
    expect(server.requests).toHaveLength(1);
    const params = new URLSearchParams(server.requests[0]?.body);
    expect(Object.fromEntries(params)).toMatchObject({
      Action: "ConfirmSubscription",
      TopicArn: TOPIC,
      Token: "EXAMPLE_TOKEN",
      AuthenticateOnUnsubscribe: "true",
    });
    expect(server.requests[0]?.headers.authorization).toContain("/us-west-2/sns/aws4_request");
  });

  it("reports an SNS error as an ApiError with the AWS error name", async () => {
    const server = await snsStandIn(403, DENIED);
    const confirm = createConfirmSubscription({
      snsClientConfig: { endpoint: server.url, credentials, maxAttempts: 1 },
    });
    const error = await confirm(TOPIC, "EXAMPLE_TOKEN", "us-west-2").then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ awsCode: "AuthorizationErrorException", httpStatus: 403 });
    expect((error as ApiError).message).toMatch(/^Amazon SNS ConfirmSubscription failed: .*Gremlins!/);
  });
});
