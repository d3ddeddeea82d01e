/**
 * Issue 11 §6: a request that cannot be authenticated makes Mailroom download certificates a
 * bounded, cached number of times. Failures are cached for a short while, and only a few
 * downloads run at once (the rest are answered 503 at once: SNS retries, attackers get nothing).
 */
import { describe, expect, it } from "vitest";

import { WebhookValidationError } from "../../src/errors";
import { createCertificateCache } from "../../src/sns/cert-cache";
import type { SnsEnvelope } from "../../src/sns/types";
import { createSnsVerifier } from "../../src/sns/verify";
import { createSnsTestSigner } from "../../src/testing/sns-signing";
import { expectWebhookError } from "../helpers/sns-assertions";

const signer = createSnsTestSigner();

/** A policy-approved certificate URL with a certificate id of our own. */
function certUrl(id: number): string {
  return signer.certUrl.replace(
    /SimpleNotificationService-[A-Za-z0-9]+\.pem$/,
    `SimpleNotificationService-${id.toString(16).padStart(32, "0")}.pem`,
  );
}

/** A fetcher that counts downloads and answers like AWS for an unknown id, after `delayMs`. */
function countingFetcher(delayMs: number) {
  const state = { downloads: 0, inFlight: 0, maxInFlight: 0 };
  const fetchCertificate = async (url: string): Promise<string> => {
    state.downloads += 1;
    state.inFlight += 1;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (url === signer.certUrl) {
        return signer.certificatePem;
      }
      throw new WebhookValidationError("Could not download the SNS signing certificate: HTTP status 404", {
        httpStatus: 403,
      });
    } finally {
      state.inFlight -= 1;
    }
  };
  return { state, fetchCertificate };
}

function withCertUrl(url: string): SnsEnvelope {
  return { ...signer.notification({ message: "m" }), SigningCertURL: url };
}

describe("certificate downloads are bounded (issue 11 §6)", () => {
  it("200 concurrent requests naming 200 new certificate ids do not make 200 downloads", async () => {
    const { state, fetchCertificate } = countingFetcher(30);
    const verifier = createSnsVerifier({ fetchCertificate });
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) => verifier.verify(withCertUrl(certUrl(i + 1)))),
    );
    expect(results.every((r) => r.status === "rejected")).toBe(true);
    expect(state.downloads).toBeLessThanOrEqual(4);
    expect(state.maxInFlight).toBeLessThanOrEqual(4);
    const statuses = results.map((r) =>
      r.status === "rejected" ? (r.reason as WebhookValidationError).httpStatus : 0,
    );
    // Over the cap: 503 (retry later), never a download.
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThanOrEqual(196);
  });

  it("a genuine message still verifies while the cap is full of other downloads", async () => {
    const { state, fetchCertificate } = countingFetcher(20);
    const verifier = createSnsVerifier({ fetchCertificate });
    await verifier.verify(signer.notification({ message: "warm" }));
    await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => verifier.verify(withCertUrl(certUrl(i + 1)))),
    );
    // The key it already has needs no download.
    await expect(verifier.verify(signer.notification({ message: "m" }))).resolves.toBeUndefined();
    expect(state.downloads).toBeLessThanOrEqual(5);
  });

  it("caches a failed download for a short while: replays of the same id make one download", async () => {
    let now = 1_000_000;
    const { state, fetchCertificate } = countingFetcher(0);
    const cache = createCertificateCache({ fetcher: fetchCertificate, now: () => now });
    const verifier = createSnsVerifier({ cache });
    const envelope = withCertUrl(certUrl(7));
    for (let i = 0; i < 20; i += 1) {
      await expectWebhookError(() => verifier.verify(envelope), 403, /404/);
    }
    expect(state.downloads).toBe(1);
    now += 10_001;
    await expectWebhookError(() => verifier.verify(envelope), 403, /404/);
    expect(state.downloads).toBe(2);
  });

  it("still shares one download between concurrent requests for the same certificate", async () => {
    const { state, fetchCertificate } = countingFetcher(20);
    const verifier = createSnsVerifier({ fetchCertificate });
    await Promise.all(
      Array.from({ length: 50 }, () => verifier.verify(signer.notification({ message: "m" }))),
    );
    expect(state.downloads).toBe(1);
  });

  it("refuses unusable limits at creation", () => {
    expect(() => createCertificateCache({ maxConcurrentDownloads: 0 })).toThrow(/maxConcurrentDownloads/);
    expect(() => createCertificateCache({ failureTtlMs: -1 })).toThrow(/failureTtlMs/);
  });
});
