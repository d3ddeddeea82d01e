import { SerializationError } from "../../errors";

/** RFC 5322 §2.1.1: lines SHOULD stay within 78 characters and MUST stay within 998. */
const SOFT_LIMIT = 78;
const HARD_LIMIT = 998;

/**
 * Fold a header at its spaces so every line stays within 78 columns where a space allows.
 * Folding inserts CRLF before an existing space, so unfolding gives back the exact value.
 * The result is the value only (the first line's length accounts for `Name: `).
 *
 * @throws SerializationError when a run without spaces cannot fit in 998 characters
 * @example
 * ```ts
 * foldAtSpaces("X-Metadata", '{"a": "…long…", "b": 2}'); // '{"a": "…long…",\r\n "b": 2}'
 * ```
 */
export function foldAtSpaces(name: string, value: string): string {
  const words = value.split(" ");
  const lines: string[] = [];
  let line = words[0] ?? "";
  let prefix = name.length + 2;
  for (const word of words.slice(1)) {
    // Never leave a whitespace-only line behind: RFC 5322 forbids it.
    if (prefix + line.length + 1 + word.length > SOFT_LIMIT && line.trim() !== "") {
      lines.push(line);
      prefix = 0;
      line = ` ${word}`;
    } else {
      line += ` ${word}`;
    }
  }
  lines.push(line);
  if (lines.some((text, i) => text.length + (i === 0 ? name.length + 2 : 0) > HARD_LIMIT)) {
    throw new SerializationError(
      `The ${name} header has a run of more than ${HARD_LIMIT} characters without a space, which no mail header can carry; shorten that value`,
    );
  }
  return lines.join("\r\n");
}
