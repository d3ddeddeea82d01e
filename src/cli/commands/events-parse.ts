/**
 * `mailroom events parse`: SNS bodies (stdin or files) → normalized tracking events as JSON lines.
 *
 * @module
 */
import { readFile } from "node:fs/promises";

import { createCertificateFetcher } from "../../sns/cert-fetcher";
import { createSnsVerifier, type SnsVerifier } from "../../sns/verify";
import { COMMON_OPTIONS, parseCommandLine } from "../args";
import { UsageError } from "../cli-error";
import type { CliCommand } from "../command";
import type { CliDeps } from "../deps";
import { ExitCode } from "../exit-codes";
import { splitBodies, type InputBody } from "../events/read-bodies";
import { bodyToEvents, eventJson } from "../events/to-events";

const OPTIONS = {
  ...COMMON_OPTIONS,
  verify: { type: "boolean" },
  raw: { type: "boolean" },
} as const;

const HELP = `Usage: mailroom events parse [--verify] [--raw] [file…]

Read SNS HTTP bodies from stdin (or the files; "-" is stdin) and print the normalized tracking
events as JSON lines, one event per recipient (the same converter the tracking webhook uses).

Input: one SNS body; several, one JSON per line; or a JSON array of them. An SNS-triggered
Lambda event (Records[].Sns) or a bare SES event (the SNS Message) works too.
SubscriptionConfirmation, UnsubscribeConfirmation and the SES setup message are skipped.

NO SIGNATURE CHECK by default: this is for looking at captured bodies, and anything that looks
like an SNS body is parsed. With --verify, each SNS body's signature (not its age) is verified like the
webhook does (the signing certificate is downloaded from AWS) and unsigned input is refused.

Flags:
  --verify   verify SNS signatures (needs network access to sns.<region>.amazonaws.com)
  --raw      include the SES event itself in each event ("raw")

Exit codes: 0 every body parsed; 1 some body could not be parsed or verified (reported on
stderr, the others are still printed); 2 invalid flags or no input.

Example:
  pbpaste | mailroom events parse
  mailroom events parse --verify captured-bodies.jsonl | jq -r '[.eventType, .recipient] | @tsv'`;

async function readStdin(deps: CliDeps): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of deps.stdin) {
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk, "utf8") : Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function readInputs(files: string[], deps: CliDeps, hint: () => void): Promise<InputBody[]> {
  if (files.length === 0) {
    hint();
    return splitBodies(await readStdin(deps), "stdin");
  }
  const bodies: InputBody[] = [];
  for (const file of files) {
    if (file === "-") {
      hint();
      bodies.push(...splitBodies(await readStdin(deps), "stdin"));
      continue;
    }
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (err) {
      throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? "error"}`);
    }
    bodies.push(...splitBodies(text, file));
  }
  return bodies;
}

/**
 * The `mailroom events parse` command.
 *
 * @example
 * ```ts
 * await eventsParseCommand.run({ args: [], io, deps: { ...deps, stdin: [snsBody] } });
 * ```
 */
export const eventsParseCommand: CliCommand = {
  path: ["events", "parse"],
  summary: "Turn SNS bodies (stdin) into normalized tracking events (JSON lines)",
  help: HELP,
  async run({ args, io, deps }) {
    const { values, positionals } = parseCommandLine(args, OPTIONS, true);
    const hint = (): void => {
      if (deps.stdinIsTTY === true) {
        io.progress("Reading SNS bodies from stdin (end with Ctrl-D)…");
      }
    };
    const bodies = await readInputs(positionals, deps, hint);
    if (bodies.length === 0) {
      throw new UsageError("no input: pipe SNS bodies into stdin or name files");
    }
    const verifier: SnsVerifier | undefined =
      values.verify === true
        ? createSnsVerifier({
            fetchCertificate: createCertificateFetcher({ fetch: deps.fetch }),
            // Captured bodies are old by nature: check who signed them, not how long ago (the
            // webhooks' one-hour freshness window is against replays, which a file cannot make).
            maxAgeSeconds: Number.POSITIVE_INFINITY,
          })
        : undefined;
    let failures = 0;
    for (const body of bodies) {
      if ("error" in body) {
        failures += 1;
        io.err(`mailroom events parse: ${body.where}: ${body.error}`);
        continue;
      }
      try {
        const { events, skipped } = await bodyToEvents(body.value, verifier);
        for (const event of events) {
          io.out(JSON.stringify(eventJson(event, values.raw === true)));
        }
        for (const reason of skipped) {
          io.progress(`${body.where}: skipped ${reason}`);
        }
      } catch (err) {
        failures += 1;
        io.err(`mailroom events parse: ${body.where}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return failures === 0 ? ExitCode.ok : ExitCode.failure;
  },
};
