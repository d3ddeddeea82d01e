/**
 * A copy of an object without its `undefined` members, so an SES request holds only what was
 * set (the SDK would drop them too, but tests and `--dry-run` output read better without).
 *
 * @example
 * ```ts
 * compact({ a: 1, b: undefined }); // { a: 1 }
 * ```
 */
export function compact<T extends object>(input: T): T {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as T;
}
