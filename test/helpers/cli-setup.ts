import { expect } from "vitest";

import { runCli, type CliResult } from "./cli-run";
import type { FakeAws } from "./fake-aws";

/** The webhook password the setup tests use; it must never appear in any output. */
export const SETUP_PASSWORD = "correct-horse-battery-staple";
/** The environment the setup commands read the secret from. */
export const SETUP_ENV = { MAILROOM_WEBHOOK_SECRET: `hooks:${SETUP_PASSWORD}` };

/** `mailroom setup tracking` for the standard test topic, configuration set and endpoint. */
export const TRACKING_ARGS = [
  "setup",
  "tracking",
  "--topic",
  "ses-tracking",
  "--endpoint-url",
  "https://example.com/mailroom/ses/tracking",
  "--configuration-set",
  "Tracking",
];

/** `mailroom setup inbound` for the standard test recipient, topic and endpoint (add --action ...). */
export const INBOUND_ARGS = [
  "setup",
  "inbound",
  "--recipient",
  "support@example.com",
  "--topic",
  "ses-inbound",
  "--endpoint-url",
  "https://example.com/mailroom/ses/inbound",
];

/** The bucket policy shape the inbound tests read back. */
export interface BucketPolicy {
  Statement: { Sid: string; Action: unknown; Resource: unknown; Principal?: unknown; Condition?: unknown }[];
}

/** Run the CLI against the fake AWS account with the test secret in the environment. */
export function runSetup(
  aws: FakeAws,
  args: string[],
  env: Record<string, string> = SETUP_ENV,
): Promise<CliResult> {
  return runCli(args, { clients: aws.clients(), env });
}

/** Neither the password nor its URL-encoded form may appear in what the CLI printed. */
export function expectNoSecret(result: CliResult): void {
  expect(result.stdout + result.stderr).not.toContain(SETUP_PASSWORD);
  expect(result.stdout + result.stderr).not.toContain(encodeURIComponent(SETUP_PASSWORD));
}
