/**
 * Strict ISO 8601 timestamp parsing for the SNS envelope's `Timestamp`.
 *
 * @module
 */

// `Date.parse` is too lenient for untrusted input: it accepts "March 7, 2018", rolls
// "2018-02-30" over into March and reads zone-less times as local time. SNS always writes
// "2018-03-26T17:58:59.675Z"; accept that shape with any offset, and nothing looser.
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;

/**
 * Parse an ISO 8601 date-time with a zone (`Z` or `±hh:mm`) into a `Date`. Anything else —
 * missing, not a string, no zone, an impossible date such as February 30 — gives `undefined`,
 * so one odd timestamp never costs the event.
 *
 * @example
 * ```ts
 * parseIsoTimestamp("2018-03-26T17:58:59.675Z"); // Date 2018-03-26T17:58:59.675Z
 * parseIsoTimestamp("2018-03-26T19:58:59+02:00"); // Date 2018-03-26T17:58:59.000Z
 * parseIsoTimestamp("yesterday"); // undefined
 * ```
 */
export function parseIsoTimestamp(value: unknown): Date | undefined {
  if (typeof value !== "string") {
    return undefined;
  }
  if (value.length === 24) {
    const date = parseSnsShape(value);
    if (date !== null) {
      return date;
    }
  }
  const match = ISO_8601.exec(value);
  if (!match) {
    return undefined;
  }
  const [, y, mo, d, h, mi, s = "0", fraction = "", zulu, sign, oh = "0", om = "0"] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const offsetHours = Number(oh);
  const offsetMinutes = Number(om);
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) {
    return undefined;
  }
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0-99 to 1900-1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, Number(fraction.padEnd(3, "0").slice(0, 3)));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return undefined; // the calendar rolled over: the day does not exist
  }
  if (zulu === undefined) {
    const direction = sign === "-" ? -1 : 1;
    date.setTime(date.getTime() - direction * (offsetHours * 60 + offsetMinutes) * 60_000);
  }
  return date;
}

/**
 * The shape SNS and SES always write, `2018-03-26T17:58:59.675Z`, read digit by digit: the same
 * result as the general path for these strings, without a regular expression match and its
 * eleven substrings on every notification. `null` when `value` is not exactly that shape (or its
 * year is below 100, which `Date.UTC` reads as 19xx): the general path decides then.
 */
function parseSnsShape(value: string): Date | undefined | null {
  if (
    value.charCodeAt(4) !== 0x2d || // -
    value.charCodeAt(7) !== 0x2d ||
    value.charCodeAt(10) !== 0x54 || // T
    value.charCodeAt(13) !== 0x3a || // :
    value.charCodeAt(16) !== 0x3a ||
    value.charCodeAt(19) !== 0x2e || // .
    value.charCodeAt(23) !== 0x5a // Z
  ) {
    return null;
  }
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  const hour = digits(value, 11, 2);
  const minute = digits(value, 14, 2);
  const second = digits(value, 17, 2);
  const millis = digits(value, 20, 3);
  if (year < 100 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 || millis < 0) {
    return null;
  }
  if (hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return undefined; // the calendar rolled over: the day does not exist
  }
  return date;
}

/** The decimal number written by `length` ASCII digits from `start`; -1 if one is not a digit. */
function digits(value: string, start: number, length: number): number {
  let n = 0;
  for (let i = start; i < start + length; i++) {
    const d = value.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) {
      return -1;
    }
    n = n * 10 + d;
  }
  return n;
}
