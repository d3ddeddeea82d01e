/**
 * The bounce and complaint rate monitor: fed by the mailer's sends and by tracking events, it
 * computes the rates over a sliding window, raises alerts at the thresholds you set, and may
 * pause sending (shared through the store) until the rates come back down or you resume.
 *
 * @module
 */
import type { TrackingEvent } from "../events";
import { ConfigurationError } from "../errors";
import { createMemoryReputationStore } from "../store/memory-reputation-store";
import type { PauseState, ReputationCounts, ReputationStore } from "../store/reputation-store";
import { SendingPausedError } from "./sending-paused-error";

/**
 * SES's own levels (https://docs.aws.amazon.com/ses/latest/dg/reputationdashboardmessages.html):
 * an account is reviewed at a 5 % bounce or 0.1 % complaint rate, and may be paused at 10 % / 0.5 %.
 *
 * @example
 * ```ts
 * import { SES_REPUTATION_LEVELS } from "mailroom-ses";
 * SES_REPUTATION_LEVELS.review.bounceRate; // 0.05
 * ```
 */
export const SES_REPUTATION_LEVELS = {
  review: { bounceRate: 0.05, complaintRate: 0.001 },
  pause: { bounceRate: 0.1, complaintRate: 0.005 },
} as const;

/**
 * A pair of rate thresholds (fractions: 0.05 is 5 %).
 *
 * @example
 * ```ts
 * const warn: RateThresholds = { bounceRate: 0.025, complaintRate: 0.0005 };
 * ```
 */
export interface RateThresholds {
  /** Hard bounces / recipients sent. */
  bounceRate: number;
  /** Complaints / recipients sent. */
  complaintRate: number;
}

/**
 * How the sliding window is sized (see docs/reputation.md for how it approximates SES's
 * "representative volume").
 *
 * @example
 * ```ts
 * const window: RateWindowOptions = { volume: 10_000, maxAgeMs: 14 * 86_400_000, minVolume: 500, bucketMs: 3_600_000 };
 * ```
 */
export interface RateWindowOptions {
  /** The window reaches back until it holds this many recipients sent (default 10,000)... */
  volume?: number | undefined;
  /** ...or this far back at most (default 14 days). */
  maxAgeMs?: number | undefined;
  /** Fewer recipients than this in the window: rates are not representative, no alert, no pause (default 500). */
  minVolume?: number | undefined;
  /** Bucket length (default 1 hour): the window's resolution. */
  bucketMs?: number | undefined;
}

/**
 * The rates over the current window.
 *
 * @example
 * ```ts
 * const { bounceRate, representative } = await monitor.rates();
 * ```
 */
export interface ReputationRates extends ReputationCounts {
  /** bounces / sent (0 when nothing was sent). */
  bounceRate: number;
  /** complaints / sent (0 when nothing was sent). */
  complaintRate: number;
  /** True when the window holds at least `minVolume` recipients. */
  representative: boolean;
  /** Where the window starts. */
  windowStart: Date;
}

/**
 * A level a rate is at.
 *
 * @example
 * ```ts
 * const level: RateLevel = "warn";
 * ```
 */
export type RateLevel = "ok" | "warn" | "pause";

/**
 * What the alert hook receives when a rate changes level.
 *
 * @example
 * ```ts
 * const onAlert = (alert: ReputationAlert) => console.warn(`${alert.metric} ${alert.level}: ${alert.rate}`);
 * ```
 */
export interface ReputationAlert {
  /** Which rate. */
  metric: "bounce" | "complaint";
  /** Its new level (`ok` when it came back down). */
  level: RateLevel;
  /** Its previous level. */
  previous: RateLevel;
  /** The rate now. */
  rate: number;
  /** The threshold crossed (the warn one for `ok`). */
  threshold: number;
  /** The whole picture. */
  rates: ReputationRates;
}

/**
 * Options of {@link createReputationMonitor}.
 *
 * @example
 * ```ts
 * import { createRedisReputationStore } from "mailroom-ses";
 * const options: ReputationMonitorOptions = {
 *   store: createRedisReputationStore({ redis: "redis://127.0.0.1:6379" }),
 *   autoPause: true,
 *   onAlert: (alert) => console.warn(alert),
 * };
 * ```
 */
export interface ReputationMonitorOptions {
  /** Where counters and the pause flag live (default: memory, this process only). */
  store?: ReputationStore | undefined;
  /** Alert at these rates (default: half of SES's review levels, 2.5 % and 0.05 %). */
  warn?: RateThresholds | undefined;
  /** Pause at these rates (default: SES's review levels, 5 % and 0.1 %), when `autoPause` is on. */
  pause?: RateThresholds | undefined;
  /** An automatic pause lifts when both rates are below these (default: the warn levels). */
  resume?: RateThresholds | undefined;
  /** Pause sending by itself at the pause levels (default false: alerts only). */
  autoPause?: boolean | undefined;
  /** The window. */
  window?: RateWindowOptions | undefined;
  /** Called when a rate changes level (this process's view; every process calls its own hook). */
  onAlert?: ((alert: ReputationAlert) => void | Promise<void>) | undefined;
  /** How long a paused queue waits before looking again (default 30 s). */
  pausedRetryMs?: number | undefined;
  /** The clock (ms since the epoch); default `Date.now`. */
  now?: (() => number) | undefined;
}

