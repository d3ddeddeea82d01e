/**
 * `mailroom suppression list | add | remove | import | export | sync`: SES's account-level
 * suppression list (SESv2), and syncing it with Mailroom's own list in Redis.
 *
 * @module
 */
import { CreateImportJobCommand } from "@aws-sdk/client-sesv2";
import type { CreateImportJobCommandOutput } from "@aws-sdk/client-sesv2";

import { ACCOUNT_SCOPE } from "../../store/suppression-store";
import type { SuppressionEntry, SuppressionStore } from "../../store/suppression-store";
import { COMMON_OPTIONS, oneOf, parseCommandLine, required } from "../args";
import { UsageError } from "../cli-error";
import type { CliCommand } from "../command";
import { clientFor } from "../deps";
import { ExitCode } from "../exit-codes";
import {
  deleteSesSuppressed,
  fromSes,
  listSesSuppressed,
  putSesSuppressed,
  SES_REASONS,
  toSesReason,
} from "../suppression/ses-suppression";
import type { SesSuppressionReason } from "../suppression/ses-suppression";

const AWS_OPTIONS = { ...COMMON_OPTIONS, region: { type: "string" } } as const;
const AWS_HELP = "  --region <region>          AWS region (default: the SDK's configuration)";
/** Addresses per command line: a bound, not a quota (use `import` for bulk). */
const MAX_ADDRESSES = 1_000;

function reasonFlag(value: string | undefined): SesSuppressionReason | undefined {
  return value === undefined ? undefined : oneOf(value.toUpperCase(), SES_REASONS, "--reason");
}

function addresses(positionals: string[]): string[] {
  if (positionals.length === 0) {
    throw new UsageError("Give at least one address");
  }
  if (positionals.length > MAX_ADDRESSES) {
    throw new UsageError(`At most ${MAX_ADDRESSES} addresses per call: use \`mailroom suppression import\``);
  }
  for (const address of positionals) {
    if (!/^[^\s@]+@[^\s@]+$/.test(address)) {
      throw new UsageError(`Not an email address: '${address}'`);
    }
  }
  return positionals;
}

const listCommand: CliCommand = {
  path: ["suppression", "list"],
  summary: "List SES's account-level suppression list",
  help: `Usage: mailroom suppression list [--reason bounce|complaint] [--json] [--region <r>]

Print every address on SES's account-level suppression list (all pages), one per line:
address, reason, last update. With --json, one JSON object per line.

Flags:
  --reason <r>               only BOUNCE or COMPLAINT entries
  --json                     JSON lines
${AWS_HELP}`,
  async run({ args, io, deps }) {
    const { values } = parseCommandLine(args, {
      ...AWS_OPTIONS,
      reason: { type: "string" },
      json: { type: "boolean" },
    });
    const sesv2 = await clientFor(deps, "sesv2", { region: values.region });
    const entries = await listSesSuppressed(sesv2, reasonFlag(values.reason));
    for (const entry of entries) {
      const updated = entry.LastUpdateTime instanceof Date ? entry.LastUpdateTime.toISOString() : "";
      io.out(
        values.json === true
          ? JSON.stringify({ address: entry.EmailAddress, reason: entry.Reason, lastUpdate: updated })
          : `${entry.EmailAddress ?? ""}\t${entry.Reason ?? ""}\t${updated}`,
      );
    }
    io.progress(`${entries.length} suppressed address(es)`);
    return ExitCode.ok;
  },
};

const addCommand: CliCommand = {
  path: ["suppression", "add"],
  summary: "Put addresses on SES's account-level suppression list",
  help: `Usage: mailroom suppression add <address>... --reason bounce|complaint [--region <r>]

Put each address on SES's account-level suppression list (PutSuppressedDestination). SES
knows only two reasons. SES matches these calls case-sensitively: add the address as you send to it.

${AWS_HELP}`,
  async run({ args, io, deps }) {
    const { values, positionals } = parseCommandLine(
      args,
      { ...AWS_OPTIONS, reason: { type: "string" } },
      true,
    );
    const reason = reasonFlag(required(values.reason, "--reason")) as SesSuppressionReason;
    const list = addresses(positionals);
    const sesv2 = await clientFor(deps, "sesv2", { region: values.region });
    for (const address of list) {
      await putSesSuppressed(sesv2, address, reason);
      io.out(`added ${address} (${reason})`);
    }
    return ExitCode.ok;
  },
};

