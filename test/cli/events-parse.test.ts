import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { createSnsTestSigner } from "../../src/testing/index";
import { runCli, type CliResult } from "../helpers/cli-run";

const fixtures = fileURLToPath(new URL("../fixtures/ses-tracking/", import.meta.url));
const cases = readdirSync(fixtures)
  .filter((name) => name.endsWith(".expected.json"))
  .map((name) => name.replace(/\.expected\.json$/, ""));

function fixture(name: string): string {
  return readFileSync(join(fixtures, `${name}.json`), "utf8");
}

function expected(name: string): unknown[] {
  return JSON.parse(readFileSync(join(fixtures, `${name}.expected.json`), "utf8")) as unknown[];
}

function parse(
  stdin: (string | Uint8Array)[],
  args: string[] = [],
  fetchImpl?: typeof fetch,
): Promise<CliResult> {
  return runCli(["events", "parse", ...args], {
    stdin,
    ...(fetchImpl === undefined ? {} : { fetch: fetchImpl }),
  });
}

function lines(stdout: string): unknown[] {
  return stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as unknown);
}

describe("mailroom events parse", () => {
  it("has fixtures to run", () => {
    expect(cases.length).toBeGreaterThan(20);
  });

  it.each(cases)("turns %s into the expected events (JSON lines)", async (name) => {
    const result = await parse([fixture(name)]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual(expected(name));
  });

  it("reads several bodies as JSON lines, in order, split across stdin chunks", async () => {
    const bodies = ["event-send", "event-bounce-permanent", "event-click"].map((n) =>
      JSON.stringify(JSON.parse(fixture(n))),
    );
    const text = bodies.join("\n") + "\n";
    const chunks = [text.slice(0, 100), Buffer.from(text.slice(100, 3000)), text.slice(3000)];
    const result = await parse(chunks);
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual([
      ...expected("event-send"),
      ...expected("event-bounce-permanent"),
      ...expected("event-click"),
    ]);
  });

  it("reads a JSON array of bodies, and bodies given as JSON strings", async () => {
    const array = [JSON.parse(fixture("event-delivery")) as unknown, fixture("event-open")];
    const result = await parse([JSON.stringify(array, null, 2)]);
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual([...expected("event-delivery"), ...expected("event-open")]);
  });

  it("reads an SNS-triggered Lambda event and a bare SES event", async () => {
    const envelope = JSON.parse(fixture("event-reject")) as Record<string, unknown>;
    const lambda = {
      Records: [
        {
          EventSource: "aws:sns",
          Sns: {
            ...envelope,
            SigningCertUrl: envelope.SigningCertURL,
            UnsubscribeUrl: envelope.UnsubscribeURL,
            SigningCertURL: undefined,
            UnsubscribeURL: undefined,
            Subject: null,
          },
        },
      ],
    };
    const lambdaResult = await parse([JSON.stringify(lambda)]);
    expect(lambdaResult.code).toBe(0);
    expect(lines(lambdaResult.stdout)).toEqual(expected("event-reject"));

    const bare = await parse([String(envelope.Message)]);
    expect(bare.code).toBe(0);
    expect(lines(bare.stdout)).toEqual(
      expected("event-reject").map((e) => ({ ...(e as object), eventId: null, timestamp: null })),
    );
  });

  it("includes the SES event itself with --raw", async () => {
    const result = await parse([fixture("event-send")], ["--raw"]);
    const [event] = lines(result.stdout) as { raw: { eventType: string } }[];
    expect(event?.raw.eventType).toBe("Send");
    const without = lines((await parse([fixture("event-send")])).stdout) as Record<string, unknown>[];
    expect(without[0]).not.toHaveProperty("raw");
  });

  it("skips confirmations and the SES setup message, saying so on stderr", async () => {
    const signer = createSnsTestSigner({ modulusLength: 1024 });
    const confirmation = signer.subscriptionConfirmation();
    const setup = signer.notification({
      message: "Successfully validated SNS topic for Amazon SES event publishing.",
    });
    const result = await parse([`${JSON.stringify(confirmation)}\n${JSON.stringify(setup)}\n`]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("stdin line 1: skipped SubscriptionConfirmation");
    expect(result.stderr).toContain("stdin line 2: skipped the SES setup message");
  });

  it("reports bad bodies on stderr with exit code 1 and still prints the good ones", async () => {
    const received = JSON.stringify({
      ...(JSON.parse(fixture("event-send")) as object),
      Message: JSON.stringify({ notificationType: "Received", mail: {}, receipt: {} }),
    });
    const input = [
      "not json at all",
      JSON.stringify(JSON.parse(fixture("event-send"))),
      JSON.stringify({ Type: "Notification" }),
      received,
      JSON.stringify({ ...(JSON.parse(fixture("event-send")) as object), Message: "plain words" }),
    ].join("\n");
    const result = await parse([input]);
    expect(result.code).toBe(1);
    expect(lines(result.stdout)).toEqual(expected("event-send"));
    expect(result.stderr).toContain("stdin line 1: not JSON");
    expect(result.stderr).toContain("stdin line 3:");
    expect(result.stderr).toContain("stdin line 4: an inbound (Received) notification, not a tracking event");
    expect(result.stderr).toContain("stdin line 5: the SNS Message is not JSON");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("refuses empty input with exit code 2", async () => {
    const result = await parse(["  \n"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no input");
  });

  it("reads files given as arguments, and '-' for stdin", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mailroom-events-"));
    const file = join(dir, "bodies.jsonl");
    await writeFile(file, fixture("event-delivery"));
    const result = await parse([fixture("event-open")], [file, "-"]);
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual([...expected("event-delivery"), ...expected("event-open")]);
    const missing = await parse([], [join(dir, "nope.json")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("cannot read");
  });

  describe("--verify", () => {
    const signer = createSnsTestSigner({ modulusLength: 1024 });
    // The certificate download goes through the injected fetch: serve the test signer's certificate.
    const fetchCertificate: typeof fetch = async (input) => {
      const url = input instanceof Request ? input.url : String(input);
      return url === signer.certUrl ? new Response(signer.certificatePem) : new Response("", { status: 404 });
    };
    const message = JSON.parse(JSON.parse(fixture("event-delivery")).Message as string) as object;

    it("prints the events of correctly signed bodies", async () => {
      const envelope = signer.notification({ message });
      const result = await parse([JSON.stringify(envelope)], ["--verify"], fetchCertificate);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(lines(result.stdout)).toHaveLength(1);
    });

    it("refuses a tampered body, an unsigned one and a bare SES event (exit code 1)", async () => {
      const tampered = { ...signer.notification({ message }), Timestamp: "2030-01-01T00:00:00.000Z" };
      const result = await parse(
        [
          [
            JSON.stringify(tampered),
            fixture("event-delivery").replace(/\n/g, ""),
            JSON.stringify(message),
          ].join("\n"),
        ],
        ["--verify"],
        fetchCertificate,
      );
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain("stdin line 1: SNS message signature is invalid");
      // AWS's documented example carries a placeholder signature: refused before any download.
      expect(result.stderr).toMatch(/stdin line 2: .*(certificate|Signature is not canonical)/i);
      expect(result.stderr).toContain("stdin line 3: a bare SES event has no SNS signature");
    });
  });
});
