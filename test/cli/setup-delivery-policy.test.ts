import { describe, expect, it } from "vitest";

import {
  DEFAULT_DELIVERY_POLICY,
  deliveryPolicyAttribute,
  retryDelays,
  SNS_DEFAULT_POLICY,
  survivableOutageSeconds,
} from "../../src/cli/setup/delivery-policy";
import { expectNoSecret, INBOUND_ARGS, runSetup, TRACKING_ARGS } from "../helpers/cli-setup";
import { FakeAws } from "../helpers/fake-aws";

const DEFAULT_POLICY = {
  healthyRetryPolicy: {
    minDelayTarget: 5,
    maxDelayTarget: 600,
    numRetries: 20,
    numNoDelayRetries: 0,
    numMinDelayRetries: 0,
    numMaxDelayRetries: 0,
    backoffFunction: "geometric",
  },
};

function policyOf(aws: FakeAws): unknown {
  const value = aws.subscriptions[0]?.attributes.DeliveryPolicy;
  return value === undefined ? undefined : JSON.parse(value);
}

describe("SNS delivery policy of the webhook subscription", () => {
  it("setup tracking subscribes with 20 retries, 5-600 s, geometric, and says how long an outage is survivable", async () => {
    const aws = new FakeAws();
    const result = await runSetup(aws, TRACKING_ARGS);
    expect(result.code).toBe(0);
    expect(policyOf(aws)).toEqual(DEFAULT_POLICY);
    expect(result.stdout).toContain("delivery policy: 20 retries, 5-600 s, geometric");
    expect(result.stdout).toContain(
      "SNS retries each event for about 44 min (20 retries, 5-600 s, geometric): a webhook outage shorter than that loses no event (SNS's default policy: 60 s)",
    );
    expectNoSecret(result);
  });

  it("setup inbound sets the same policy", async () => {
    const aws = new FakeAws();
    const result = await runSetup(aws, [...INBOUND_ARGS, "--action", "sns"]);
    expect(result.code).toBe(0);
    expect(policyOf(aws)).toEqual(DEFAULT_POLICY);
    expect(result.stdout).toContain("SNS retries each event for about 44 min");
  });

  it("--dry-run shows the policy and the survivable outage, and writes nothing", async () => {
    const aws = new FakeAws();
    const result = await runSetup(aws, [...TRACKING_ARGS, "--dry-run", "--json"]);
    expect(result.code).toBe(0);
    expect(aws.writes()).toEqual([]);
    const plan = JSON.parse(result.stdout) as {
      steps: { resource: string; detail?: string }[];
      notes: string[];
    };
    const subscription = plan.steps.find((step) => step.resource === "SNS subscription");
    expect(subscription?.detail).toContain("delivery policy: 20 retries, 5-600 s, geometric");
    expect(plan.notes.some((note) => note.includes("about 44 min"))).toBe(true);
  });

  it("takes the policy from flags", async () => {
    const aws = new FakeAws();
    const flags = [
      "--sns-retries",
      "10",
      "--sns-min-delay",
      "10",
      "--sns-max-delay",
      "300",
      "--sns-backoff",
      "Linear",
    ];
    const result = await runSetup(aws, [...TRACKING_ARGS, ...flags, "--sns-max-receives-per-second", "5"]);
    expect(result.code).toBe(0);
    expect(policyOf(aws)).toEqual({
      healthyRetryPolicy: {
        ...DEFAULT_POLICY.healthyRetryPolicy,
        minDelayTarget: 10,
        maxDelayTarget: 300,
        numRetries: 10,
        backoffFunction: "linear",
      },
      throttlePolicy: { maxReceivesPerSecond: 5 },
    });
    // 10 retries stepping evenly from 10 s to 300 s: 1,550 s.
    expect(result.stdout).toContain("about 25 min (10 retries, 10-300 s, linear, at most 5/s)");
  });

  it("sets the policy on a confirmed subscription that has none (or another), then leaves it alone", async () => {
    const aws = new FakeAws();
    await runSetup(aws, TRACKING_ARGS);
    aws.confirmAll();
    const subscription = aws.subscriptions[0];
    if (subscription === undefined) {
      throw new Error("no subscription");
    }
    delete subscription.attributes.DeliveryPolicy; // made by hand, or by an older Mailroom

    const dry = await runSetup(aws, [...TRACKING_ARGS, "--dry-run"]);
    expect(dry.stdout).toMatch(
      /SNS subscription\s+\S+\s+would update\n\s+↳ setting the delivery policy: 20 retries/,
    );
    expect(subscription.attributes.DeliveryPolicy).toBeUndefined();

    const result = await runSetup(aws, TRACKING_ARGS);
    expect(result.stdout).toMatch(/SNS subscription\s+\S+\s+updated/);
    expect(policyOf(aws)).toEqual(DEFAULT_POLICY);

    const writes = aws.writes().length;
    const again = await runSetup(aws, TRACKING_ARGS);
    expect(aws.writes()).toHaveLength(writes);
    expect(again.stdout).toMatch(
      /SNS subscription\s+\S+\s+exists\n\s+↳ confirmed; delivery policy: 20 retries/,
    );

    const changed = await runSetup(aws, [...TRACKING_ARGS, "--sns-retries", "30"]);
    expect(changed.stdout).toMatch(/SNS subscription\s+\S+\s+updated/);
    expect(policyOf(aws)).toMatchObject({ healthyRetryPolicy: { numRetries: 30 } });
  });

  it("fixes raw delivery and the policy in one step", async () => {
    const aws = new FakeAws();
    await runSetup(aws, TRACKING_ARGS);
    aws.confirmAll();
    const subscription = aws.subscriptions[0];
    if (subscription === undefined) {
      throw new Error("no subscription");
    }
    subscription.attributes.RawMessageDelivery = "true";
    subscription.attributes.DeliveryPolicy = deliveryPolicyAttribute(SNS_DEFAULT_POLICY);
    const result = await runSetup(aws, TRACKING_ARGS);
    expect(result.stdout).toMatch(
      /updated\n\s+↳ raw message delivery is on: turning it off .*; setting the delivery policy/,
    );
    expect(subscription.attributes.RawMessageDelivery).toBe("false");
    expect(policyOf(aws)).toEqual(DEFAULT_POLICY);
  });

  it.each([
    [["--sns-max-delay", "4000"], "--sns-max-delay must be at most 3600"],
    [["--sns-min-delay", "700"], "--sns-min-delay (700) must not exceed --sns-max-delay (600)"],
    [["--sns-retries", "101"], "--sns-retries must be at most 100"],
    [["--sns-retries", "1.5"], "--sns-retries must be a whole number"],
    [["--sns-backoff", "cubic"], "--sns-backoff must be one of linear, arithmetic, geometric, exponential"],
    [["--sns-min-delay", "0"], "--sns-min-delay must be a positive integer"],
    [["--sns-max-receives-per-second", "0.5"], "--sns-max-receives-per-second must be a positive integer"],
  ])("refuses %j (exit 2) before calling AWS", async (flags, message) => {
    const aws = new FakeAws();
    const result = await runSetup(aws, [...TRACKING_ARGS, ...flags]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(aws.calls).toEqual([]);
  });
});

describe("survivable outage, computed from the policy", () => {
  it("is a minute with SNS's default policy, about 44 minutes with Mailroom's", () => {
    expect(retryDelays(SNS_DEFAULT_POLICY)).toEqual([20, 20, 20]);
    expect(survivableOutageSeconds(SNS_DEFAULT_POLICY)).toBe(60);
    const delays = retryDelays(DEFAULT_DELIVERY_POLICY);
    expect(delays[0]).toBe(5);
    expect(delays[19]).toBeCloseTo(600);
    expect(survivableOutageSeconds(DEFAULT_DELIVERY_POLICY)).toBe(2676);
  });

  it("never exceeds SNS's one-hour cap", () => {
    expect(
      survivableOutageSeconds({
        numRetries: 100,
        minDelaySeconds: 600,
        maxDelaySeconds: 600,
        backoff: "linear",
      }),
    ).toBe(3600);
    expect(
      survivableOutageSeconds({
        numRetries: 0,
        minDelaySeconds: 5,
        maxDelaySeconds: 600,
        backoff: "geometric",
      }),
    ).toBe(0);
  });
});
