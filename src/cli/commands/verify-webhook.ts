/**
 * `mailroom verify-webhook <url>`: post test-signed sample SNS notifications of every SES event
 * type to a webhook, exactly as SNS would, and report what it answered to each.
 *
 * @module
 */
import { WebhookValidationError } from "../../errors";
import { parseTopicArn } from "../../sns/cert-url-policy";
import { createSnsTestSigner } from "../../testing/sns-signing";
import { oneOf, parseCommandLine, positiveInteger } from "../args";
import { UsageError } from "../cli-error";
import type { CliCommand } from "../command";
import { ExitCode } from "../exit-codes";
import type { CliIo } from "../io";
import { maskUrl, resolveWebhookTarget, SECRET_ENV, withSecret } from "../secret";
import { COMMON_OPTIONS } from "../args";
import { deliverLikeSns, type DeliveryResult } from "../verify/deliver";
import { inboundSamples, TRACKING_SAMPLES } from "../verify/samples";
import { explain, meets, verdictOf, type Expectation, type Verdict } from "../verify/verdict";

const OPTIONS = {
  ...COMMON_OPTIONS,
  secret: { type: "string" },
  kind: { type: "string" },
  expect: { type: "string" },
  "topic-arn": { type: "string" },
  timeout: { type: "string" },
  json: { type: "boolean" },
} as const;

const DEFAULT_TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:mailroom-verify-webhook";

const SECURITY_NOTE = `About the results: these samples are signed by a throwaway test CA made for this run, not
by AWS. A production webhook with signature verification ON must answer 403 to every one of
them: that is the expected, secure result. A 2xx means signature verification is OFF, or the
webhook trusts the test CA (fine in a local test, never in production).`;

const HELP = `Usage: mailroom verify-webhook <url> [--secret <user:password>] [--kind tracking|inbound] [flags]

Post signed sample SNS notifications to a webhook, the way SNS delivers them: text/plain
bodies with the x-amz-sns-* headers, first without credentials, then with basic auth after a
401 challenge. Reports per sample what the endpoint answered.

  --kind tracking  one sample of each SES event type (Send, Reject, Bounce, Complaint,
                   Delivery, Open, Click, Rendering Failure, DeliveryDelay, Subscription) and
                   the setup message SES publishes (default)
  --kind inbound   receipt notifications (SNS action in UTF-8 and Base64, S3 setup notification)

${SECURITY_NOTE}

Flags:
  --secret <user:password>  the webhook's basic-auth secret (default: $${SECRET_ENV}, or
                            credentials in the URL); never printed
  --expect any|rejected|accepted
                            which answers count as success (default any: 2xx or 403;
                            rejected: all 403, for production; accepted: all 2xx)
  --topic-arn <arn>         TopicArn of the samples (default ${DEFAULT_TOPIC_ARN});
                            use your topic's to pass a TopicArn allow-list
  --timeout <ms>            per request (default 10000)
  --json                    print the results as JSON

Exit codes: 0 every answer met --expect; 1 otherwise (or unreachable); 2 invalid flags.

Example:
  mailroom verify-webhook https://example.com/mailroom/ses/tracking --expect rejected`;

interface Row {
  label: string;
  result: DeliveryResult;
  verdict: Verdict;
}

/**
 * The `mailroom verify-webhook` command.
 *
 * @example
 * ```ts
 * await verifyWebhookCommand.run({ args: ["http://127.0.0.1:8080/ses", "--expect", "accepted"], io, deps });
 * ```
 */
