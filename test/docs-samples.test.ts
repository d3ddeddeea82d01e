/**
 * Every ```ts code sample in README.md and docs/*.md type-checks against the package, imported the
 * way a user imports it ("mailroom-ses", "mailroom-ses/testing", ...), so the docs cannot rot.
 *
 * Each sample is its own module (top-level await allowed); placeholders are written as
 * `declare const x: T;`, never `...`.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

import ts from "typescript";
import { describe, expect, it } from "vitest";

import tsupConfig from "../tsup.config";

const root = fileURLToPath(new URL("..", import.meta.url));
const outDir = join(root, ".tmp", "doc-samples");

interface Sample {
  /** Where the sample stands, e.g. "docs/tracking.md:42". */
  where: string;
  code: string;
}

/** The ```ts / ```typescript fenced blocks of one Markdown file, with their line numbers. */
function samplesOf(file: string): Sample[] {
  const lines = readFileSync(join(root, file), "utf8").split("\n");
  const samples: Sample[] = [];
  let start = -1;
  let body: string[] = [];
  for (const [index, line] of lines.entries()) {
    if (start < 0 && /^```(ts|typescript)\s*$/.test(line)) {
      start = index + 1;
      body = [];
    } else if (start >= 0 && /^```\s*$/.test(line)) {
      samples.push({ where: `${file}:${start}`, code: body.join("\n") });
      start = -1;
    } else if (start >= 0) {
      body.push(line);
    }
  }
  return samples;
}

/** The package's import specifiers mapped to their source files, from package.json and tsup's entries. */
function specifierPaths(): Record<string, string[]> {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    name: string;
    exports: Record<string, { import?: { default?: string } } | string>;
  };
  const config = (Array.isArray(tsupConfig) ? tsupConfig[0] : tsupConfig) as {
    entry: Record<string, string>;
  };
  const paths: Record<string, string[]> = {};
  for (const [key, target] of Object.entries(pkg.exports)) {
    if (typeof target === "string") {
      continue;
    }
    const dist = target.import?.default;
    const entry = dist?.replace(/^\.\/dist\//, "").replace(/\.js$/, "");
    const source = entry === undefined ? undefined : config.entry[entry];
    if (source !== undefined) {
      const specifier = key === "." ? pkg.name : `${pkg.name}/${key.slice(2)}`;
      paths[specifier] = [join(root, source)];
    }
  }
  return paths;
}

const markdownFiles = [
  "README.md",
  ...readdirSync(join(root, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`),
];
const samples = markdownFiles.flatMap(samplesOf);

describe("code samples in README.md and docs/", () => {
  it("finds the samples (the docs have some)", () => {
    expect(samples.length).toBeGreaterThan(10);
  });

  it("every ```ts sample type-checks against the package", () => {
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    const files = samples.map((sample, index) => {
      const file = join(outDir, `sample-${index}.ts`);
      // `export {}` makes every sample a module: its names stay its own, and top-level await works.
      writeFileSync(file, `${sample.code}\nexport {};\n`);
      return { file, sample };
    });
    const program = ts.createProgram(
      files.map(({ file }) => file),
      {
        target: ts.ScriptTarget.ES2022,
        lib: ["lib.es2023.d.ts", "lib.dom.d.ts"],
        module: ts.ModuleKind.Preserve,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        types: ["node"],
        typeRoots: [join(root, "node_modules", "@types")],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        esModuleInterop: true,
        allowImportingTsExtensions: false,
        baseUrl: root,
        paths: specifierPaths(),
      },
    );
    const byFile = new Map(files.map(({ file, sample }) => [file, sample.where]));
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((diagnostic) => diagnostic.file !== undefined && byFile.has(diagnostic.file.fileName))
      .map((diagnostic) => {
        const file = diagnostic.file as ts.SourceFile;
        const { line } = file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
        const [name, start] = (byFile.get(file.fileName) ?? "?:0").split(":");
        const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
        return `${name}:${Number(start) + line + 1}: ${message}`;
      });
    expect(problems, `in ${relative(root, outDir)}`).toEqual([]);
  }, 120_000);
});
