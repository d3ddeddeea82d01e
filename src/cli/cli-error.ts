/**
 * Errors the CLI raises on purpose, each carrying its exit code, and the classification of
 * everything else (AWS SDK errors, Mailroom errors) into an exit code and one readable line.
 *
 * @module
 */
import { ApiError, ConfigurationError, MailroomError, RecipientsRefusedError } from "../errors";
import { ExitCode } from "./exit-codes";

/**
 * An error the CLI reports as one line, with a chosen exit code.
 *
 * @example
 * ```ts
 * throw new CliError("the endpoint did not answer", ExitCode.failure);
 * ```
 */
export class CliError extends Error {
  readonly exitCode: ExitCode;

  constructor(message: string, exitCode: ExitCode, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/**
 * The command line is wrong (exit code 2); the message is followed by a pointer to `--help`.
 *
 * @example
 * ```ts
 * throw new UsageError("--topic is required");
 * ```
 */
export class UsageError extends CliError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.usage, options);
  }
}

// AWS error names that mean "who you are or what you may do", not "what you asked for".
const CREDENTIAL_ERROR_NAMES = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "AuthorizationError",
  "CredentialsProviderError",
  "ExpiredToken",
  "ExpiredTokenException",
  "Forbidden",
  "IncompleteSignature",
  "InvalidAccessKeyId",
  "InvalidClientTokenId",
  "MissingAuthenticationToken",
  "NotAuthorized",
  "SignatureDoesNotMatch",
  "TokenRefreshRequired",
  "UnrecognizedClientException",
]);

/**
 * How a thrown value is reported: one line, an exit code, and whether --help is worth a pointer.
 *
 * @example
 * ```ts
 * const report: ErrorReport = { exitCode: ExitCode.usage, message: "--topic is required", usage: true };
 * ```
 */
export interface ErrorReport {
  exitCode: ExitCode;
  message: string;
  usage: boolean;
}

/**
 * Classify anything a command threw.
 *
 * @example
 * ```ts
 * const { exitCode, message } = classifyError(err);
 * ```
 */
export function classifyError(err: unknown): ErrorReport {
  const report = classify(err);
  // One line, whatever the error: multi-line AWS or network messages would bury the point.
  return { ...report, message: firstLine(report.message) };
}

function classify(err: unknown): ErrorReport {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof CliError) {
    return { exitCode: err.exitCode, message, usage: err instanceof UsageError };
  }
  if (err instanceof ConfigurationError) {
    return { exitCode: ExitCode.config, message, usage: false };
  }
  if (err instanceof RecipientsRefusedError) {
    return { exitCode: ExitCode.failure, message, usage: false };
  }
  const awsName = awsErrorName(err);
  if (awsName !== undefined && CREDENTIAL_ERROR_NAMES.has(awsName)) {
    return {
      exitCode: ExitCode.config,
      message: `${firstLine(message)} (check the AWS credentials, region and IAM permissions in use)`,
      usage: false,
    };
  }
  if (/Region is missing/i.test(message)) {
    return {
      exitCode: ExitCode.config,
      message: "No AWS region: pass --region or set AWS_REGION",
      usage: false,
    };
  }
  if (err instanceof ApiError) {
    return { exitCode: ExitCode.failure, message, usage: false };
  }
  if (err instanceof MailroomError) {
    // Invalid addresses, malformed messages, unsupported features: the input is wrong.
    return { exitCode: ExitCode.usage, message, usage: false };
  }
  if (awsName !== undefined) {
    return { exitCode: ExitCode.failure, message: `AWS: ${awsName}: ${message}`, usage: false };
  }
  return { exitCode: ExitCode.failure, message: message === "" ? "unknown error" : message, usage: false };
}

/** The AWS error name of an SDK error (or of the SDK error an ApiError wraps). */
function awsErrorName(err: unknown): string | undefined {
  if (err instanceof ApiError) {
    return err.awsCode ?? awsErrorName(err.cause);
  }
  if (err instanceof Error && (hasMetadata(err) || err.name === "CredentialsProviderError")) {
    return err.name;
  }
  return undefined;
}

function hasMetadata(err: Error): boolean {
  return "$metadata" in err || "$fault" in err;
}

/** The first line of a message: a CLI reports one line unless --debug. */
function firstLine(text: string): string {
  return text.split(/\r?\n/, 1)[0] ?? "";
}
