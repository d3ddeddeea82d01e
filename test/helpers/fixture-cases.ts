import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The SNS HTTP body fields the fixture tests read. */
export interface SnsFixtureBody {
  Type: string;
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  SignatureVersion: string;
}

/**
 * The cases of a fixture folder (`test/fixtures/<folder>/<case>.json` next to
 * `<case>.expected.json`), sorted, and a reader for its JSON files. Adding a case = adding files.
 */
export function fixtureCases(folder: string): {
  dir: string;
  cases: string[];
  readJson(file: string): unknown;
} {
  const dir = fileURLToPath(new URL(`../fixtures/${folder}/`, import.meta.url));
  const cases = readdirSync(dir)
    .filter((name) => name.endsWith(".json") && !name.endsWith(".expected.json"))
    .map((name) => name.slice(0, -".json".length))
    .sort();
  return { dir, cases, readJson: (file) => JSON.parse(readFileSync(`${dir}${file}`, "utf8")) as unknown };
}