/**
 * The rate monitor.
 *
 * @example
 * ```ts
 * const monitor = createReputationMonitor({ autoPause: true });
 * await monitor.recordSent(50);
 * (await monitor.rates()).bounceRate;
 * ```
 */
export interface ReputationMonitor {
  /** Count recipients SES accepted (the mailer does it when given the monitor). */
  recordSent(recipients: number, at?: Date): Promise<void>;
  /** Count a hard bounce or a complaint (the tracking webhook does it when given the monitor); then check. */
  recordEvent(event: TrackingEvent): Promise<void>;
  /** The rates over the current window. */
  rates(): Promise<ReputationRates>;
  /** Compare the rates with the thresholds: alerts, automatic pause and resume. Returns the levels. */
  check(): Promise<{ bounce: RateLevel; complaint: RateLevel; pause: PauseState | undefined }>;
  /** Pause sending by hand (until `resume()`). */
  pause(reason?: string): Promise<void>;
  /** Resume sending. */
  resume(): Promise<void>;
  /** The pause state, or undefined when sending. */
  pauseState(): Promise<PauseState | undefined>;
  /** Throw {@link SendingPausedError} when paused (the mailer calls it before every send). */
  assertSending(): Promise<void>;
  /** Close the store. */
  close(): Promise<void>;
}

const DAY = 86_400_000;

function checkThresholds(value: RateThresholds, name: string): RateThresholds {
  const ok = (n: unknown) => typeof n === "number" && Number.isFinite(n) && n > 0 && n <= 1;
  if (value === null || typeof value !== "object" || !ok(value.bounceRate) || !ok(value.complaintRate)) {
    throw new ConfigurationError(`${name} needs bounceRate and complaintRate between 0 and 1`);
  }
  return value;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) {
    return fallback;
  }
  if (!Number.isFinite(value) || value <= 0) {
    throw new ConfigurationError(`${name} must be a positive number`);
  }
  return value;
}

function percent(rate: number): string {
  return `${(rate * 100).toFixed(rate < 0.01 ? 3 : 1)} %`;
}

/**
 * What an event adds to the counters: a Permanent bounce (not one SES refused from its own list,
 * which SES does not count either), or a complaint (not a `not-spam` feedback).
 */
function countsOf(event: TrackingEvent): Partial<ReputationCounts> | undefined {
  if (event.eventType === "bounced") {
    return event.bounceType === "Permanent" && event.bounceSubType !== "OnAccountSuppressionList"
      ? { bounces: 1 }
      : undefined;
  }
  if (event.eventType === "complained") {
    return event.description?.toLowerCase() === "not-spam" ? undefined : { complaints: 1 };
  }
  return undefined;
}

/**
 * Create a bounce/complaint rate monitor. Give it to `createMailer({ reputation })` (sends are
 * counted, and a paused mailer refuses to send) and to the tracking webhook's `reputation`
 * option (bounces and complaints are counted and checked).
 *
 * @example
 * ```ts
 * import { amazonSes, createMailer, createRedisReputationStore, createReputationMonitor } from "mailroom-ses";
 *
 * const reputation = createReputationMonitor({
 *   store: createRedisReputationStore({ redis: "redis://127.0.0.1:6379" }),
 *   autoPause: true,
 *   onAlert: (alert) => console.warn(`${alert.metric} rate ${alert.level}: ${alert.rate}`),
 * });
 * const mailer = createMailer({ backend: amazonSes(), reputation });
 * ```
 */
