/**
 * The bounded work of one parse (DESIGN §6, "bounded work"): every received message is untrusted,
 * so what parsing it may cost is fixed up front and proportional to its size. The limits are
 * constants, not options, so a caller forwarding untrusted options cannot lift them.
 *
 * @module
 */
import { InboundParseError, type InboundParseLimit } from "./parse-error";

/** MIME parts (multiparts and leaves) in one message, attached messages not counted. */
export const MAX_PARTS = 10_000;
/** Header bytes across every part of one message. */
export const MAX_HEADER_BYTES = 2 * 1024 * 1024;
/** How deep multiparts may nest inside one message. */
export const MAX_MULTIPART_DEPTH = 256;
/** How many attached emails deep `attachment.message` parses (deeper ones stay bytes). */
export const MAX_ATTACHED_DEPTH = 5;
/** How many attached emails one received message may have parsed, at every depth together. */
export const MAX_ATTACHED_PARSES = 1_000;
/** MIME parts of a received message and every attached message parsed from it, together. */
export const MAX_FAMILY_PARTS = 2 * MAX_PARTS;

/**
 * The budget shared by a received message and every attached message parsed from it. Each parse
 * counts its own parts, header bytes and decoded bytes; attached parses are counted family-wide.
 *
 * @example
 * ```ts
 * const family = new AttachedParseBudget();
 * const budget = new WorkBudget(raw.byteLength, family);
 * budget.addPart(); // throws InboundParseError past MAX_PARTS
 * ```
 */
export class AttachedParseBudget {
  /** Attached messages parsed so far in this family. */
  parsed = 0;
  /** MIME parts split so far in this family (attached messages' parts included). */
  parts = 0;

  /** Take one attached parse from the family budget; false when none is left. */
  take(): boolean {
    if (this.parsed >= MAX_ATTACHED_PARSES) {
      return false;
    }
    this.parsed += 1;
    return true;
  }
}

/**
 * The work one parse may do: counters checked as the splitter and decoders go.
 *
 * @example
 * ```ts
 * const budget = new WorkBudget(raw.byteLength, new AttachedParseBudget());
 * budget.addHeaderBytes(128);
 * ```
 */
export class WorkBudget {
  /** The family's attached-message budget. */
  readonly family: AttachedParseBudget;
  #parts = 0;
  #headerBytes = 0;
  #decodedBytes = 0;
  // Decoding only ever shrinks (base64, quoted-printable) or reuses bytes (7bit, 8bit, binary),
  // so more decoded bytes than the message has means a bug, never a legitimate message.
  readonly #maxDecodedBytes: number;

  constructor(inputBytes: number, family: AttachedParseBudget) {
    this.family = family;
    this.#maxDecodedBytes = inputBytes;
  }

  /** Count one more MIME part. */
  addPart(): void {
    this.#parts += 1;
    this.family.parts += 1;
    if (this.#parts > MAX_PARTS) {
      throw overBudget("parts", `more than ${MAX_PARTS} MIME parts`);
    }
    // Attached messages are parsed from the same bytes, so without a shared count a digest of
    // digests could make reading them all cost many times what the message is.
    if (this.family.parts > MAX_FAMILY_PARTS) {
      throw overBudget("parts", `more than ${MAX_FAMILY_PARTS} MIME parts with its attached messages`);
    }
  }

  /** Count the bytes of one header block. */
  addHeaderBytes(bytes: number): void {
    this.#headerBytes += bytes;
    if (this.#headerBytes > MAX_HEADER_BYTES) {
      throw overBudget("headerBytes", `more than ${MAX_HEADER_BYTES} bytes of headers`);
    }
  }

  /** Check a header block still being read (`bytes` so far) against what is left of the budget. */
  checkHeaderRun(bytes: number): void {
    if (this.#headerBytes + bytes > MAX_HEADER_BYTES) {
      throw overBudget("headerBytes", `more than ${MAX_HEADER_BYTES} bytes of headers`);
    }
  }

  /** Check a multipart's nesting depth. */
  checkDepth(depth: number): void {
    if (depth > MAX_MULTIPART_DEPTH) {
      throw overBudget("depth", `multiparts nested more than ${MAX_MULTIPART_DEPTH} deep`);
    }
  }

  /** Count the output of one transfer decoding. */
  addDecodedBytes(bytes: number): void {
    this.#decodedBytes += bytes;
    if (this.#decodedBytes > this.#maxDecodedBytes) {
      throw overBudget("decodedBytes", "more decoded bytes than the message has");
    }
  }
}

function overBudget(limit: InboundParseLimit, what: string): InboundParseError {
  return new InboundParseError(`Could not parse the inbound message: over the parsing budget (${what})`, {
    limit,
  });
}
