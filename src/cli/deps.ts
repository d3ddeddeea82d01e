/**
 * What the CLI needs from the outside world, as one injectable object: output streams, stdin,
 * the environment, `fetch` and the AWS clients. Tests pass fakes; the `mailroom` binary passes
 * the real ones (see `nodeDeps`).
 *
 * @module
 */
import type { TextSink } from "./io";

/**
 * The AWS services the CLI talks to. `ses` is the v1 API: the only one with receipt rules.
 *
 * @example
 * ```ts
 * const service: AwsService = "sesv2";
 * ```
 */
export type AwsService = "sns" | "sesv2" | "ses" | "s3" | "sqs" | "eventbridge";

/**
 * The part of an AWS SDK v3 client the CLI uses: `send(command)`. A real client or a fake.
 *
 * @example
 * ```ts
 * const output = (await client.send(new ListTopicsCommand({}))) as ListTopicsCommandOutput;
 * ```
 */
export interface AwsClientLike {
  send(command: object): Promise<unknown>;
}

/**
 * How a command wants its client configured (from --region / --endpoint).
 *
 * @example
 * ```ts
 * const config: AwsClientConfig = { region: "eu-west-1" };
 * ```
 */
export interface AwsClientConfig {
  region?: string | undefined;
  endpoint?: string | undefined;
}

/**
 * Creates an AWS client for a service.
 *
 * @example
 * ```ts
 * const factory: AwsClientFactory = async (service, config) => fakes[service];
 * ```
 */
export type AwsClientFactory = (service: AwsService, config: AwsClientConfig) => Promise<AwsClientLike>;

/**
 * Everything `main()` reads or writes outside its arguments.
 *
 * @example
 * ```ts
 * const code = await main(["send", "--dry-run", "--from", "a@example.com", "--to", "b@example.com"], {
 *   stdout: { write: (t) => out.push(t) }, stderr: { write: (t) => err.push(t) },
 *   stdin: [], env: {}, fetch,
 * });
 * ```
 */
export interface CliDeps {
  stdout: TextSink;
  stderr: TextSink;
  /** Standard input (`events parse`): chunks of text or bytes. */
  stdin: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;
  /** True when stdin is a terminal (a hint is printed before waiting on it). */
  stdinIsTTY?: boolean | undefined;
  /** Environment variables (MAILROOM_WEBHOOK_SECRET, AWS_REGION…). */
  env: Readonly<Record<string, string | undefined>>;
  /** The Fetch implementation (verify-webhook; certificate downloads for `events parse --verify`). */
  fetch: typeof globalThis.fetch;
  /** Ready-made clients; a service given here is used as is, whatever --region/--endpoint say. */
  clients?: Partial<Record<AwsService, AwsClientLike>> | undefined;
  /** Creates the clients not given in `clients`; default: the AWS SDK (see `createSdkClient`). */
  createClient?: AwsClientFactory | undefined;
}

/**
 * Resolve the client for `service`: the injected one, else a new one from the factory.
 *
 * @example
 * ```ts
 * const sns = await clientFor(deps, "sns", { region: "eu-west-1" });
 * ```
 */
export async function clientFor(
  deps: CliDeps,
  service: AwsService,
  config: AwsClientConfig,
): Promise<AwsClientLike> {
  const injected = deps.clients?.[service];
  if (injected !== undefined) {
    return injected;
  }
  const factory = deps.createClient ?? (await import("./sdk-clients")).createSdkClient;
  return factory(service, config);
}
