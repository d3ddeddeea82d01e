/**
 * Building blocks for webhook tests: SNS-shaped requests, a recording logger and a recording SNS
 * client (there is no SNS emulator, so confirmations are asserted on the commands sent).
 */
import { inspect } from "node:util";

import type { SnsEnvelope } from "../../src/sns/types";
import { createSnsTestSigner } from "../../src/testing/sns-signing";
import type {
  SnsClientLike,
  SnsWebhookHandler,
  SnsWebhookOptions,
  WebhookLogger,
} from "../../src/webhook/types";

/** One signer per test file: key generation is slow. */
export const signer = createSnsTestSigner();

/** The secret every conformance test configures unless it says otherwise (Anymail's test value). */
export const SECRET = "username:password";

/** An `Authorization: Basic` header value for `credentials` ("user:password"). */
export function basic(credentials: string): string {
  return `Basic ${Buffer.from(credentials, "utf8").toString("base64")}`;
}

/** Options of {@link snsRequest}. */
export interface SnsRequestOptions {
  /** The Authorization header; default basic(SECRET); null for none. */
  auth?: string | null;
  /** Headers added to (or replacing) the ones SNS sends. */
  headers?: Record<string, string>;
  method?: string;
  /** A body to send instead of the envelope's JSON. */
  body?: BodyInit;
}

/** A request as SNS posts it: text/plain JSON, x-amz-sns-* headers, and credentials after the 401. */
export function snsRequest(envelope: SnsEnvelope, options: SnsRequestOptions = {}): Request {
  const headers = new Headers(signer.httpHeaders(envelope));
  const auth = options.auth === undefined ? basic(SECRET) : options.auth;
  if (auth !== null) {
    headers.set("authorization", auth);
  }
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    headers.set(name, value);
  }
  const method = options.method ?? "POST";
  const body = method === "GET" || method === "HEAD" ? undefined : (options.body ?? JSON.stringify(envelope));
  return new Request("https://app.example.com/mailroom/ses", { method, headers, body });
}

/** One logged line. */
export interface LogEntry {
  level: "warn" | "error";
  message: string;
  details: Record<string, unknown>;
}

/** A logger that keeps every line, and can print them all (errors included) for secret checks. */
export interface RecordingLogger {
  logger: WebhookLogger;
  entries: LogEntry[];
  /** Everything logged, deeply printed (as a real logger would print it). */
  text(): string;
}

export function recordingLogger(): RecordingLogger {
  const entries: LogEntry[] = [];
  return {
    entries,
    logger: {
      warn: (message, details) => entries.push({ level: "warn", message, details }),
      error: (message, details) => entries.push({ level: "error", message, details }),
    },
    text: () => entries.map((e) => `${e.level} ${e.message} ${inspect(e.details, { depth: 6 })}`).join("\n"),
  };
}

/** A recording stand-in for SNSClient: the configs it was created with and the commands it got. */
export interface FakeSns {
  configs: object[];
  commands: { name: string; input: unknown }[];
  destroyed: number;
  createSnsClient(config: object): SnsClientLike;
}

export function fakeSns(failure?: unknown): FakeSns {
  const fake: FakeSns = {
    configs: [],
    commands: [],
    destroyed: 0,
    createSnsClient(config) {
      fake.configs.push(config);
      return {
        async send(command: object) {
          const { input } = command as { input: unknown };
          fake.commands.push({ name: command.constructor.name, input });
          if (failure !== undefined) {
            throw failure;
          }
          return { SubscriptionArn: "arn:aws:sns:us-west-2:123456789012:SES_Notifications:sub" };
        },
        destroy() {
          fake.destroyed += 1;
        },
      };
    },
  };
  return fake;
}

/** Fails when a response body shows a stack trace or the configured secret. */
export function leaksInternals(body: string): boolean {
  return /\n\s+at |Error:|password/i.test(body);
}

/** What the suite needs to know about one webhook. */
export interface WebhookUnderTest {
  /** Build the handler with `options` and a callback (onEvent / onMessage) that records. */
  create(options: SnsWebhookOptions, callback: (event: unknown) => unknown): SnsWebhookHandler;
  /** An SNS Message this webhook accepts; its callback is called `expectedCalls` times. */
  validMessage: string;
  expectedCalls: number;
  /** A Message meant for the other webhook (misrouted topic). */
  misroutedMessage: string;
  /** What the logged configuration error says about the misrouting. */
  misroutedLog: RegExp;
}

/** One handler with recording logger, SNS client and callback. */
export interface Harness {
  handler: SnsWebhookHandler;
  calls: unknown[];
  log: RecordingLogger;
  sns: FakeSns;
}

/** The defaults every conformance test starts from: a secret, verification with the test signer. */
export function harness(
  subject: WebhookUnderTest,
  overrides: Partial<SnsWebhookOptions> = {},
  callback?: (event: unknown) => unknown,
): Harness {
  const log = recordingLogger();
  const sns = fakeSns();
  const calls: unknown[] = [];
  const handler = subject.create(
    {
      secret: SECRET,
      verifySignature: { fetchCertificate: signer.fetchCertificate },
      logger: log.logger,
      createSnsClient: sns.createSnsClient,
      ...overrides,
    },
    callback ??
      ((event) => {
        calls.push(event);
      }),
  );
  return { handler, calls, log, sns };
}
