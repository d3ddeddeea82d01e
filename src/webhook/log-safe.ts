/**
 * Making request-derived text safe for a log line: a value an attacker chose must not start a
 * new line (forging an entry) or send terminal escape sequences to whoever reads the log.
 *
 * @module
 */

// C0, DEL, C1 and the Unicode line and paragraph separators.
// eslint-disable-next-line no-control-regex -- the point is to find control characters
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * `value` with every control character (CR, LF, ESC, NEL, U+2028…) written as a `\u` escape;
 * `undefined` stays `undefined`.
 *
 * @example
 * ```ts
 * logSafe("arn:aws:sns:us-east-1:1:t\r\nFAKE"); // "arn:aws:sns:us-east-1:1:t\\u000d\\u000aFAKE"
 * ```
 */
export function logSafe<T extends string | undefined>(value: T): T {
  if (value === undefined || !UNSAFE.test(value)) {
    UNSAFE.lastIndex = 0;
    return value;
  }
  UNSAFE.lastIndex = 0;
  return value.replace(UNSAFE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`) as T;
}
