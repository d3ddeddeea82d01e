#!/usr/bin/env node
/**
 * The `mailroom` command: the composition root. It finds the command, handles the flags every
 * command shares (--help, --version, --debug, --quiet), runs it, and turns whatever it threw
 * into one line on stderr and a documented exit code. Everything outside the process's
 * arguments comes in through {@link CliDeps}, so tests run the whole CLI in-process with fakes.
 *
 * @module
 */
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";

import { VERSION } from "../version";
import { classifyError } from "./cli-error";
import type { CliCommand } from "./command";
import { eventsFailedCommand, eventsRetryCommand } from "./commands/events-failed";
import { eventsParseCommand } from "./commands/events-parse";
import { sendCommand } from "./commands/send";
import { statusCommand } from "./commands/status";
import { suppressionCommands } from "./commands/suppression";
import { setupInboundCommand } from "./commands/setup-inbound";
import { setupTrackingCommand } from "./commands/setup-tracking";
import { verifyWebhookCommand } from "./commands/verify-webhook";
import type { CliDeps } from "./deps";
import { EXIT_CODES_HELP, ExitCode } from "./exit-codes";
import { createIo, type CliIo } from "./io";

export type { CliDeps, AwsClientLike, AwsService, AwsClientConfig, AwsClientFactory } from "./deps";
export { ExitCode } from "./exit-codes";

/** Every command, in the order `mailroom --help` lists them. */
const COMMANDS: readonly CliCommand[] = [
  sendCommand,
  setupTrackingCommand,
  setupInboundCommand,
  verifyWebhookCommand,
  eventsParseCommand,
  eventsFailedCommand,
  eventsRetryCommand,
  ...suppressionCommands,
  statusCommand,
];

const GROUPS: Record<string, string> = {
  setup: "Set up AWS for Mailroom's webhooks",
  events: "Work with SES events",
  suppression: "SES's account-level suppression list, and syncing it with Mailroom's",
};

const TOP_HELP = `mailroom ${VERSION}: send email through Amazon SES and set up its event webhooks

Usage: mailroom <command> [flags]

Commands:
${COMMANDS.map((c) => `  ${c.path.join(" ").padEnd(20)}${c.summary}`).join("\n")}

Flags for every command:
  -h, --help        show help (also: mailroom help <command>)
      --version     print the version
      --debug       print stack traces and AWS error details
  -q, --quiet       no progress output on stderr

Environment:
  MAILROOM_WEBHOOK_SECRET   the webhook's user:password (instead of --secret, which shows in ps)
  AWS_REGION, AWS_PROFILE…  the AWS SDK's usual configuration and credential chain

${EXIT_CODES_HELP}

Documentation: docs/cli.md in the installed package (node_modules/mailroom-ses/docs/cli.md)`;

/** Where the command line points: a command, a group of commands, or nothing known. */
type Target =
  | { kind: "command"; command: CliCommand; args: string[] }
  | { kind: "group"; name: string; rest: string[] }
  | { kind: "top"; rest: string[] };

/**
 * Run the CLI and return its exit code (the binary sets `process.exitCode` to it).
 *
 * @example
 * ```ts
 * import { main } from "mailroom-ses/dist/cli/main.js"; // or src/cli/main.ts in this repository
 * const code = await main(["events", "parse"], { ...nodeDeps(), stdin: someStream });
 * ```
 */
export async function main(argv: readonly string[], deps: CliDeps): Promise<ExitCode> {
  const flagArea = argv.includes("--") ? argv.slice(0, argv.indexOf("--")) : argv;
  const has = (...names: string[]): boolean => flagArea.some((arg) => names.includes(arg));
  const debug = has("--debug");
  const io = createIo({ stdout: deps.stdout, stderr: deps.stderr, quiet: has("--quiet", "-q") });
  const wantsHelp = has("--help", "-h");
  const target = resolve(argv);
  try {
    if (target.kind === "top") {
      return top(target.rest, io, wantsHelp);
    }
    if (target.kind === "group") {
      return group(target, io, wantsHelp);
    }
    if (wantsHelp) {
      io.out(target.command.help);
      return ExitCode.ok;
    }
    return await target.command.run({ args: target.args, io, deps });
  } catch (err) {
    const name = target.kind === "command" ? target.command.path.join(" ") : undefined;
    return report(err, io, debug, name);
  }
}

