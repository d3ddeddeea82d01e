/**
 * `mailroom status`: the SES account's health (GetAccount) and, when a Redis store is given,
 * Mailroom's local bounce/complaint rates and pause flag; `--resume` lifts a pause.
 *
 * @module
 */
import { GetAccountCommand } from "@aws-sdk/client-sesv2";
import type { GetAccountCommandOutput } from "@aws-sdk/client-sesv2";

import { COMMON_OPTIONS, parseCommandLine } from "../args";
import { UsageError } from "../cli-error";
import type { CliCommand } from "../command";
import { clientFor } from "../deps";
import { ExitCode } from "../exit-codes";
import { call } from "../setup/aws-call";

const OPTIONS = {
  ...COMMON_OPTIONS,
  region: { type: "string" },
  redis: { type: "string" },
  prefix: { type: "string" },
  resume: { type: "boolean" },
  pause: { type: "string" },
  json: { type: "boolean" },
} as const;

const HELP = `Usage: mailroom status [--redis <url>] [--prefix <p>] [--resume | --pause <reason>]
         [--json] [--region <r>]

Print the SES account's health, from GetAccount: enforcement status (HEALTHY, PROBATION,
SHUTDOWN), production access (false: the sandbox), whether sending is enabled, the 24-hour quota,
the maximum send rate, and the account-level suppression settings.

With --redis (or MAILROOM_REDIS_URL), also Mailroom's own view, from the reputation store the
application gives createRedisReputationStore: recipients sent, hard bounces and complaints over
the window, the rates, and whether sending is paused.
  --resume            lift a pause (manual or automatic)
  --pause <reason>    pause every mailer sharing the store, until --resume

Flags:
  --prefix <p>        the store's key prefix (default mailroom:reputation:)
  --json              one JSON object
  --region <region>   AWS region (default: the SDK's configuration)`;

function pct(rate: number): string {
  return `${(rate * 100).toFixed(rate < 0.01 ? 3 : 2)} %`;
}

/**
 * The `mailroom status` command.
 *
 * @example
 * ```ts
 * await statusCommand.run({ args: ["--json"], io, deps });
 * ```
 */
export const statusCommand: CliCommand = {
  path: ["status"],
  summary: "SES account health (GetAccount) and Mailroom's local rates; resume a pause",
  help: HELP,
  async run({ args, io, deps }) {
    const { values } = parseCommandLine(args, OPTIONS);
    if (values.resume === true && values.pause !== undefined) {
      throw new UsageError("--resume and --pause cannot be combined");
    }
    const redis = values.redis ?? deps.env.MAILROOM_REDIS_URL;
    if (redis === undefined && (values.resume === true || values.pause !== undefined)) {
      throw new UsageError("--resume and --pause need --redis (the store the mailers share)");
    }
    const sesv2 = await clientFor(deps, "sesv2", { region: values.region });
    const account = await call<GetAccountCommandOutput>(sesv2, new GetAccountCommand({}));
    const report: Record<string, unknown> = {
      enforcementStatus: account.EnforcementStatus,
      productionAccess: account.ProductionAccessEnabled,
      sendingEnabled: account.SendingEnabled,
      max24HourSend: account.SendQuota?.Max24HourSend,
      sentLast24Hours: account.SendQuota?.SentLast24Hours,
      maxSendRate: account.SendQuota?.MaxSendRate,
      suppressedReasons: account.SuppressionAttributes?.SuppressedReasons ?? [],
    };
    if (redis !== undefined) {
      const { createRedisReputationStore } = await import("../../store/redis-reputation-store");
      const { createReputationMonitor } = await import("../../reputation/rate-monitor");
      const monitor = createReputationMonitor({
        store: createRedisReputationStore({ redis, prefix: values.prefix }),
      });
      try {
        if (values.resume === true) {
          await monitor.resume();
          io.progress("sending resumed");
        } else if (values.pause !== undefined) {
          await monitor.pause(values.pause);
          io.progress("sending paused");
        }
        const rates = await monitor.rates();
        const pause = await monitor.pauseState();
        report.local = {
          sent: rates.sent,
          bounces: rates.bounces,
          complaints: rates.complaints,
          bounceRate: rates.bounceRate,
          complaintRate: rates.complaintRate,
          representative: rates.representative,
          windowStart: rates.windowStart.toISOString(),
          paused:
            pause === undefined
              ? false
              : { reason: pause.reason, since: pause.since.toISOString(), automatic: pause.automatic },
        };
      } finally {
        await monitor.close();
      }
    }
    if (values.json === true) {
      io.out(JSON.stringify(report));
      return ExitCode.ok;
    }
    const quota = account.SendQuota;
    io.out(`SES account (${values.region ?? "default region"})`);
    io.out(`  enforcement status   ${account.EnforcementStatus ?? "unknown"}`);
    io.out(`  production access    ${account.ProductionAccessEnabled === true ? "yes" : "no (sandbox)"}`);
    io.out(`  sending enabled      ${account.SendingEnabled === false ? "NO" : "yes"}`);
    io.out(
      `  quota                ${quota?.SentLast24Hours ?? "?"} sent of ${quota?.Max24HourSend === -1 ? "unlimited" : (quota?.Max24HourSend ?? "?")} per 24 h, ${quota?.MaxSendRate ?? "?"} per second`,
    );
    const reasons = account.SuppressionAttributes?.SuppressedReasons ?? [];
    io.out(`  suppression list     ${reasons.length === 0 ? "off" : reasons.join(", ")}`);
    const local = report.local as
      | {
          sent: number;
          bounces: number;
          complaints: number;
          bounceRate: number;
          complaintRate: number;
          representative: boolean;
          paused: false | { reason: string; since: string };
        }
      | undefined;
    if (local !== undefined) {
      io.out("Mailroom (local rates)");
      io.out(`  recipients sent      ${local.sent}${local.representative ? "" : " (too few to judge)"}`);
      io.out(
        `  bounce rate          ${pct(local.bounceRate)} (${local.bounces})   SES reviews at 5 %, may pause at 10 %`,
      );
      io.out(
        `  complaint rate       ${pct(local.complaintRate)} (${local.complaints})   SES reviews at 0.1 %, may pause at 0.5 %`,
      );
      io.out(
        `  sending              ${local.paused === false ? "active" : `PAUSED since ${local.paused.since}: ${local.paused.reason}`}`,
      );
    }
    return ExitCode.ok;
  },
};
