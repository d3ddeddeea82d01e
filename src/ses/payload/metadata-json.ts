import { SerializationError } from "../../errors";

const HINT = "Don't know how to send this data to Amazon SES. Try converting it to a string or number first.";

// Deeper than this, leave cycle detection to JSON.stringify (it names the cycle).
const MAX_CHECK_DEPTH = 64;

/**
 * Refuse what JSON.stringify would silently turn into null or drop (NaN, functions, symbols).
 * A plain walk: a JSON.stringify replacer does the same but costs a native-to-JS call per value.
 */
function assertJsonSafe(value: unknown, path: string, depth: number): void {
  switch (typeof value) {
    case "number":
      if (!Number.isFinite(value)) {
        throw new SerializationError(`${HINT}\n${path} is ${value}, which JSON cannot represent`);
      }
      return;
    case "function":
    case "symbol":
      throw new SerializationError(`${HINT}\n${path} is a ${typeof value}, which is not JSON serializable`);
    case "object":
      if (
        value === null ||
        depth >= MAX_CHECK_DEPTH ||
        typeof (value as { toJSON?: unknown }).toJSON === "function"
      ) {
        return;
      }
      if (Array.isArray(value)) {
        value.forEach((item, i) => assertJsonSafe(item, `${path}[${i}]`, depth + 1));
      } else {
        for (const key in value) {
          if (Object.hasOwn(value, key)) {
            assertJsonSafe((value as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
          }
        }
      }
      return;
    default:
      return;
  }
}

function stringify(value: unknown, what: string): string {
  assertJsonSafe(value, what, 0);
  try {
    return JSON.stringify(value) ?? "null";
  } catch (err) {
    // BigInt values and cycles: JSON.stringify's own TypeError says which.
    throw new SerializationError(`${HINT}\n${what}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Serialize template data (SES TemplateData / ReplacementTemplateData) as JSON. It travels in the
 * API request, not in a header, so Unicode stays as it is and no spacing is added.
 *
 * @throws SerializationError for values JSON cannot hold (BigInt, functions, NaN, cycles)
 * @example
 * ```ts
 * toTemplateJson({ name: "Zoë" }, "mergeData"); // '{"name":"Zoë"}'
 * ```
 */
export function toTemplateJson(value: unknown, what: string): string {
  return stringify(value, what);
}

/**
 * Add a space after every `,` and `:` that is not inside a string, and escape non-ASCII as
 * \uXXXX (astral characters as surrogate pairs), exactly like Python's json.dumps defaults.
 */
function pythonStyle(json: string): string {
  let out = "";
  let start = 0;
  let inString = false;
  for (let i = 0; i < json.length; i += 1) {
    const code = json.charCodeAt(i);
    if (inString) {
      if (code === 0x5c) {
        i += 1; // skip the escaped character
      } else if (code === 0x22) {
        inString = false;
      }
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x2c || code === 0x3a) {
      out += `${json.slice(start, i + 1)} `;
      start = i + 1;
    }
  }
  out += json.slice(start);
  return out.replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
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
  return pythonStyle(stringify(value, what));
}
