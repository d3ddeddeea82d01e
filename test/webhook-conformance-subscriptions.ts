/**
 * Conformance, part 3: subscription and unsubscribe confirmations (Anymail tests 56-62, with
 * signature verification and the "only when authenticated" rule on top).
 */
import { ConfirmSubscriptionCommand } from "@aws-sdk/client-sns";
import { describe, expect, it } from "vitest";

import {
  fakeSns,
  harness,
  leaksInternals,
  signer,
  snsRequest,
  type WebhookUnderTest,
} from "./helpers/webhook-harness";

// Anymail's confirmation fixture: the topic lives in us-west-2.
const TOPIC = "arn:aws:sns:us-west-2:123456789012:SES_Notifications";
const confirmation = () => signer.subscriptionConfirmation({ topicArn: TOPIC, token: "EXAMPLE_TOKEN" });

export function describeSubscriptionConformance(subject: WebhookUnderTest): void {
  describe("subscription confirmation", () => {
    it("auto-confirms in the topic's region with AuthenticateOnUnsubscribe 'true'", async () => {
      const { handler, sns, calls } = harness(subject, {
        snsClientConfig: { region: "us-east-1", maxAttempts: 2 },
      });
      const response = await handler(snsRequest(confirmation()));
      expect(response.status).toBe(200);
      expect(sns.configs).toEqual([{ region: "us-west-2", maxAttempts: 2 }]);
      expect(sns.commands).toHaveLength(1);
      expect(sns.commands[0]?.name).toBe(ConfirmSubscriptionCommand.name);
      expect(sns.commands[0]?.input).toEqual({
        TopicArn: TOPIC,
        Token: "EXAMPLE_TOKEN",
        AuthenticateOnUnsubscribe: "true",
      });
      expect(sns.destroyed).toBe(1);
      expect(calls).toHaveLength(0);
    });

    it("confirms when the topic is allow-listed, without a secret", async () => {
      const { handler, sns } = harness(subject, { secret: undefined, allowedTopicArns: [TOPIC] });
      expect((await handler(snsRequest(confirmation(), { auth: null }))).status).toBe(200);
      expect(sns.commands).toHaveLength(1);
    });

    it("refuses an unauthenticated confirmation with 403 and logs the token for a manual confirmation", async () => {
      const { handler, sns, log } = harness(subject, { secret: undefined, allowAnyTopic: true });
      const response = await handler(snsRequest(confirmation(), { auth: null }));
      expect(response.status).toBe(403);
      expect(sns.configs).toHaveLength(0);
      const refusal = log.entries.find((e) => /Not confirming/.test(e.message));
      expect(refusal?.level).toBe("warn");
      expect(refusal?.message).toContain(`'${TOPIC}'`);
      expect(refusal?.message).toContain("EXAMPLE_TOKEN");
      expect(await response.text()).not.toContain("EXAMPLE_TOKEN");
    });

    it("does not count the Lambda path (no credentials there) as authenticated by the secret", async () => {
      const { handler, sns } = harness(subject);
      expect((await handler.handleEnvelope(confirmation())).status).toBe(403);
      expect(sns.commands).toHaveLength(0);
      const allowed = harness(subject, { allowedTopicArns: [TOPIC] });
      expect((await allowed.handler.handleEnvelope(confirmation())).status).toBe(200);
      expect(allowed.sns.commands).toHaveLength(1);
    });

    it("confirms only after the signature verified", async () => {
      const { handler, sns } = harness(subject);
      const tampered = { ...confirmation(), Token: "ATTACKER_TOKEN" };
      expect((await handler(snsRequest(tampered))).status).toBe(403);
      expect(sns.configs).toHaveLength(0);
    });

    it("never auto-confirms with verification off, even when authenticated", async () => {
      const { handler, sns, log } = harness(subject, { verifySignature: false });
      expect((await handler(snsRequest(confirmation()))).status).toBe(403);
      expect(sns.configs).toHaveLength(0);
      expect(log.text()).toContain("EXAMPLE_TOKEN");
    });

    it("answers 200 and creates no client when autoConfirm is false", async () => {
      const { handler, sns, calls } = harness(subject, { autoConfirm: false });
      expect((await handler(snsRequest(confirmation()))).status).toBe(200);
      expect(sns.configs).toHaveLength(0);
      expect(calls).toHaveLength(0);
      expect(() => harness(subject, { autoConfirm: "no" as never })).toThrow(TypeError);
    });

    it("answers 503 when ConfirmSubscription fails, without the AWS message in the body", async () => {
      const failing = fakeSns(Object.assign(new Error("Gremlins!"), { name: "AuthorizationErrorException" }));
      const { handler, log, calls } = harness(subject, { createSnsClient: failing.createSnsClient });
      const response = await handler(snsRequest(confirmation()));
      expect(response.status).toBe(503);
      const body = await response.text();
      expect(body).not.toContain("Gremlins");
      expect(leaksInternals(body)).toBe(false);
      expect(failing.destroyed).toBe(1);
      expect(log.entries.find((e) => e.level === "error")?.details.awsCode).toBe(
        "AuthorizationErrorException",
      );
      expect(calls).toHaveLength(0);
    });

    it("uses an injected confirmSubscription(topicArn, token, region)", async () => {
      const seen: string[][] = [];
      const { handler } = harness(subject, {
        confirmSubscription: async (topicArn, token, region) => {
          seen.push([topicArn, token, region]);
        },
      });
      expect((await handler(snsRequest(confirmation()))).status).toBe(200);
      expect(seen).toEqual([[TOPIC, "EXAMPLE_TOKEN", "us-west-2"]]);
    });
  });

  describe("replayed subscription confirmations (issue 11 §6)", () => {
    it("confirms a given (topic, token) once: replays answer 200 without calling ConfirmSubscription again", async () => {
      const { handler, sns } = harness(subject);
      const envelope = confirmation();
      for (let i = 0; i < 5; i += 1) {
        expect((await handler(snsRequest(envelope))).status).toBe(200);
      }
      // Concurrent replays too, and a re-signed copy (new MessageId, same topic and token).
      const again = confirmation();
      const statuses = await Promise.all(
        Array.from({ length: 20 }, (_, i) => handler(snsRequest(i % 2 === 0 ? envelope : again))),
      );
      expect(statuses.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 200));
      expect(sns.commands).toHaveLength(1);
    });

    it("confirms another token or topic, and tries again after a failed confirmation", async () => {
      let fail = true;
      const seen: string[] = [];
      const { handler } = harness(subject, {
        confirmSubscription: async (_topicArn, token) => {
          seen.push(token);
          if (fail) {
            throw new Error("network down");
          }
        },
      });
      const first = signer.subscriptionConfirmation({ topicArn: TOPIC, token: "TOKEN_A" });
      expect((await handler(snsRequest(first))).status).toBe(500);
      fail = false;
      expect((await handler(snsRequest(first))).status).toBe(200);
      expect((await handler(snsRequest(first))).status).toBe(200);
      expect(
        (await handler(snsRequest(signer.subscriptionConfirmation({ topicArn: TOPIC, token: "TOKEN_B" }))))
          .status,
      ).toBe(200);
      expect(seen).toEqual(["TOKEN_A", "TOKEN_A", "TOKEN_B"]);
    });
  });

  describe("unsubscribe confirmation", () => {
    it("is acknowledged with 200 and never re-subscribes", async () => {
      const { handler, sns, calls } = harness(subject);
      const envelope = signer.unsubscribeConfirmation({ topicArn: TOPIC });
      expect((await handler(snsRequest(envelope))).status).toBe(200);
      expect(sns.configs).toHaveLength(0);
      expect(calls).toHaveLength(0);
    });
  });
}
