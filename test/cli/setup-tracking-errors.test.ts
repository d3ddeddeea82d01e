import { SNSServiceException } from "@aws-sdk/client-sns";
import { describe, expect, it } from "vitest";

import { expectNoSecret, runSetup, SETUP_ENV, SETUP_PASSWORD, TRACKING_ARGS } from "../helpers/cli-setup";
import { FakeAws } from "../helpers/fake-aws";

const PASSWORD = SETUP_PASSWORD;
const SECRET = SETUP_ENV.MAILROOM_WEBHOOK_SECRET;
const ENV = SETUP_ENV;

function run(aws: FakeAws, extra: string[] = [], env: Record<string, string> = ENV) {
  return runSetup(aws, [...TRACKING_ARGS, ...extra], env);
}

describe("mailroom setup tracking: secrets, errors and usage", () => {
  it("takes the secret from --secret or the URL too, never printing it", async () => {
    for (const extra of [
      ["--secret", SECRET],
      ["--endpoint-url", `https://hooks:${PASSWORD}@example.com/mailroom/ses/tracking`],
    ]) {
      const aws = new FakeAws();
      const result = await run(aws, extra, {});
      expect(result.code).toBe(0);
      expect(aws.subscriptions[0]?.endpoint).toContain(`hooks:${PASSWORD}@`);
      expectNoSecret(result);
    }
  });

  it("warns when there is no secret, and subscribes the bare URL", async () => {
    const aws = new FakeAws();
    const result = await run(aws, [], {});
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("Warning: no webhook secret");
    expect(aws.subscriptions[0]?.endpoint).toBe("https://example.com/mailroom/ses/tracking");
  });

  it("redacts the secret from an AWS error that echoes the endpoint (exit code 1)", async () => {
    const aws = new FakeAws();
    aws.failures.set(
      "Subscribe",
      new SNSServiceException({
        name: "InvalidParameterException",
        message: `Invalid parameter: Endpoint https://hooks:${PASSWORD}@example.com is unreachable`,
        $fault: "client",
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const result = await run(aws);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("InvalidParameterException");
    expect(result.stderr).toContain("hooks:****@example.com");
    expectNoSecret(result);
  });

  it("maps an authorization error to exit code 3, with no stack trace unless --debug", async () => {
    const aws = new FakeAws();
    aws.failures.set(
      "ListTopics",
      new SNSServiceException({
        name: "AuthorizationError",
        message: "User is not authorized to perform: SNS:ListTopics",
        $fault: "client",
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const plain = await run(aws);
    expect(plain.code).toBe(3);
    expect(plain.stderr).toContain("mailroom setup tracking: error: User is not authorized");
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    const debug = await run(aws, ["--debug"]);
    expect(debug.code).toBe(3);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it.each([
    [["--endpoint-url", "http://example.com/x"], "must be an https:// URL"],
    [["--events", "bounce,explode"], "unknown event type 'explode'"],
    [["--secret", "hooks:short"], "shorter than 8 characters"],
    [["--secret", "nocolon-but-long-enough"], "must look like user:password"],
    [["--topic", ""], "--topic is required"],
    [["--bogus"], "Unknown option '--bogus'"],
  ])("refuses %j with exit code 2 before calling AWS", async (extra, message) => {
    const aws = new FakeAws();
    const result = await runSetup(aws, [...TRACKING_ARGS, ...extra], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain("Run 'mailroom setup tracking --help' for usage.");
    expect(aws.calls).toEqual([]);
  });

  it("requires --configuration-set", async () => {
    const aws = new FakeAws();
    const result = await runSetup(aws, TRACKING_ARGS.slice(0, 6));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--configuration-set is required");
  });
});
