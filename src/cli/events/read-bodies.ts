/**
 * Split `events parse` input into SNS bodies: one JSON document (an object, or an array of
 * bodies), or JSON lines (one body per line).
 *
 * @module
 */

/**
 * One input body, or why it could not be read.
 *
 * @example
 * ```ts
 * const body: InputBody = { where: "line 3", value: { Type: "Notification" } };
 * ```
 */
export type InputBody = { where: string; value: unknown } | { where: string; error: string };

/**
 * Split input text into bodies.
 *
 * @example
 * ```ts
 * splitBodies('{"Type":"Notification"}\n{"Type":"Notification"}').length; // 2
 * ```
 */
export function splitBodies(text: string, source: string): InputBody[] {
  const trimmed = text.trim();
  if (trimmed === "") {
    return [];
  }
  const whole = tryJson(trimmed);
  if (whole.ok) {
    if (Array.isArray(whole.value)) {
      return whole.value.map((value: unknown, i) => fromValue(value, `${source} item ${i + 1}`));
    }
    return [fromValue(whole.value, source)];
  }
  // Not one document: JSON lines (what a log of captured webhook bodies usually is).
  const bodies: InputBody[] = [];
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === "") {
      continue;
    }
    const where = `${source} line ${i + 1}`;
    const parsed = tryJson(line);
    bodies.push(parsed.ok ? fromValue(parsed.value, where) : { where, error: `not JSON: ${parsed.error}` });
  }
  return bodies;
}

/** A body may also arrive as a JSON string holding the HTTP body text (a captured raw body). */
function fromValue(value: unknown, where: string): InputBody {
  if (typeof value !== "string") {
    return { where, value };
  }
  const inner = tryJson(value);
  return inner.ok
    ? { where, value: inner.value }
    : { where, error: `a string that is not JSON: ${inner.error}` };
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}
