/**
 * Which `SigningCertURL`s may be downloaded. The URL comes from the (not yet verified) request, so
 * it is attacker-controlled until checked: a loose check lets anyone sign messages with their own
 * certificate (trusting `s3.amazonaws.com` did exactly that, Novu #11056) or makes the server fetch
 * arbitrary URLs. The default binds the host to the TopicArn's region and partition.
 *
 * @module
 */
import { WebhookValidationError } from "../errors";

/**
 * The parts of an SNS topic ARN, `arn:<partition>:sns:<region>:<accountId>:<name>`.
 *
 * @example
 * ```ts
 * const topic: SnsTopicArn = parseTopicArn("arn:aws:sns:eu-west-1:123456789012:ses-events");
 * topic.region; // "eu-west-1"
 * ```
 */
export interface SnsTopicArn {
  /** The ARN as given. */
  arn: string;
  /** `aws`, `aws-cn`, `aws-us-gov`... */
  partition: string;
  /** `us-east-1`, `cn-north-1`, `us-gov-west-1`... */
  region: string;
  /** The 12-digit AWS account id. */
  accountId: string;
  /** The topic name. */
  name: string;
}

/**
 * Decides whether a certificate URL may be fetched for a topic: return `true` to accept, `false`
 * or a short reason (a string) to refuse. It receives a URL that already passed the checks no
 * legitimate URL fails (canonical form, no credentials, no query, no fragment). Compose with
 * {@link defaultCertUrlPolicy} rather than replacing it, so the host stays bound to the topic.
 *
 * @example
 * ```ts
 * // Also accept LocalStack's certificate URL in development.
 * const policy: CertUrlPolicy = (url, topic) =>
 *   url.origin === "http://localhost.localstack.cloud:4566" || defaultCertUrlPolicy(url, topic);
 * ```
 */
export type CertUrlPolicy = (url: URL, topic: SnsTopicArn) => boolean | string;

/**
 * The DNS suffix of the SNS endpoints of each partition the default policy knows. GovCloud shares
 * the commercial suffix (`sns.us-gov-west-1.amazonaws.com`); China uses `amazonaws.com.cn`. Other
 * partitions (ISO, European Sovereign Cloud...) are refused until configured, because their
 * suffixes could not be verified.
 *
 * @example
 * ```ts
 * DEFAULT_PARTITION_DNS_SUFFIXES["aws-cn"]; // "amazonaws.com.cn"
 * ```
 */
export const DEFAULT_PARTITION_DNS_SUFFIXES: Readonly<Record<string, string>> = Object.freeze({
  aws: "amazonaws.com",
  "aws-us-gov": "amazonaws.com",
  "aws-cn": "amazonaws.com.cn",
});

/**
 * Options of {@link createCertUrlPolicy}.
 *
 * @example
 * ```ts
 * const options: CertUrlPolicyOptions = { partitionDnsSuffixes: { "aws-eusc": "amazonaws.eu" } };
 * ```
 */
export interface CertUrlPolicyOptions {
  /** Extra or replacement partition -> DNS suffix entries, merged over the defaults. */
  partitionDnsSuffixes?: Readonly<Record<string, string>>;
}

// Observed AWS shape: /SimpleNotificationService-<32 hex>.pem. The id length is kept open so a
// change on AWS's side does not break verification; the host check is what carries the trust.
const CERT_PATH = /^\/SimpleNotificationService-[A-Za-z0-9]{1,128}\.pem$/;
const TOPIC_ARN =
  /^arn:(aws(?:-[a-z]+)*):sns:([a-z]{2,}(?:-[a-z]+)*-\d{1,2}):(\d{12}):([A-Za-z0-9_-]{1,256}(?:\.fifo)?)$/;

/**
 * A certificate URL policy for SNS's own hosts: `https://sns.<region>.<suffix>/SimpleNotificationService-<id>.pem`,
 * with region and suffix taken from the topic ARN, no port.
 *
 * @example
 * ```ts
 * import { amazonSesTrackingWebhook, createCertUrlPolicy } from "mailroom-ses";
 *
 * const policy = createCertUrlPolicy({ partitionDnsSuffixes: { "aws-eusc": "amazonaws.eu" } });
 * const tracking = amazonSesTrackingWebhook({
 *   secret: process.env.MAILROOM_WEBHOOK_SECRET,
 *   verifySignature: { certUrlPolicy: policy },
 *   onEvent: (event) => console.log(event.eventType),
 * });
 * ```
 */
