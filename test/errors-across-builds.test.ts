/**
 * The ESM and CommonJS builds of the package loaded in one process (an ESM app with a CommonJS
 * dependency that also uses Mailroom): an error thrown by one build is an instance of the other
 * build's classes, and `isMailroomError` from either recognises both. Runs on the built output
 * (`npm test` builds first; alone: `npx tsup`).
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

const script = `
import { createRequire } from "node:module";
const esm = await import("mailroom-ses");
const cjs = createRequire(process.cwd() + "/package.json")("mailroom-ses");
const fromCjs = new cjs.ApiError("SES said no", { awsCode: "MessageRejected" });
const fromEsm = new esm.ConfigurationError("wired wrongly");
console.log(JSON.stringify({
  distinctClasses: esm.MailroomError !== cjs.MailroomError,
  cjsErrorIsEsmApiError: fromCjs instanceof esm.ApiError,
  cjsErrorIsEsmMailroomError: fromCjs instanceof esm.MailroomError,
  cjsErrorIsEsmConfigurationError: fromCjs instanceof esm.ConfigurationError,
  esmErrorIsCjsConfigurationError: fromEsm instanceof cjs.ConfigurationError,
  esmErrorIsCjsMailroomError: fromEsm instanceof cjs.MailroomError,
  esmErrorIsCjsApiError: fromEsm instanceof cjs.ApiError,
  esmGuardOnCjs: esm.isMailroomError(fromCjs, "api_error"),
  cjsGuardOnEsm: cjs.isMailroomError(fromEsm, "configuration_error"),
  guardOnPlainError: esm.isMailroomError(new Error("x")) || cjs.isMailroomError(new Error("x")),
}));
`;

describe("MailroomError across the ESM and CJS builds", () => {
  it("instanceof and isMailroomError work across the two builds in one process", () => {
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: root,
      encoding: "utf8",
    });
    expect(JSON.parse(out)).toEqual({
      distinctClasses: true,
      cjsErrorIsEsmApiError: true,
      cjsErrorIsEsmMailroomError: true,
      cjsErrorIsEsmConfigurationError: false,
      esmErrorIsCjsConfigurationError: true,
      esmErrorIsCjsMailroomError: true,
      esmErrorIsCjsApiError: false,
      esmGuardOnCjs: true,
      cjsGuardOnEsm: true,
      guardOnPlainError: false,
    });
  });
});
