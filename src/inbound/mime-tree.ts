/**
 * Splitting raw MIME bytes into a tree of parts, in one pass over the lines, without copying:
 * each part records where its headers and body are in the input. Bodies of leaves are exactly
 * the bytes between their header block and the line break that belongs to the next boundary
 * delimiter (RFC 2046 §5.1.1). Attached messages (`message/rfc822`) are leaves: they are split
 * only when someone asks for them.
 *
 * @module
 */
import type { HeaderEntry } from "./header-map";
import { parseHeaderBlock } from "./header-block";
import { parseStructuredValue } from "./header-params";
import type { WorkBudget } from "./work-budget";

const LF = 0x0a;
const CR = 0x0d;
const DASH = 0x2d;
// RFC 2046 caps boundaries at 70 characters; lines much longer than that are never compared.
const MAX_BOUNDARY_LENGTH = 200;

/**
 * One MIME part: where it is in the input, and its content headers, read.
 *
 * @example
 * ```ts
 * const body = raw.subarray(part.bodyStart, part.bodyEnd);
 * ```
 */
export interface MimePart {
  /** The part's header lines, unfolded, in order. */
  headers: HeaderEntry[];
  /** The lower-cased media type, defaulted as RFC 2046 says (`message/rfc822` in a digest). */
  contentType: string;
  /** The Content-Type parameters. */
  contentTypeParams: ReadonlyMap<string, string>;
  /** The Content-Transfer-Encoding, lower-cased; `undefined` when absent. */
  transferEncoding: string | undefined;
  /** The lower-cased Content-Disposition token; `undefined` when absent. */
  disposition: string | undefined;
  /** The Content-Disposition parameters. */
  dispositionParams: ReadonlyMap<string, string>;
  /** The multipart subtype (`mixed`, `alternative`…) when the part was split; else `undefined`. */
  multipart: string | undefined;
  /** The parts of a multipart, in order. */
  children: MimePart[];
  /** The enclosing multipart; `undefined` for the root. */
  parent: MimePart | undefined;
  /** Offset of the first header byte. */
  headerStart: number;
  /** Offset of the first body byte. */
  bodyStart: number;
  /** Offset after the last body byte (-1 while the part is still open). */
  bodyEnd: number;
}

function newPart(parent: MimePart | undefined, headerStart: number): MimePart {
  const inDigest = parent?.multipart === "digest";
  return {
    headers: [],
    contentType: inDigest ? "message/rfc822" : "text/plain",
    contentTypeParams: new Map(),
    transferEncoding: undefined,
    disposition: undefined,
    dispositionParams: new Map(),
    multipart: undefined,
    children: [],
    parent,
    headerStart,
    bodyStart: -1,
    bodyEnd: -1,
  };
}

function firstHeader(headers: readonly HeaderEntry[], name: string): string | undefined {
  for (const [key, value] of headers) {
    if (key.toLowerCase() === name) {
      return value;
    }
  }
  return undefined;
}

/** Encodings under which a multipart's body is its lines as they are, so it can be split. */
const SPLITTABLE = new Set([undefined, "7bit", "8bit", "binary"]);

function latin1(raw: Uint8Array, start: number, end: number): string {
  let text = "";
  for (let i = start; i < end; i += 1) {
    text += String.fromCharCode(raw[i] as number);
  }
  return text;
}

/** The boundary as the bytes a delimiter line carries (UTF-8), one char per byte. */
function boundaryKey(boundary: string): string {
  const bytes = new TextEncoder().encode(boundary);
  return latin1(bytes, 0, bytes.length);
}

class Splitter {
  readonly root: MimePart;
  #current: MimePart;
  #inHeader = true;
  // Open multiparts, outermost first; and boundary key → those using it, innermost last.
  readonly #open: MimePart[] = [];
  readonly #byBoundary = new Map<string, MimePart[]>();
  readonly #depth = new Map<MimePart, number>();
  #longestBoundary = 0;

  constructor(
    private readonly raw: Uint8Array,
    private readonly budget: WorkBudget,
  ) {
    budget.addPart();
    this.root = newPart(undefined, 0);
    this.#current = this.root;
  }