export function createCertUrlPolicy(options: CertUrlPolicyOptions = {}): CertUrlPolicy {
  const suffixes: Record<string, string> = {
    ...DEFAULT_PARTITION_DNS_SUFFIXES,
    ...options.partitionDnsSuffixes,
  };
  return (url, topic) => {
    if (url.protocol !== "https:") {
      return "must use https";
    }
    if (url.port !== "") {
      return "must not name a port";
    }
    const suffix = Object.hasOwn(suffixes, topic.partition) ? suffixes[topic.partition] : undefined;
    if (suffix === undefined) {
      return `no SNS host is configured for partition ${topic.partition}`;
    }
    // Exact match, never endsWith/regex: look-alikes such as sns.us-east-1.amazonaws.com.evil.com
    // or sns-us-east-1.amazonaws.com then fail, and IDN hosts (already punycoded by URL) too.
    if (url.hostname !== `sns.${topic.region}.${suffix}`) {
      return "host is not the SNS endpoint of the topic's region";
    }
    if (!CERT_PATH.test(url.pathname)) {
      return "path is not an SNS certificate path";
    }
    return true;
  };
}

/**
 * The policy the webhooks use unless told otherwise: commercial, GovCloud and China
 * partitions (see {@link createCertUrlPolicy}).
 *
 * @example
 * ```ts
 * defaultCertUrlPolicy(new URL("https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123.pem"),
 *   parseTopicArn("arn:aws:sns:us-east-1:123456789012:t")); // true
 * ```
 */
export const defaultCertUrlPolicy: CertUrlPolicy = createCertUrlPolicy();

/**
 * Split an SNS topic ARN into its parts.
 *
 * @throws WebhookValidationError (httpStatus 400) when it is not an SNS topic ARN.
 * @example
 * ```ts
 * parseTopicArn("arn:aws-cn:sns:cn-north-1:123456789012:events").partition; // "aws-cn"
 * ```
 */
export function parseTopicArn(arn: string): SnsTopicArn {
  const match = TOPIC_ARN.exec(arn);
  if (match === null) {
    throw new WebhookValidationError("TopicArn is not a valid SNS topic ARN");
  }
  const [, partition = "", region = "", accountId = "", name = ""] = match;
  return { arn, partition, region, accountId, name };
}

/**
 * Check that `url` may be downloaded as the signing certificate of a message from `topicArn`.
 * Runs before any network request.
 *
 * Always refused, whatever the policy: unparsable URLs, URLs not in canonical form (upper-case or
 * percent-encoded hosts, `:443`, full-width letters: the text must be what a URL parser would
 * print), credentials (`user@host` tricks), query strings and fragments.
 *
 * @throws WebhookValidationError with httpStatus 403 and a short reason when the URL is refused,
 *   or httpStatus 400 when the topic ARN is malformed.
 * @example
 * ```ts
 * checkSigningCertUrl(envelope.SigningCertURL, envelope.TopicArn); // throws if not allowed
 * ```
 */
export function checkSigningCertUrl(
  url: string,
  topicArn: string,
  policy: CertUrlPolicy = defaultCertUrlPolicy,
): void {
  const topic = parseTopicArn(topicArn);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw refuse("not a valid URL");
  }
  if (parsed.href !== url) {
    throw refuse("not in canonical form");
  }
  if (parsed.username !== "" || parsed.password !== "") {
    throw refuse("must not carry credentials");
  }
  if (url.includes("?") || url.includes("#")) {
    throw refuse("must not have a query or fragment");
  }
  const verdict = policy(parsed, topic);
  if (verdict !== true) {
    throw refuse(typeof verdict === "string" ? verdict : "refused by the certificate URL policy");
  }
}

function refuse(reason: string): WebhookValidationError {
  return new WebhookValidationError(`SigningCertURL refused: ${reason}`, { httpStatus: 403 });
}
