/**
 * Issue 11 §3: one rule for webhook secrets. The CLI (which prints and subscribes the URL) and the
 * webhook handlers (which check the credentials) accept exactly the same secrets.
 */
import { describe, expect, it } from "vitest";

import { parseSecret } from "../../src/cli/secret";
import { ConfigurationError } from "../../src/errors";
import { amazonSesTrackingWebhook } from "../../src/ses/webhooks/tracking-handler";
import { checkWebhookSecret, MIN_SECRET_PASSWORD_LENGTH } from "../../src/webhook/secret-rule";

const silent = { warn: () => undefined, error: () => undefined };

function webhookAccepts(secret: string): boolean {
  try {
    amazonSesTrackingWebhook({ secret, onEvent: () => undefined, logger: silent });
    return true;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return false;
  }
}

function cliAccepts(secret: string): boolean {
  try {
    parseSecret(secret, "--secret");
    return true;
  } catch {
    return false;
  }
}

describe("the shared webhook secret rule", () => {
  it.each([
    [":", false],
    ["", false],
    ["user", false],
    ["user:", false],
    [":long-enough-password", false],
    ["user:1234567", false],
    ["user:12345678", true],
    ["user:pass:with:colons", true],
    ["hooks:correct-horse-battery", true],
    ["u:\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9", true],
  ])("%j: the CLI and the webhook agree (accepted: %s)", (secret, accepted) => {
    expect(checkWebhookSecret(secret).ok).toBe(accepted);
    expect(cliAccepts(secret)).toBe(accepted);
    expect(webhookAccepts(secret)).toBe(accepted);
  });

  it("keeps the CLI's minimum of 8 characters and says why, without the secret", () => {
    expect(MIN_SECRET_PASSWORD_LENGTH).toBe(8);
    const verdict = checkWebhookSecret("hooks:short");
    expect(verdict).toEqual({
      ok: false,
      reason: "the password is shorter than 8 characters; use a long random one",
    });
    expect(() => parseSecret("hooks:short", "--secret")).toThrow("--secret: the password is shorter than 8");
    expect(() => amazonSesTrackingWebhook({ secret: "hooks:short", onEvent: () => 1 })).toThrow(
      /^secret: the password is shorter than 8 characters/,
    );
  });
});
