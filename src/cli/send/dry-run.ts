/**
 * `mailroom send --dry-run`: build the exact SES request(s) the send would make, without a
 * client, credentials or network, and print them as JSON a person can read.
 *
 * @module
 */
import type { SendContext } from "../../backend";
import { InvalidMessageError, UnsupportedFeatureError } from "../../errors";
import { normalizeMessage } from "../../message/normalize";
import type { EmailMessage } from "../../message/types";
import type { SesPayload } from "../../ses/backend";
import { amazonSes } from "../../ses/index";

/**
 * The requests a dry run prints.
 *
 * @example
 * ```ts
 * const plan: DryRunPlan = { dryRun: true, operation: "SendEmail", requests: [input] };
 * ```
 */
export interface DryRunPlan {
  dryRun: true;
  operation: SesPayload["operation"];
  requests: unknown[];
}

const strict: SendContext = {
  unsupported(feature) {
    throw new UnsupportedFeatureError(feature);
  },
};

/**
 * Build the SES payload for a message: the same normalization and payload builders a real send
 * runs, so what is printed is what would be sent.
 *
 * @example
 * ```ts
 * const plan = await buildDryRun({ from: "a@example.com", to: "b@example.com", subject: "Hi", text: "Hello" }, {});
 * ```
 */
export async function buildDryRun(
  message: EmailMessage,
  options: { configurationSetName?: string | undefined },
): Promise<DryRunPlan> {
  const normalized = normalizeMessage(message);
  if (normalized.to.length + normalized.cc.length + normalized.bcc.length === 0) {
    throw new InvalidMessageError("The message has no recipients: set `to`, `cc` or `bcc`", "to");
  }
  // No client is created: amazonSes() only makes one when a request is sent.
  const payload = await amazonSes({ configurationSetName: options.configurationSetName }).buildPayload(
    normalized,
    strict,
  );
  return {
    dryRun: true,
    operation: payload.operation,
    requests: payload.operation === "SendEmail" ? [payload.input] : payload.inputs,
  };
}

/**
 * JSON text for a dry run: the raw MIME (`Content.Raw.Data`) as text, other bytes (template
 * attachments) as base64, the way the SDK puts them on the wire.
 *
 * @example
 * ```ts
 * io.out(dryRunJson(plan));
 * ```
 */
export function dryRunJson(plan: DryRunPlan): string {
  return JSON.stringify(
    plan,
    function (this: Record<string, unknown>, key: string, value: unknown) {
      // `this[key]` is the value before toJSON: a Buffer has already become {type, data} in `value`.
      const original = this[key];
      if (original instanceof Uint8Array) {
        const bytes = Buffer.from(original.buffer, original.byteOffset, original.byteLength);
        return key === "Data" ? bytes.toString("utf8") : bytes.toString("base64");
      }
      return value;
    },
    2,
  );
}
