/**
 * Mailroom's version, sent to AWS in the user agent (`mailroom/<version>`). A test keeps it equal
 * to package.json's.
 *
 * @example
 * ```ts
 * import { VERSION } from "mailroom-ses";
 * ```
 */
export const VERSION = "0.1.0";
