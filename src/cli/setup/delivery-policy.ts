/**
 * The SNS delivery policy the setup commands put on the webhook's HTTPS subscription, and how
 * long an outage of the webhook it lets pass without losing an event. SNS's default for HTTP/S
 * retries 3 times, 20 s apart, then drops the message: a webhook down for a minute loses events.
 *
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html
 * @module
 */
import { oneOf, positiveInteger } from "../args";
import { UsageError } from "../cli-error";

/** SNS's backoff functions for the backoff phase of an HTTP/S retry policy. */
export const SNS_BACKOFF_FUNCTIONS = ["linear", "arithmetic", "geometric", "exponential"] as const;

/**
 * One of {@link SNS_BACKOFF_FUNCTIONS}.
 *
 * @example
 * ```ts
 * const backoff: SnsBackoffFunction = "geometric";
 * ```
 */
export type SnsBackoffFunction = (typeof SNS_BACKOFF_FUNCTIONS)[number];

/**
 * The retry policy of an HTTP/S subscription (the `healthyRetryPolicy` of its `DeliveryPolicy`,
 * with no immediate, pre- or post-backoff retries, plus the optional throttle).
 *
 * @example
 * ```ts
 * const policy: SnsDeliveryPolicy = { numRetries: 20, minDelaySeconds: 5, maxDelaySeconds: 600, backoff: "geometric" };
 * ```
 */
export interface SnsDeliveryPolicy {
  /** Retries after the first attempt (SNS allows 0 to 100). */
  numRetries: number;
  /** The first retry's delay, in seconds (at least 1). */
  minDelaySeconds: number;
  /** The longest delay between retries, in seconds (at most 3,600). */
  maxDelaySeconds: number;
  /** How delays grow from the minimum to the maximum. */
  backoff: SnsBackoffFunction;
  /** At most this many deliveries per second to the webhook; undefined: no throttle. */
  maxReceivesPerSecond?: number | undefined;
}

/** SNS's own default for HTTP/S: 3 retries, 20 s apart. */
export const SNS_DEFAULT_POLICY: SnsDeliveryPolicy = {
  numRetries: 3,
  minDelaySeconds: 20,
  maxDelaySeconds: 20,
  backoff: "linear",
};

/** Mailroom's default, the one AWS's SES documentation suggests: 20 retries, 5-600 s, geometric. */
export const DEFAULT_DELIVERY_POLICY: SnsDeliveryPolicy = {
  numRetries: 20,
  minDelaySeconds: 5,
  maxDelaySeconds: 600,
  backoff: "geometric",
};

/** SNS caps the total retry time of an HTTP/S policy at one hour, whatever the policy says. */
export const SNS_MAX_RETRY_SECONDS = 3_600;

/**
 * The setup flags of the delivery policy.
 *
 * @example
 * ```ts
 * const OPTIONS = { ...SETUP_OPTIONS, ...DELIVERY_POLICY_OPTIONS } as const;
 * ```
 */
export const DELIVERY_POLICY_OPTIONS = {
  "sns-retries": { type: "string" },
  "sns-min-delay": { type: "string" },
  "sns-max-delay": { type: "string" },
  "sns-backoff": { type: "string" },
  "sns-max-receives-per-second": { type: "string" },
} as const;

/**
 * Help lines for {@link DELIVERY_POLICY_OPTIONS}.
 *
 * @example
 * ```ts
 * const HELP = `Flags:\n${DELIVERY_POLICY_HELP}`;
 * ```
 */
export const DELIVERY_POLICY_HELP = `  --sns-retries <n>          SNS delivery retries to the webhook, 0-100 (default ${DEFAULT_DELIVERY_POLICY.numRetries})
  --sns-min-delay <s>        first retry delay in seconds (default ${DEFAULT_DELIVERY_POLICY.minDelaySeconds})
  --sns-max-delay <s>        longest retry delay in seconds, at most 3600 (default ${DEFAULT_DELIVERY_POLICY.maxDelaySeconds})
  --sns-backoff <function>   ${SNS_BACKOFF_FUNCTIONS.join(", ")} (default ${DEFAULT_DELIVERY_POLICY.backoff})
  --sns-max-receives-per-second <n>
                             throttle SNS's deliveries to the webhook (default: none)`;