  split(): MimePart {
    const raw = this.raw;
    let pos = 0;
    while (pos < raw.length) {
      const lf = raw.indexOf(LF, pos);
      const lineEnd = lf === -1 ? raw.length : lf;
      const next = lf === -1 ? raw.length : lf + 1;
      const contentEnd = lineEnd > pos && raw[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
      if (
        this.#open.length > 0 &&
        raw[pos] === DASH &&
        raw[pos + 1] === DASH &&
        this.#delimiter(pos, contentEnd, next)
      ) {
        pos = next;
        continue;
      }
      if (this.#inHeader) {
        if (contentEnd === pos) {
          this.#endHeaders(this.#current, pos, next);
        } else {
          // An unterminated header block costs as much as a terminated one.
          this.budget.checkHeaderRun(next - this.#current.headerStart);
        }
      }
      pos = next;
    }
    if (this.#inHeader) {
      this.#endHeaders(this.#current, raw.length, raw.length);
    }
    // What is still open was cut off: it runs to the end of the input.
    for (let part: MimePart | undefined = this.#current; part !== undefined; part = part.parent) {
      if (part.bodyEnd === -1) {
        part.bodyEnd = raw.length;
      }
    }
    return this.root;
  }

  /** Handle a line starting with `--`; false when it is not a delimiter of an open multipart. */
  #delimiter(pos: number, contentEnd: number, next: number): boolean {
    let end = contentEnd;
    while (end > pos && (this.raw[end - 1] === 0x20 || this.raw[end - 1] === 0x09)) {
      end -= 1;
    }
    if (end - pos - 2 > this.#longestBoundary + 2) {
      return false;
    }
    const candidate = latin1(this.raw, pos + 2, end);
    let owner = this.#byBoundary.get(candidate)?.at(-1);
    let close = false;
    if (owner === undefined && candidate.endsWith("--")) {
      owner = this.#byBoundary.get(candidate.slice(0, -2))?.at(-1);
      close = true;
    }
    if (owner === undefined) {
      return false;
    }
    // The line break before the delimiter belongs to the delimiter, not to the part before it.
    let before = pos;
    if (before >= 1 && this.raw[before - 1] === LF) {
      before -= before >= 2 && this.raw[before - 2] === CR ? 2 : 1;
    }
    this.#endUpTo(owner, before);
    if (close) {
      this.#closeMultipart(owner);
      this.#current = owner; // what follows is the epilogue, which belongs to no part
      this.#inHeader = false;
    } else {
      this.budget.addPart();
      const child = newPart(owner, next);
      owner.children.push(child);
      this.#current = child;
      this.#inHeader = true;
    }
    return true;
  }

  /** End the current part and every open part between it and `owner` at `end`. */
  #endUpTo(owner: MimePart, end: number): void {
    for (let part = this.#current; part !== owner; part = part.parent as MimePart) {
      if (part === this.#current && this.#inHeader) {
        this.#endHeaders(part, Math.max(part.headerStart, end), Math.max(part.headerStart, end));
      }
      if (part.bodyEnd === -1) {
        part.bodyEnd = Math.max(part.bodyStart, end);
      }
      if (part.multipart !== undefined && this.#open.includes(part)) {
        this.#closeMultipart(part);
      }
    }
  }

  #closeMultipart(part: MimePart): void {
    const index = this.#open.lastIndexOf(part);
    if (index !== -1) {
      this.#open.splice(index, 1);
    }
    const key = boundaryKey(part.contentTypeParams.get("boundary") ?? "");
    const owners = this.#byBoundary.get(key);
    owners?.splice(owners.lastIndexOf(part), 1);
    if (owners?.length === 0) {
      this.#byBoundary.delete(key);
    }
  }

  #endHeaders(part: MimePart, headerEnd: number, bodyStart: number): void {
    this.#inHeader = false;
    this.budget.addHeaderBytes(headerEnd - part.headerStart);
    part.headers = parseHeaderBlock(this.raw.subarray(part.headerStart, headerEnd));
    part.bodyStart = bodyStart;
    const type = firstHeader(part.headers, "content-type");
    if (type !== undefined) {
      const parsed = parseStructuredValue(type);
      // A value without a slash is no media type: keep the default, but read its parameters.
      if (/^[^/\s]+\/[^/\s]+$/.test(parsed.value)) {
        part.contentType = parsed.value;
      }
      part.contentTypeParams = parsed.params;
    }
    part.transferEncoding = firstHeader(part.headers, "content-transfer-encoding")?.trim().toLowerCase();
    const disposition = firstHeader(part.headers, "content-disposition");
    if (disposition !== undefined) {
      const parsed = parseStructuredValue(disposition);
      part.disposition = parsed.value === "" ? undefined : parsed.value;
      part.dispositionParams = parsed.params;
    }
    const boundary = part.contentTypeParams.get("boundary") ?? "";
    if (
      part.contentType.startsWith("multipart/") &&
      boundary !== "" &&
      boundary.length <= MAX_BOUNDARY_LENGTH &&
      SPLITTABLE.has(part.transferEncoding)
    ) {
      const depth = (part.parent === undefined ? 0 : (this.#depth.get(part.parent) ?? 0)) + 1;
      this.budget.checkDepth(depth);
      this.#depth.set(part, depth);
      part.multipart = part.contentType.slice("multipart/".length);
      const key = boundaryKey(boundary);
      this.#open.push(part);
      const owners = this.#byBoundary.get(key) ?? [];
      owners.push(part);
      this.#byBoundary.set(key, owners);
      this.#longestBoundary = Math.max(this.#longestBoundary, key.length);
    }
  }
}

/**
 * Split `raw` into its MIME tree, within `budget`.
 *
 * @throws InboundParseError when the message is over the budget
 * @example
 * ```ts
 * const root = splitMime(raw, new WorkBudget(raw.byteLength, new AttachedParseBudget()));
 * root.children.map((part) => part.contentType); // ["multipart/alternative", "application/pdf"]
 * ```
 */
export function splitMime(raw: Uint8Array, budget: WorkBudget): MimePart {
  return new Splitter(raw, budget).split();
}