const removeCommand: CliCommand = {
  path: ["suppression", "remove"],
  summary: "Take addresses off SES's account-level suppression list",
  help: `Usage: mailroom suppression remove <address>... [--region <r>]

Take each address off SES's account-level suppression list (DeleteSuppressedDestination).
An address that is not on it is reported and skipped.

${AWS_HELP}`,
  async run({ args, io, deps }) {
    const { values, positionals } = parseCommandLine(args, AWS_OPTIONS, true);
    const list = addresses(positionals);
    const sesv2 = await clientFor(deps, "sesv2", { region: values.region });
    let missing = 0;
    for (const address of list) {
      try {
        await deleteSesSuppressed(sesv2, address);
        io.out(`removed ${address}`);
      } catch (err) {
        if (err instanceof Error && err.name === "NotFoundException") {
          missing += 1;
          io.err(`not on the list: ${address}`);
          continue;
        }
        throw err;
      }
    }
    return missing === 0 ? ExitCode.ok : ExitCode.failure;
  },
};

const importCommand: CliCommand = {
  path: ["suppression", "import"],
  summary: "Bulk-load (or bulk-delete) SES suppression entries from S3 (an import job)",
  help: `Usage: mailroom suppression import --s3-url s3://<bucket>/<key> [--format csv|json]
         [--action put|delete] [--region <r>]

Start an SES import job (CreateImportJob) reading a file of addresses and reasons from S3:
the way to add or delete thousands of entries. Prints the job id; SES processes it in the
background (aws sesv2 get-import-job --job-id <id> shows its progress).

Flags:
  --s3-url <url>             the file, in a bucket SES may read
  --format <f>               CSV (default) or JSON
  --action <a>               PUT (default: add the entries) or DELETE (remove them)
${AWS_HELP}`,
  async run({ args, io, deps }) {
    const { values } = parseCommandLine(args, {
      ...AWS_OPTIONS,
      "s3-url": { type: "string" },
      format: { type: "string" },
      action: { type: "string" },
    });
    const s3Url = required(values["s3-url"], "--s3-url");
    if (!/^s3:\/\/[a-z0-9.-]{3,63}\/.+/.test(s3Url)) {
      throw new UsageError("--s3-url must look like s3://bucket/key");
    }
    const format = oneOf((values.format ?? "CSV").toUpperCase(), ["CSV", "JSON"] as const, "--format");
    const action = oneOf((values.action ?? "PUT").toUpperCase(), ["PUT", "DELETE"] as const, "--action");
    const sesv2 = await clientFor(deps, "sesv2", { region: values.region });
    const out = (await sesv2.send(
      new CreateImportJobCommand({
        ImportDestination: { SuppressionListDestination: { SuppressionListImportAction: action } },
        ImportDataSource: { S3Url: s3Url, DataFormat: format },
      }),
    )) as CreateImportJobCommandOutput;
    io.out(out.JobId ?? "");
    io.progress(`import job started (${action} from ${s3Url})`);
    return ExitCode.ok;
  },
};

const exportCommand: CliCommand = {
  path: ["suppression", "export"],
  summary: "Print SES's suppression list as a CSV that `import` accepts",
  help: `Usage: mailroom suppression export [--reason bounce|complaint] [--region <r>]

Print SES's account-level suppression list as CSV lines "address,REASON" (the format of an
import job), e.g. to move a list to another region or account:
  mailroom suppression export --region us-east-1 > list.csv
  aws s3 cp list.csv s3://my-bucket/list.csv
  mailroom suppression import --region eu-west-1 --s3-url s3://my-bucket/list.csv

${AWS_HELP}`,
  async run({ args, io, deps }) {
    const { values } = parseCommandLine(args, { ...AWS_OPTIONS, reason: { type: "string" } });
    const sesv2 = await clientFor(deps, "sesv2", { region: values.region });
    for (const entry of await listSesSuppressed(sesv2, reasonFlag(values.reason))) {
      io.out(`${entry.EmailAddress ?? ""},${entry.Reason ?? ""}`);
    }
    return ExitCode.ok;
  },
};