export function createReputationMonitor(options: ReputationMonitorOptions = {}): ReputationMonitor {
  const now = options.now ?? Date.now;
  const store = options.store ?? createMemoryReputationStore({ now });
  const warn = checkThresholds(
    options.warn ?? {
      bounceRate: SES_REPUTATION_LEVELS.review.bounceRate / 2,
      complaintRate: SES_REPUTATION_LEVELS.review.complaintRate / 2,
    },
    "warn",
  );
  const pauseAt = checkThresholds(options.pause ?? SES_REPUTATION_LEVELS.review, "pause");
  const resumeBelow = checkThresholds(options.resume ?? warn, "resume");
  const bucketMs = positive(options.window?.bucketMs, 3_600_000, "window.bucketMs");
  const maxAgeMs = positive(options.window?.maxAgeMs, 14 * DAY, "window.maxAgeMs");
  const volume = positive(options.window?.volume, 10_000, "window.volume");
  const minVolume = positive(options.window?.minVolume, 500, "window.minVolume");
  const pausedRetryMs = positive(options.pausedRetryMs, 30_000, "pausedRetryMs");
  // Buckets outlive the window by one bucket, then Redis (or the memory store) drops them.
  const ttlMs = maxAgeMs + 2 * bucketMs;
  const levels: Record<"bounce" | "complaint", RateLevel> = { bounce: "ok", complaint: "ok" };

  const bucketOf = (ms: number): number => Math.floor(ms / bucketMs) * bucketMs;

  async function rates(): Promise<ReputationRates> {
    const at = now();
    const newest = bucketOf(at);
    const oldest = bucketOf(at - maxAgeMs);
    const buckets = await store.buckets(oldest, newest, bucketMs);
    const total: ReputationCounts = { sent: 0, bounces: 0, complaints: 0 };
    let windowStart = at;
    // Newest first: the window reaches back until it holds `volume` recipients, or `maxAgeMs`.
    const starts = [...buckets.keys()].sort((a, b) => b - a);
    for (const start of starts) {
      const counts = buckets.get(start) as ReputationCounts;
      total.sent += counts.sent;
      total.bounces += counts.bounces;
      total.complaints += counts.complaints;
      windowStart = start;
      if (total.sent >= volume) {
        break;
      }
    }
    return {
      ...total,
      bounceRate: total.sent === 0 ? 0 : total.bounces / total.sent,
      complaintRate: total.sent === 0 ? 0 : total.complaints / total.sent,
      representative: total.sent >= minVolume,
      windowStart: new Date(windowStart),
    };
  }

  function levelOf(rate: number, metric: keyof RateThresholds, representative: boolean): RateLevel {
    if (!representative) {
      return "ok";
    }
    if (options.autoPause === true && rate >= pauseAt[metric]) {
      return "pause";
    }
    return rate >= warn[metric] ? "warn" : "ok";
  }

  async function check() {
    const current = await rates();
    const next = {
      bounce: levelOf(current.bounceRate, "bounceRate", current.representative),
      complaint: levelOf(current.complaintRate, "complaintRate", current.representative),
    };
    for (const metric of ["bounce", "complaint"] as const) {
      const previous = levels[metric];
      if (next[metric] !== previous) {
        levels[metric] = next[metric];
        const key = metric === "bounce" ? "bounceRate" : "complaintRate";
        await options.onAlert?.({
          metric,
          level: next[metric],
          previous,
          rate: current[key],
          threshold: next[metric] === "pause" ? pauseAt[key] : warn[key],
          rates: current,
        });
      }
    }
    let pause = await store.getPause();
    if (pause === undefined && (next.bounce === "pause" || next.complaint === "pause")) {
      const metric = next.bounce === "pause" ? "bounce" : "complaint";
      const key = metric === "bounce" ? "bounceRate" : "complaintRate";
      pause = {
        reason: `${metric} rate ${percent(current[key])} >= ${percent(pauseAt[key])} over ${current.sent} recipients`,
        since: new Date(now()),
        automatic: true,
      };
      await store.setPause(pause);
    } else if (
      pause?.automatic === true &&
      // Below the resume levels, or the window no longer holds enough sends to judge (the bad
      // period aged out of it): a paused sender sends nothing, so waiting for new sends would never end.
      ((current.bounceRate < resumeBelow.bounceRate && current.complaintRate < resumeBelow.complaintRate) ||
        !current.representative)
    ) {
      await store.setPause(undefined);
      pause = undefined;
    }
    return { ...next, pause };
  }

  return {
    async recordSent(recipients, at) {
      if (!Number.isInteger(recipients) || recipients < 0) {
        throw new ConfigurationError("recordSent needs a count of recipients (an integer >= 0)");
      }
      if (recipients > 0) {
        await store.add(bucketOf(at?.getTime() ?? now()), { sent: recipients }, ttlMs);
      }
    },
    async recordEvent(event) {
      const counts = countsOf(event);
      if (counts === undefined || event.recipient === undefined) {
        return;
      }
      // A redelivered notification counts once.
      const key = `${event.eventId ?? ""}:${event.messageId ?? ""}:${event.recipient}`;
      if (await store.once(key, ttlMs)) {
        await store.add(bucketOf(event.timestamp?.getTime() ?? now()), counts, ttlMs);
      }
      await check();
    },
    rates,
    check,
    async pause(reason = "paused by hand") {
      await store.setPause({ reason, since: new Date(now()), automatic: false });
    },
    async resume() {
      await store.setPause(undefined);
    },
    pauseState: () => store.getPause(),
    async assertSending() {
      const pause = await store.getPause();
      if (pause !== undefined) {
        // An automatic pause may have expired (rates down, or aged out): look before refusing.
        const after = pause.automatic ? (await check()).pause : pause;
        if (after !== undefined) {
          throw new SendingPausedError(after, pausedRetryMs);
        }
      }
    },
    close: () => store.close(),
  };
}