function resolve(argv: readonly string[]): Target {
  // Global flags may come before the command name: `mailroom --debug send …`.
  const globals = ["--debug", "--quiet", "-q"];
  let start = 0;
  while (start < argv.length && globals.includes(argv[start] ?? "")) {
    start += 1;
  }
  const leading = argv.slice(0, start);
  const tokens = argv.slice(start);
  for (const command of COMMANDS) {
    if (command.path.every((part, i) => tokens[i] === part)) {
      return { kind: "command", command, args: [...leading, ...tokens.slice(command.path.length)] };
    }
  }
  const first = tokens[0];
  if (first !== undefined && Object.hasOwn(GROUPS, first)) {
    return { kind: "group", name: first, rest: tokens.slice(1) };
  }
  return { kind: "top", rest: tokens };
}

function top(rest: string[], io: CliIo, wantsHelp: boolean): ExitCode {
  const [first, ...others] = rest;
  if (first === "help") {
    return helpFor(others, io);
  }
  if (first === "--version" || first === "-V") {
    io.out(VERSION);
    return ExitCode.ok;
  }
  if (wantsHelp) {
    io.out(TOP_HELP);
    return ExitCode.ok;
  }
  if (first === undefined) {
    io.err(TOP_HELP);
    return ExitCode.usage;
  }
  io.err(`mailroom: unknown command '${first}'. Run 'mailroom --help' for the list of commands.`);
  return ExitCode.usage;
}

/** `mailroom help setup tracking` = `mailroom setup tracking --help`. */
function helpFor(path: string[], io: CliIo): ExitCode {
  const command = COMMANDS.find((c) => c.path.join(" ") === path.join(" "));
  if (command !== undefined) {
    io.out(command.help);
    return ExitCode.ok;
  }
  const name = path[0];
  if (path.length === 1 && name !== undefined && Object.hasOwn(GROUPS, name)) {
    io.out(groupHelp(name));
    return ExitCode.ok;
  }
  if (path.length === 0) {
    io.out(TOP_HELP);
    return ExitCode.ok;
  }
  io.err(`mailroom help: unknown command '${path.join(" ")}'`);
  return ExitCode.usage;
}

function group(target: { name: string; rest: string[] }, io: CliIo, wantsHelp: boolean): ExitCode {
  const sub = target.rest.find((arg) => !arg.startsWith("-"));
  if (sub === undefined && wantsHelp) {
    io.out(groupHelp(target.name));
    return ExitCode.ok;
  }
  io.err(
    sub === undefined
      ? `mailroom ${target.name}: a subcommand is required`
      : `mailroom ${target.name}: unknown subcommand '${sub}'`,
  );
  io.err(groupHelp(target.name));
  return ExitCode.usage;
}

function groupHelp(name: string): string {
  const members = COMMANDS.filter((c) => c.path[0] === name);
  return `mailroom ${name}: ${GROUPS[name] ?? ""}

Usage: mailroom ${name} <subcommand> [flags]

Subcommands:
${members.map((c) => `  ${c.path.slice(1).join(" ").padEnd(12)}${c.summary}`).join("\n")}

Run 'mailroom ${name} <subcommand> --help' for its flags.`;
}

function report(err: unknown, io: CliIo, debug: boolean, commandName: string | undefined): ExitCode {
  const { exitCode, message, usage } = classifyError(err);
  const prefix = commandName === undefined ? "mailroom" : `mailroom ${commandName}`;
  io.err(`${prefix}: error: ${message}`);
  if (usage && commandName !== undefined) {
    io.err(`Run '${prefix} --help' for usage.`);
  }
  if (debug) {
    for (let current: unknown = err; current !== undefined;) {
      io.err(current instanceof Error ? (current.stack ?? String(current)) : String(current));
      current = current instanceof Error ? current.cause : undefined;
      if (current !== undefined) {
        io.err("Caused by:");
      }
    }
  }
  return exitCode;
}

/** True when this module is the process's entry point (through npm's bin symlink too). */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined || typeof import.meta.url !== "string") {
    return false;
  }
  try {
    return pathToFileURL(realpathSync(script)).href === import.meta.url;
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  void import("./node-deps").then(async ({ nodeDeps }) => {
    process.exitCode = await main(process.argv.slice(2), nodeDeps());
  });
}