/**
 * Read the delivery-policy flags over {@link DEFAULT_DELIVERY_POLICY}, with SNS's own limits.
 *
 * @throws UsageError for a value SNS would refuse.
 * @example
 * ```ts
 * const policy = deliveryPolicyFromFlags({ "sns-retries": "10" }); // 10 retries, 5-600 s, geometric
 * ```
 */
export function deliveryPolicyFromFlags(values: {
  "sns-retries"?: string | undefined;
  "sns-min-delay"?: string | undefined;
  "sns-max-delay"?: string | undefined;
  "sns-backoff"?: string | undefined;
  "sns-max-receives-per-second"?: string | undefined;
}): SnsDeliveryPolicy {
  const d = DEFAULT_DELIVERY_POLICY;
  const retries = values["sns-retries"];
  const numRetries = retries === undefined ? d.numRetries : wholeNumber(retries, "--sns-retries");
  const minDelaySeconds =
    values["sns-min-delay"] === undefined
      ? d.minDelaySeconds
      : positiveInteger(values["sns-min-delay"], "--sns-min-delay");
  const maxDelaySeconds =
    values["sns-max-delay"] === undefined
      ? d.maxDelaySeconds
      : positiveInteger(values["sns-max-delay"], "--sns-max-delay");
  const backoff =
    values["sns-backoff"] === undefined
      ? d.backoff
      : oneOf(values["sns-backoff"], SNS_BACKOFF_FUNCTIONS, "--sns-backoff");
  const throttle = values["sns-max-receives-per-second"];
  if (numRetries > 100) {
    throw new UsageError(`--sns-retries must be at most 100 (got ${numRetries})`);
  }
  if (maxDelaySeconds > SNS_MAX_RETRY_SECONDS) {
    throw new UsageError(
      `--sns-max-delay must be at most ${SNS_MAX_RETRY_SECONDS} seconds (got ${maxDelaySeconds})`,
    );
  }
  if (minDelaySeconds > maxDelaySeconds) {
    throw new UsageError(
      `--sns-min-delay (${minDelaySeconds}) must not exceed --sns-max-delay (${maxDelaySeconds})`,
    );
  }
  return {
    numRetries,
    minDelaySeconds,
    maxDelaySeconds,
    backoff,
    maxReceivesPerSecond:
      throttle === undefined ? undefined : positiveInteger(throttle, "--sns-max-receives-per-second"),
  };
}

function wholeNumber(value: string, flag: string): number {
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isInteger(parsed) || parsed < 0) {
    throw new UsageError(`${flag} must be a whole number (got '${value}')`);
  }
  return parsed;
}

/**
 * The subscription attribute `DeliveryPolicy` (JSON) for `policy`.
 *
 * @example
 * ```ts
 * deliveryPolicyAttribute(DEFAULT_DELIVERY_POLICY);
 * // {"healthyRetryPolicy":{"minDelayTarget":5,"maxDelayTarget":600,"numRetries":20,…,"backoffFunction":"geometric"}}
 * ```
 */
export function deliveryPolicyAttribute(policy: SnsDeliveryPolicy): string {
  return JSON.stringify({
    healthyRetryPolicy: {
      minDelayTarget: policy.minDelaySeconds,
      maxDelayTarget: policy.maxDelaySeconds,
      numRetries: policy.numRetries,
      numNoDelayRetries: 0,
      numMinDelayRetries: 0,
      numMaxDelayRetries: 0,
      backoffFunction: policy.backoff,
    },
    ...(policy.maxReceivesPerSecond === undefined
      ? {}
      : { throttlePolicy: { maxReceivesPerSecond: policy.maxReceivesPerSecond } }),
  });
}

/**
 * Whether a subscription's current `DeliveryPolicy` attribute (absent, or JSON as SNS returns
 * it, in any key order) already is `policy`.
 *
 * @example
 * ```ts
 * if (!hasDeliveryPolicy(attributes.DeliveryPolicy, policy)) await setPolicy();
 * ```
 */
