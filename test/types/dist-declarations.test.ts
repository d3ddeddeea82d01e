/**
 * The published declarations (dist/*.d.ts for ESM, dist/*.d.cts for CommonJS) as a user's
 * compiler sees them with `"module": "NodeNext"`: `isMailroomError` and `instanceof` narrow in
 * both, and an error typed by one build passes the other build's guard. Runs on the built output
 * (`npm test` builds first; alone: `npx tsup`).
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const outDir = join(root, ".tmp", "dist-declarations");

const esmConsumer = `
import { createRequire } from "node:module";
import { ApiError, MailroomError, isMailroomError, type ErrorCode } from "mailroom-ses";

type Cjs = typeof import("mailroom-ses", { with: { "resolution-mode": "require" } });
const cjs = createRequire(import.meta.url)("mailroom-ses") as Cjs;

const fromCjs: unknown = new cjs.ApiError("SES said no");
if (isMailroomError(fromCjs, "api_error")) {
  const code: "api_error" = fromCjs.code;
  void code;
}
if (fromCjs instanceof ApiError) {
  const code: "api_error" = fromCjs.code;
  const aws: string | undefined = fromCjs.awsCode;
  void [code, aws];
}
if (cjs.isMailroomError(fromCjs)) {
  const asEsm: MailroomError = fromCjs;
  const code: ErrorCode = asEsm.code;
  void code;
}
// @ts-expect-error not an error code
isMailroomError(fromCjs, "api-error");
`;

const cjsConsumer = `
import mailroom = require("mailroom-ses");

declare const caught: unknown;
if (mailroom.isMailroomError(caught, "configuration_error")) {
  const code: "configuration_error" = caught.code;
  void code;
}
if (caught instanceof mailroom.WebhookValidationError) {
  const status: number = caught.httpStatus;
  const code: "webhook_validation" = caught.code;
  void [status, code];
}
`;

describe("published declarations, ESM and CJS", () => {
  it("narrow with isMailroomError and instanceof in both module systems", () => {
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    const files = [join(outDir, "consumer.mts"), join(outDir, "consumer.cts")];
    writeFileSync(files[0] as string, `${esmConsumer}\nexport {};\n`);
    writeFileSync(files[1] as string, cjsConsumer);
    const program = ts.createProgram(files, {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: ["node"],
      typeRoots: [join(root, "node_modules", "@types")],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file !== undefined && files.includes(d.file.fileName))
      .map((d) => {
        const file = d.file as ts.SourceFile;
        const { line } = file.getLineAndCharacterOfPosition(d.start ?? 0);
        return `${file.fileName.slice(outDir.length + 1)}:${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
      });
    expect(problems).toEqual([]);
    // The consumers really did resolve the built declarations, one per module system.
    const resolved = program.getSourceFiles().map((f) => f.fileName);
    expect(resolved).toContain(join(root, "dist", "index.d.ts"));
    expect(resolved).toContain(join(root, "dist", "index.d.cts"));
  }, 60_000);
});
