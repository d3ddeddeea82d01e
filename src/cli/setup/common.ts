/**
 * What `setup tracking` and `setup inbound` share: the webhook flags, the subscription URL with
 * its secret, and the final report (plan, IAM policy, next steps).
 *
 * @module
 */
import { COMMON_OPTIONS, required } from "../args";
import { UsageError } from "../cli-error";
import type { CliIo } from "../io";
import { resolveWebhookTarget, SECRET_ENV, withSecret } from "../secret";
import type { IamPolicy } from "./iam-policy";
import { planJson, renderSteps, type SetupContext } from "./plan";

/**
 * The flags of both setup commands.
 *
 * @example
 * ```ts
 * const OPTIONS = { ...SETUP_OPTIONS, "configuration-set": { type: "string" } } as const;
 * ```
 */
export const SETUP_OPTIONS = {
  ...COMMON_OPTIONS,
  topic: { type: "string" },
  "endpoint-url": { type: "string" },
  secret: { type: "string" },
  region: { type: "string" },
  "dry-run": { type: "boolean" },
  json: { type: "boolean" },
  resubscribe: { type: "boolean" },
} as const;

/**
 * Help lines for the shared flags.
 *
 * @example
 * ```ts
 * const HELP = `Usage: …\n${SETUP_FLAGS_HELP}`;
 * ```
 */
export const SETUP_FLAGS_HELP = `  --topic <name>             SNS topic (created if missing)
  --endpoint-url <https://…> the webhook URL SNS posts to
  --secret <user:password>   the webhook's basic-auth secret, put in the subscription URL
                             (default: $${SECRET_ENV}; never printed)
  --region <region>          AWS region (default: the AWS SDK chain, e.g. AWS_REGION)
  --resubscribe              ask SNS to send the confirmation request of a pending
                             subscription again
  --dry-run                  print the plan; only read APIs are called
  --json                     print the plan and the IAM policy as JSON`;

/**
 * Check the webhook flags and build the subscription URL. The secret is registered for
 * redaction before anything can print it.
 *
 * @throws UsageError for a missing or non-HTTPS URL or a malformed secret.
 * @example
 * ```ts
 * const endpoint = subscriptionEndpoint(values, deps.env, io);
 * ```
 */
export function subscriptionEndpoint(
  values: { "endpoint-url"?: string | undefined; secret?: string | undefined },
  env: Readonly<Record<string, string | undefined>>,
  io: CliIo,
): URL {
  // Redact first: an error below must not echo the secret either.
  for (const candidate of [values.secret, env[SECRET_ENV]]) {
    if (candidate !== undefined && candidate !== "") {
      io.redact(candidate);
      io.redact(candidate.slice(candidate.indexOf(":") + 1));
    }
  }
  const raw = required(values["endpoint-url"], "--endpoint-url");
  const { url, secret } = resolveWebhookTarget(raw, values.secret, env, "--endpoint-url");
  if (secret !== undefined) {
    io.redact(secret.password);
    io.redact(encodeURIComponent(secret.password));
  }
  if (url.protocol !== "https:") {
    throw new UsageError("--endpoint-url must be an https:// URL (SNS sends credentials only over HTTPS)");
  }
  if (secret === undefined) {
    io.err(
      `Warning: no webhook secret (--secret or ${SECRET_ENV}): anyone who finds the URL can post to it, ` +
        "and the webhook can then auto-confirm the subscription only for an allow-listed topic.",
    );
  }
  return withSecret(url, secret);
}

/**
 * Print the outcome: the plan, the IAM policy and the next steps (or all of it as JSON).
 *
 * @example
 * ```ts
 * printReport(io, context, { json: false, policy, policyTitle: "…", notes: ["…"] });
 * ```
 */
export function printReport(
  io: CliIo,
  context: SetupContext,
  report: { json: boolean; policy: IamPolicy; policyTitle: string; notes: string[] },
): void {
  if (report.json) {
    io.out(JSON.stringify({ ...planJson(context), iamPolicy: report.policy, notes: report.notes }, null, 2));
    return;
  }
  io.out(renderSteps(context.steps, context.dryRun));
  io.out("");
  io.out(`${report.policyTitle}:`);
  io.out(JSON.stringify(report.policy, null, 2));
  if (report.notes.length > 0) {
    io.out("");
    io.out("Next:");
    for (const note of report.notes) {
      io.out(`  - ${note}`);
    }
  }
}