export const verifyWebhookCommand: CliCommand = {
  path: ["verify-webhook"],
  summary: "Post signed sample SNS notifications to a webhook and report its answers",
  help: HELP,
  async run({ args, io, deps }) {
    const { values, positionals } = parseCommandLine(args, OPTIONS, true);
    for (const candidate of [values.secret, deps.env[SECRET_ENV]]) {
      if (candidate !== undefined && candidate.length > 0) {
        io.redact(candidate.slice(candidate.indexOf(":") + 1));
      }
    }
    if (positionals.length !== 1 || positionals[0] === undefined) {
      throw new UsageError("give exactly one webhook URL");
    }
    const { url, secret } = resolveWebhookTarget(positionals[0], values.secret, deps.env, "<url>");
    if (secret !== undefined) {
      io.redact(secret.password);
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      throw new UsageError("<url> must be an http:// or https:// URL");
    }
    const kind = oneOf(values.kind ?? "tracking", ["tracking", "inbound"] as const, "--kind");
    const expectation = oneOf(values.expect ?? "any", ["any", "rejected", "accepted"] as const, "--expect");
    const timeoutMs = positiveInteger(values.timeout ?? "10000", "--timeout");
    const topicArn = values["topic-arn"] ?? DEFAULT_TOPIC_ARN;
    let topic: ReturnType<typeof parseTopicArn>;
    try {
      topic = parseTopicArn(topicArn);
    } catch (err) {
      throw new UsageError(
        err instanceof WebhookValidationError ? `--topic-arn: ${err.message}` : String(err),
      );
    }

    io.progress("Creating a throwaway signing CA for the samples…");
    const signer = createSnsTestSigner({
      region: topic.region,
      partition: topic.partition,
      accountId: topic.accountId,
      topicName: topic.name,
    });
    const samples = kind === "tracking" ? TRACKING_SAMPLES : inboundSamples(topicArn);
    const rows: Row[] = [];
    for (const [index, sample] of samples.entries()) {
      io.progress(`Posting ${sample.label} (${index + 1}/${samples.length}) to ${maskUrl(url)}…`);
      const envelope = signer.notification({ message: sample.message, topicArn });
      const result = await deliverLikeSns(
        deps.fetch,
        url,
        JSON.stringify(envelope),
        signer.httpHeaders(envelope),
        secret,
        timeoutMs,
      );
      rows.push({ label: sample.label, result, verdict: verdictOf(result, secret !== undefined) });
    }
    const ok = rows.every((row) => meets(row.verdict, expectation));
    // Shown with the user name and a masked password, so the report says which credentials were used.
    const shownUrl = maskUrl(withSecret(url, secret));
    const warnings = warningsFor(rows, secret !== undefined);
    if (values.json === true) {
      io.out(JSON.stringify(jsonReport(shownUrl, kind, expectation, rows, warnings, ok), null, 2));
    } else {
      printReport(io, { url: shownUrl, kind, expectation, rows, warnings, ok });
    }
    return ok ? ExitCode.ok : ExitCode.failure;
  },
};

function warningsFor(rows: readonly Row[], hasSecret: boolean): string[] {
  const warnings: string[] = [];
  if (hasSecret && rows.some((row) => row.result.status !== undefined && !row.result.challenged)) {
    warnings.push(
      "The endpoint answered without first asking for credentials (no 401 challenge): it does not " +
        "check the webhook secret, or SNS's credentials would never be sent.",
    );
  }
  if (rows.some((row) => row.verdict === "accepted")) {
    warnings.push(
      "Some samples were ACCEPTED: signature verification is off or trusts the test CA. Never run " +
        "a production webhook like that.",
    );
  }
  return warnings;
}

function statusText(result: DeliveryResult): string {
  if (result.status === undefined) {
    return "---";
  }
  return result.authenticated ? `401→${result.status}` : String(result.status);
}

function printReport(
  io: CliIo,
  report: {
    url: string;
    kind: string;
    expectation: Expectation;
    rows: Row[];
    warnings: string[];
    ok: boolean;
  },
): void {
  const width = Math.max(...report.rows.map((row) => row.label.length));
  io.out(`${report.url} (${report.kind} samples, expecting ${report.expectation}):`);
  for (const row of report.rows) {
    const reason = row.result.reason === "" ? "" : ` [${row.result.reason}]`;
    io.out(
      `  ${row.label.padEnd(width)}  ${statusText(row.result).padEnd(7)}  ${explain(row.verdict)}${reason}`,
    );
  }
  io.out("");
  for (const warning of report.warnings) {
    io.out(`Warning: ${warning}`);
  }
  io.out(SECURITY_NOTE);
  io.out("");
  io.out(
    report.ok ? "Result: OK" : `Result: FAILED (some answers do not meet --expect ${report.expectation})`,
  );
}

function jsonReport(
  url: string,
  kind: string,
  expectation: Expectation,
  rows: readonly Row[],
  warnings: string[],
  ok: boolean,
): object {
  return {
    url,
    kind,
    expect: expectation,
    ok,
    results: rows.map((row) => ({
      sample: row.label,
      status: row.result.status ?? null,
      challenged: row.result.challenged,
      authenticated: row.result.authenticated,
      verdict: row.verdict,
      explanation: explain(row.verdict),
      reason: row.result.reason,
    })),
    warnings,
    note: SECURITY_NOTE.replace(/\n/g, " "),
  };
}
