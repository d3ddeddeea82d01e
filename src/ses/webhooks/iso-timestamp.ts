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
