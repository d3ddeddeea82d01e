import { normalizeMessage } from "../../src/message/normalize";
import type { EmailMessage } from "../../src/message/types";
import { buildSendBulkEmailInputs } from "../../src/ses/payload/send-bulk-email";
import type { Scenario } from "../harness";

const COUNT = 10_000;
const to = Array.from({ length: COUNT }, (_, i) => `user${i}@example.com`);
const mergeData = Object.fromEntries(
  to.map((addr, i) => [addr, { name: `User ${i}`, code: `C${i}`, points: i }]),
);
const message: EmailMessage = {
  templateId: "welcome",
  from: "Shop <shop@example.com>",
  to,
  mergeData,
  mergeGlobalData: { site: "ExampleCo" },
};
const context = { unsupported: () => undefined };

/** The same 200 SendBulkEmail inputs written as plain object literals: nothing validated or encoded. */
function literals(): unknown[] {
  const inputs: unknown[] = [];
  for (let start = 0; start < COUNT; start += 50) {
    const entries = [];
    for (let i = start; i < Math.min(start + 50, COUNT); i += 1) {
      const addr = to[i] as string;
      entries.push({
        Destination: { ToAddresses: [addr] },
        ReplacementEmailContent: {
          ReplacementTemplate: { ReplacementTemplateData: JSON.stringify(mergeData[addr]) },
        },
      });
    }
    inputs.push({
      FromEmailAddress: "Shop <shop@example.com>",
      DefaultContent: {
        Template: { TemplateName: "welcome", TemplateData: JSON.stringify(message.mergeGlobalData) },
      },
      BulkEmailEntries: entries,
    });
  }
  return inputs;
}

export const sesBulkBuild: Scenario = {
  name: "ses-bulk-build",
  unit: "messages/s (10,000 recipients each)",
  extra: { recipients: COUNT },
  ours: () => buildSendBulkEmailInputs(normalizeMessage(message), {}, context),
  floor: literals,
};
