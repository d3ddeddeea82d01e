/**
 * Every declaration a user can reach through the package's entry points is documented: each
 * export has JSDoc with an `@example`, and every public member of an exported interface, class or object type
 * (fields, methods, accessors, the members of each variant of a union) has at least a one-line
 * JSDoc, so editors show help on `EmailMessage.to` as well as on `EmailMessage`.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import ts from "typescript";
import { describe, expect, it } from "vitest";

import tsupConfig from "../tsup.config";

const root = fileURLToPath(new URL("..", import.meta.url));

/** The package's public entry points (tsup's entries, without the CLI's composition root). */
function entryFiles(): string[] {
  const config = (Array.isArray(tsupConfig) ? tsupConfig[0] : tsupConfig) as {
    entry: Record<string, string>;
  };
  return Object.entries(config.entry)
    .filter(([name]) => !name.startsWith("cli/"))
    .map(([, file]) => join(root, file));
}

function where(node: ts.Node): string {
  const file = node.getSourceFile();
  const { line } = file.getLineAndCharacterOfPosition(node.getStart());
  return `${file.fileName.slice(root.length)}:${line + 1}`;
}

function hasJsDoc(node: ts.Node): boolean {
  return ts.getJSDocCommentsAndTags(node).length > 0;
}

function hasExample(node: ts.Node): boolean {
  return ts.getJSDocTags(node).some((tag) => tag.tagName.text === "example");
}

function isPublicMember(member: ts.Node): boolean {
  if (
    ts.isIndexSignatureDeclaration(member) ||
    ts.isConstructorDeclaration(member) ||
    ts.isClassStaticBlockDeclaration(member) ||
    ts.isSemicolonClassElement(member)
  ) {
    return false;
  }
  const modifiers = ts.canHaveModifiers(member) ? (ts.getModifiers(member) ?? []) : [];
  if (
    modifiers.some(
      (m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword,
    )
  ) {
    return false;
  }
  const name = (member as { name?: ts.Node }).name;
  return name === undefined || !ts.isPrivateIdentifier(name);
}

/** `owner.member` for every public member without JSDoc. */
function undocumentedMembers(owner: string, members: readonly ts.Node[]): string[] {
  return members
    .filter((member) => isPublicMember(member) && !hasJsDoc(member))
    .map(
      (member) =>
        `${where(member)} ${owner}.${(member as { name?: ts.Node }).name?.getText() ?? "(signature)"}`,
    );
}

/** The object-type members of a type alias: its literal, or each literal of a union or intersection. */
function typeMembers(owner: string, type: ts.TypeNode): string[] {
  if (ts.isTypeLiteralNode(type)) {
    return undocumentedMembers(owner, type.members);
  }
  if (ts.isUnionTypeNode(type) || ts.isIntersectionTypeNode(type)) {
    return type.types.flatMap((t) => typeMembers(owner, t));
  }
  return ts.isParenthesizedTypeNode(type) ? typeMembers(owner, type.type) : [];
}

function audit(): { exports: string[]; members: string[]; checked: number } {
  const program = ts.createProgram(entryFiles(), {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Preserve,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ["node"],
    typeRoots: [join(root, "node_modules", "@types")],
  });
  const checker = program.getTypeChecker();
  const exports: string[] = [];
  const members: string[] = [];
  const seen = new Set<ts.Symbol>();
  for (const entry of entryFiles()) {
    const source = program.getSourceFile(entry);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (moduleSymbol === undefined) {
      throw new Error(`cannot read the entry point ${entry}`);
    }
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declarations = (symbol.declarations ?? []).filter(
        (d) => d.getSourceFile().fileName.startsWith(join(root, "src")) && !ts.isSourceFile(d),
      );
      if (seen.has(symbol) || declarations.length === 0) {
        continue;
      }
      seen.add(symbol);
      // A function's overloads share one symbol: one documented declaration documents it, as
      // editors show it. A value and a type of the same name (`EventType`) each need their own.
      const nodes = declarations.map((d) => (ts.isVariableDeclaration(d) ? d.parent.parent : d));
      const functions = nodes.filter(ts.isFunctionDeclaration);
      const others = nodes.filter((n) => !ts.isFunctionDeclaration(n));
      if (functions.length > 0 && !functions.some((f) => hasJsDoc(f) && hasExample(f))) {
        exports.push(`${where(functions[0] as ts.Node)} ${symbol.name}`);
      }
      for (const node of others.filter((n) => !hasJsDoc(n) || !hasExample(n))) {
        exports.push(`${where(node)} ${symbol.name}`);
      }
      for (const d of declarations) {
        if (ts.isInterfaceDeclaration(d) || ts.isClassDeclaration(d)) {
          members.push(...undocumentedMembers(symbol.name, d.members));
        } else if (ts.isTypeAliasDeclaration(d)) {
          members.push(...typeMembers(symbol.name, d.type));
        }
      }
    }
  }
  return { exports, members, checked: seen.size };
}

describe("JSDoc coverage of the public API", () => {
  const result = audit();

  it("reads every entry point's exports", () => {
    expect(result.checked).toBeGreaterThan(100);
  });

  it("documents every export, with an @example", () => {
    expect(result.exports).toEqual([]);
  });

  it("documents every public member of exported interfaces, classes and object types", () => {
    expect(result.members).toEqual([]);
  });
});
