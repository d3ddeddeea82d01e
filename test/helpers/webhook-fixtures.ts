/** SNS `Message`s from the fixture files, for webhook tests that need real SES payloads. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const fixtures = fileURLToPath(new URL("../fixtures/", import.meta.url));

/** The `Message` of the SNS body in test/fixtures/<path>.json. */
export function fixtureMessage(path: string): string {
  const body = JSON.parse(readFileSync(`${fixtures}${path}.json`, "utf8")) as { Message: string };
  return body.Message;
}
