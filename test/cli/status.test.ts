/**
 * `mailroom status` against the project's stateful fake of SESv2 GetAccount
 * (test/helpers/fake-aws-sesv2.ts: aws-ses-v2-local has no GetAccount), with the local rates and
 * pause flag in the real Redis of the test run.
 */
import { randomUUID } from "node:crypto";

import { describe, expect, inject, it } from "vitest";

import { itWithRedis } from "../helpers/redis";

import { createReputationMonitor } from "../../src/reputation/rate-monitor";
import { createRedisReputationStore } from "../../src/store/redis-reputation-store";
import { runCli } from "../helpers/cli-run";
import { FakeAws } from "../helpers/fake-aws";
import { sesv2State } from "../helpers/fake-aws-sesv2";

describe("mailroom status", () => {
  it("prints the account's enforcement status, production access, quotas, send rate and suppression settings", async () => {
    const aws = new FakeAws();
    sesv2State(aws).account.EnforcementStatus = "PROBATION";
    const text = await runCli(["status", "--region", "eu-west-1"], { clients: aws.clients() });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("enforcement status   PROBATION");
    expect(text.stdout).toContain("production access    yes");
    expect(text.stdout).toContain("1234 sent of 50000 per 24 h, 14 per second");
    expect(text.stdout).toContain("suppression list     BOUNCE, COMPLAINT");
    expect(text.stdout).not.toContain("Mailroom (local rates)");
    const json = await runCli(["status", "--json"], { clients: aws.clients() });
    expect(JSON.parse(json.stdout)).toEqual({
      enforcementStatus: "PROBATION",
      productionAccess: true,
      sendingEnabled: true,
      max24HourSend: 50000,
      sentLast24Hours: 1234,
      maxSendRate: 14,
      suppressedReasons: ["BOUNCE", "COMPLAINT"],
    });
  });

  itWithRedis(
    "adds the local rates and pause flag from Redis, and --resume lifts a pause every mailer sees",
    async () => {
      const aws = new FakeAws();
      const redis = inject("redisUrl");
      const prefix = `test:${randomUUID()}:`;
      const store = createRedisReputationStore({ redis, prefix });
      const monitor = createReputationMonitor({ store, window: { minVolume: 10 } });
      await monitor.recordSent(1000);
      await monitor.pause("investigating a spike");
      const paused = await runCli(["status", "--prefix", prefix, "--json"], {
        clients: aws.clients(),
        env: { MAILROOM_REDIS_URL: redis },
      });
      expect(JSON.parse(paused.stdout).local).toMatchObject({
        sent: 1000,
        bounceRate: 0,
        representative: true,
        paused: { reason: "investigating a spike", automatic: false },
      });
      const resumed = await runCli(["status", "--redis", redis, "--prefix", prefix, "--resume"], {
        clients: aws.clients(),
      });
      expect(resumed.code).toBe(0);
      expect(resumed.stdout).toContain("sending              active");
      await monitor.assertSending();
      expect((await runCli(["status", "--resume"], { clients: aws.clients() })).code).toBe(2);
      await monitor.close();
    },
  );
});
