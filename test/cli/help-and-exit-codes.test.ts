import { SESv2ServiceException } from "@aws-sdk/client-sesv2";
import { describe, expect, it } from "vitest";

import { VERSION } from "../../src/version";
import { runCli } from "../helpers/cli-run";

const COMMANDS = [
  ["send"],
  ["setup", "tracking"],
  ["setup", "inbound"],
  ["verify-webhook"],
  ["events", "parse"],
] as const;

describe("mailroom --help", () => {
  it("lists every command, the shared flags and the exit codes", async () => {
    const result = await runCli(["--help"]);
    expect(result.code).toBe(0);
    for (const path of COMMANDS) {
      expect(result.stdout).toContain(`  ${path.join(" ")} `);
    }
    expect(result.stdout).toContain("--debug");
    expect(result.stdout).toMatch(
      /Exit codes:\n\s+0\s+success\n\s+1\s+failure.*\n\s+2\s+usage error.*\n\s+3\s+configuration or credentials/,
    );
  });

  it.each(COMMANDS.map((path) => path.join(" ")))(
    "%s --help prints the command's usage and exit codes",
    async (name) => {
      const path = name.split(" ");
      for (const argv of [
        [...path, "--help"],
        [...path, "-h"],
        ["help", ...path],
      ]) {
        const result = await runCli(argv);
        expect(result.code).toBe(0);
        expect(result.stdout).toContain(`Usage: mailroom ${path.join(" ")}`);
        expect(result.stdout).toContain("Exit codes:");
        expect(result.stderr).toBe("");
      }
    },
  );

  it("prints help even when the other flags are wrong", async () => {
    const result = await runCli(["send", "--bogus", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Usage: mailroom send");
  });

  it.each(["setup", "events"])("%s --help lists its subcommands", async (group) => {
    const result = await runCli([group, "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: mailroom ${group} <subcommand>`);
    for (const path of COMMANDS.filter((p) => p[0] === group)) {
      expect(result.stdout).toContain(`  ${path[1]} `);
    }
  });

  it("--version prints the version", async () => {
    const result = await runCli(["--version"]);
    expect(result).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: "" });
  });
});

describe("usage errors (exit code 2)", () => {
  it.each([
    [[], "Usage: mailroom <command>"],
    [["frobnicate"], "unknown command 'frobnicate'"],
    [["setup"], "mailroom setup: a subcommand is required"],
    [["setup", "outbound"], "unknown subcommand 'outbound'"],
    [["events", "list"], "unknown subcommand 'list'"],
    [["help", "nothing"], "unknown command 'nothing'"],
    [["send", "--frm", "a@example.com"], "Unknown option '--frm'"],
    [["send", "--from"], "argument missing"],
    [["send", "stray"], "Unexpected argument 'stray'"],
  ])("%j", async (argv, message) => {
    const result = await runCli(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe("");
  });
});

describe("errors without --debug are one line", () => {
  const failingClient = {
    send: () =>
      Promise.reject(
        new SESv2ServiceException({
          name: "MessageRejected",
          message: "Email address is not verified.\nsecond line of detail",
          $fault: "client",
          $metadata: { httpStatusCode: 400 },
        }),
      ),
  };

  it("prints one line and no stack trace, exit code 1", async () => {
    const result = await runCli(
      ["send", "--from", "s@example.com", "--to", "a@example.com", "--text", "x", "-q"],
      {
        clients: { sesv2: failingClient },
      },
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toEqual([
      "mailroom send: error: Amazon SES SendEmail failed: MessageRejected: Email address is not verified.",
    ]);
  });

  it("prints the stack and the cause chain with --debug (before or after the command)", async () => {
    for (const argv of [
      ["send", "--debug", "--from", "s@example.com", "--to", "a@example.com", "--text", "x"],
      ["--debug", "send", "--from", "s@example.com", "--to", "a@example.com", "--text", "x"],
    ]) {
      const result = await runCli(argv, { clients: { sesv2: failingClient } });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/ApiError: Amazon SES SendEmail failed/);
      expect(result.stderr).toMatch(/\n\s+at /);
      expect(result.stderr).toContain("Caused by:");
      expect(result.stderr).toContain("second line of detail");
    }
  });

  it("maps missing credentials and a missing region to exit code 3", async () => {
    const noCredentials = Object.assign(new Error("Could not load credentials from any providers"), {
      name: "CredentialsProviderError",
    });
    const noRegion = new Error("Region is missing");
    for (const [error, text] of [
      [
        noCredentials,
        /error: .*Could not load credentials from any providers \(check the AWS credentials, region and IAM/,
      ],
      [noRegion, /^mailroom send: error: No AWS region: pass --region or set AWS_REGION$/],
    ] as const) {
      const result = await runCli(
        ["send", "--from", "s@example.com", "--to", "a@example.com", "--text", "x", "-q"],
        {
          clients: { sesv2: { send: () => Promise.reject(error) } },
        },
      );
      expect(result.code).toBe(3);
      expect(result.stderr.trim()).toMatch(text);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
    }
  });
});