/** Open the local list a sync works on (Redis: the only store another process can reach). */
async function localStore(redis: string, prefix: string | undefined): Promise<SuppressionStore> {
  // Loaded here: only `sync` needs Redis.
  const { createRedisSuppressionStore } = await import("../../store/redis-suppression-store");
  return createRedisSuppressionStore({ redis, prefix });
}

async function allLocal(store: SuppressionStore): Promise<SuppressionEntry[]> {
  const entries: SuppressionEntry[] = [];
  let cursor: string | undefined;
  // Bounded: 10,000 pages of up to 1,000 entries.
  for (let pages = 0; pages < 10_000; pages += 1) {
    const page = await store.list({ cursor, limit: 1_000, scope: ACCOUNT_SCOPE });
    entries.push(...page.entries);
    cursor = page.cursor;
    if (cursor === undefined) {
      break;
    }
  }
  return entries;
}

const syncCommand: CliCommand = {
  path: ["suppression", "sync"],
  summary: "Seed Mailroom's Redis list from SES's, and push local bounces/complaints to SES",
  help: `Usage: mailroom suppression sync --redis <url> [--prefix <p>] [--pull] [--push]
         [--dry-run] [--region <r>]

Bring Mailroom's suppression list (in Redis, as createRedisSuppressionStore keeps it) and SES's
account-level list together. With neither --pull nor --push, does both:
  --pull   every SES entry missing locally is added (account-wide, reason bounce or complaint,
           detail "SES account suppression list", since SES's last update)
  --push   every local account-wide bounce or complaint missing at SES is put there (SES has
           no unsubscribe, manual, scoped or expiring entries: those stay local)
Nothing is ever deleted on either side.

Flags:
  --redis <url>              the Redis holding the list (also MAILROOM_REDIS_URL)
  --prefix <p>               its key prefix (default mailroom:suppression:)
  --dry-run                  print what would change, change nothing
${AWS_HELP}`,
  async run({ args, io, deps }) {
    const { values } = parseCommandLine(args, {
      ...AWS_OPTIONS,
      redis: { type: "string" },
      prefix: { type: "string" },
      pull: { type: "boolean" },
      push: { type: "boolean" },
      "dry-run": { type: "boolean" },
    });
    const redis = required(values.redis ?? deps.env.MAILROOM_REDIS_URL, "--redis");
    const both = values.pull !== true && values.push !== true;
    const dryRun = values["dry-run"] === true;
    const sesv2 = await clientFor(deps, "sesv2", { region: values.region });
    const store = await localStore(redis, values.prefix);
    try {
      const remote = await listSesSuppressed(sesv2);
      const local = await allLocal(store);
      const localKeys = new Set(local.map((entry) => entry.address.toLowerCase()));
      // SES matches sending case-insensitively, so compare whole addresses without case here.
      const remoteKeys = new Set(remote.map((entry) => (entry.EmailAddress ?? "").toLowerCase()));
      let pulled = 0;
      let pushed = 0;
      let skipped = 0;
      if (both || values.pull === true) {
        for (const summary of remote) {
          const entry = fromSes(summary);
          if (entry !== undefined && !localKeys.has(entry.address.toLowerCase())) {
            io.out(`${dryRun ? "would pull" : "pulled"} ${entry.address} (${entry.reason})`);
            if (!dryRun) {
              await store.put(entry);
            }
            pulled += 1;
          }
        }
      }
      if (both || values.push === true) {
        for (const entry of local) {
          const reason = toSesReason(entry);
          if (reason === undefined) {
            skipped += 1;
          } else if (!remoteKeys.has(entry.address.toLowerCase())) {
            io.out(`${dryRun ? "would push" : "pushed"} ${entry.address} (${reason})`);
            if (!dryRun) {
              await putSesSuppressed(sesv2, entry.address, reason);
            }
            pushed += 1;
          }
        }
      }
      io.progress(
        `${dryRun ? "dry run: " : ""}${pulled} pulled from SES, ${pushed} pushed to SES, ${skipped} local entries SES cannot hold`,
      );
    } finally {
      await store.close();
    }
    return ExitCode.ok;
  },
};

/**
 * The `mailroom suppression …` commands, in help order.
 *
 * @example
 * ```ts
 * const names = suppressionCommands.map((command) => command.path.join(" "));
 * ```
 */
export const suppressionCommands: readonly CliCommand[] = [
  listCommand,
  addCommand,
  removeCommand,
  importCommand,
  exportCommand,
  syncCommand,
];
