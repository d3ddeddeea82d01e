/**
 * `npm run bench [scenario...]`: runs every scenario (or those named) and prints one JSON line
 * each: {"scenario","unit","ours","floor","ratio","n", ...}.
 */
// The SDK warns on Node 20 about future releases; that is not what a benchmark reports.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

import { runScenario } from "./harness";
import type { Scenario } from "./harness";
import { dedupeRedis } from "./scenarios/dedupe-redis";
import { inboundS3Large, inboundSns } from "./scenarios/inbound";
import { inboundHostile } from "./scenarios/inbound-hostile";
import { sesBulkBuild } from "./scenarios/ses-bulk";
import { sesSendBuild, sesSendRoundtrip } from "./scenarios/ses-send";
import { sqsConsume } from "./scenarios/sqs-consume";
import { suppressionCheckMemory, suppressionCheckRedis } from "./scenarios/suppression-check";
import { throttledSend } from "./scenarios/throttling";
import { snsVerify, trackingFanOut, trackingWebhook, trackingWebhookHttp } from "./scenarios/webhooks";

const scenarios: Scenario[] = [
  sesSendBuild,
  sesSendRoundtrip,
  sesBulkBuild,
  inboundSns,
  inboundS3Large,
  inboundHostile,
  trackingWebhook,
  trackingWebhookHttp,
  snsVerify,
  trackingFanOut,
  throttledSend,
  suppressionCheckMemory,
  suppressionCheckRedis,
  dedupeRedis,
  sqsConsume,
];

const wanted = process.argv.slice(2);
for (const scenario of scenarios) {
  if (wanted.length === 0 || wanted.includes(scenario.name)) {
    console.log(JSON.stringify(await runScenario(scenario)));
  }
}