export function hasDeliveryPolicy(current: string | undefined, policy: SnsDeliveryPolicy): boolean {
  if (current === undefined || current === "") {
    return false;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(current);
  } catch {
    return false;
  }
  const want = JSON.parse(deliveryPolicyAttribute(policy)) as Record<string, Record<string, unknown>>;
  const have = (parsed ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const same = (section: string): boolean => {
    const a = want[section] ?? {};
    const b = have[section] ?? {};
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    // SNS may echo defaults we never set (0 retries in a phase): treat absent and 0 alike.
    return [...keys].every((key) => (a[key] ?? 0) === (b[key] ?? 0));
  };
  return same("healthyRetryPolicy") && same("throttlePolicy");
}

/**
 * The delays between the retries of `policy`, in seconds, as Mailroom estimates them: linear
 * and arithmetic backoff step evenly from the minimum to the maximum delay, geometric and
 * exponential by a constant factor. SNS publishes its curves only as a graph and adds jitter, so
 * this is an estimate, good to about a minute for the default policy.
 *
 * @example
 * ```ts
 * retryDelays(SNS_DEFAULT_POLICY); // [20, 20, 20]
 * ```
 */
export function retryDelays(policy: SnsDeliveryPolicy): number[] {
  const { numRetries: n, minDelaySeconds: min, maxDelaySeconds: max } = policy;
  if (n <= 1) {
    return n === 1 ? [min] : [];
  }
  const evenly = policy.backoff === "linear" || policy.backoff === "arithmetic";
  return Array.from({ length: n }, (_, i) =>
    evenly ? min + ((max - min) * i) / (n - 1) : min * (max / min) ** (i / (n - 1)),
  );
}

/**
 * How long SNS keeps retrying one event under `policy`, in seconds (capped at SNS's one hour):
 * an outage of the webhook shorter than this loses no event.
 *
 * @example
 * ```ts
 * survivableOutageSeconds(SNS_DEFAULT_POLICY);     // 60
 * survivableOutageSeconds(DEFAULT_DELIVERY_POLICY); // about 2,676 (44 minutes)
 * ```
 */
export function survivableOutageSeconds(policy: SnsDeliveryPolicy): number {
  const total = retryDelays(policy).reduce((sum, delay) => sum + delay, 0);
  return Math.min(SNS_MAX_RETRY_SECONDS, Math.round(total));
}

/**
 * A duration for people: "60 s", "44 min", "1 h".
 *
 * @example
 * ```ts
 * humanDuration(2676); // "44 min"
 * ```
 */
export function humanDuration(seconds: number): string {
  if (seconds < 120) {
    return `${seconds} s`;
  }
  if (seconds < SNS_MAX_RETRY_SECONDS) {
    return `${Math.floor(seconds / 60)} min`;
  }
  return `${Math.floor(seconds / 3600)} h`;
}

/**
 * One line describing `policy`: "20 retries, 5-600 s, geometric".
 *
 * @example
 * ```ts
 * describePolicy(DEFAULT_DELIVERY_POLICY); // "20 retries, 5-600 s, geometric"
 * ```
 */
export function describePolicy(policy: SnsDeliveryPolicy): string {
  const throttle =
    policy.maxReceivesPerSecond === undefined ? "" : `, at most ${policy.maxReceivesPerSecond}/s`;
  return `${policy.numRetries} retries, ${policy.minDelaySeconds}-${policy.maxDelaySeconds} s, ${policy.backoff}${throttle}`;
}

/**
 * The note the setup commands print: how long an outage of the webhook is now survivable.
 *
 * @example
 * ```ts
 * notes.push(outageNote(policy));
 * ```
 */
export function outageNote(policy: SnsDeliveryPolicy): string {
  const now = survivableOutageSeconds(policy);
  const before = survivableOutageSeconds(SNS_DEFAULT_POLICY);
  return (
    `SNS retries each event for about ${humanDuration(now)} (${describePolicy(policy)}): a webhook ` +
    `outage shorter than that loses no event (SNS's default policy: ${humanDuration(before)}). ` +
    'For longer outages, subscribe an SQS queue instead (docs/tracking.md, "Delivery guarantees")'
  );
}
