import { SerializationError } from "../../errors";

const HINT = "Don't know how to send this data to Amazon SES. Try converting it to a string or number first.";

function escapeNonAscii(json: string): string {
  // Keep the header 7-bit: every non-ASCII UTF-16 unit becomes \uXXXX (astral characters turn
  // into surrogate pairs), exactly like Python's json.dumps(ensure_ascii=True).
  return json.replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function serialize(value: unknown, path: string, seen: Set<object>): string | undefined {
  if (
    value !== null &&
    typeof value === "object" &&
    typeof (value as { toJSON?: unknown }).toJSON === "function"
  ) {
    return serialize((value as { toJSON(): unknown }).toJSON(), path, seen);
  }
  switch (typeof value) {
    case "string":
      return escapeNonAscii(JSON.stringify(value));
    case "boolean":
      return String(value);
    case "number":
      if (!Number.isFinite(value)) {
        throw new SerializationError(`${HINT}\n${path} is ${value}, which JSON cannot represent`);
      }
      return JSON.stringify(value);
    case "undefined":
      return undefined;
    case "object":
      break;
    default:
      throw new SerializationError(`${HINT}\n${path} is a ${typeof value}, which is not JSON serializable`);
  }
  if (value === null) {
    return "null";
  }
  if (seen.has(value)) {
    throw new SerializationError(`${HINT}\n${path} refers to itself (a cycle)`);
  }
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      return `[${value.map((item, i) => serialize(item, `${path}[${i}]`, seen) ?? "null").join(", ")}]`;
    }
    const members: string[] = [];
    for (const [key, item] of Object.entries(value)) {
      const text = serialize(item, `${path}.${key}`, seen);
      if (text !== undefined) {
        members.push(`${escapeNonAscii(JSON.stringify(key))}: ${text}`);
      }
    }
    return `{${members.join(", ")}}`;
  } finally {
    seen.delete(value);
  }
}

/**
 * Serialize metadata or template data as plain-ASCII JSON with a space after `,` and `:`
 * (the format Anymail writes, so either library's events parse the other's mail, and so a long
 * value can be folded at a space).
 *
 * @param what - names the value in errors, e.g. "metadata"
 * @throws SerializationError for values JSON cannot hold (BigInt, functions, NaN, cycles)
 * @example
 * ```ts
 * toAsciiJson({ a: "ü", n: 1 }); // '{"a": "\\u00fc", "n": 1}'
 * ```
 */
export function toAsciiJson(value: unknown, what = "metadata"): string {
  return serialize(value, what, new Set()) ?? "null";
}
