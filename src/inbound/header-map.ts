/**
 * Case-insensitive, multi-valued access to the headers of a received message.
 *
 * @module
 */

/**
 * One header line: the name as the message spelled it and its unfolded value.
 *
 * @example
 * ```ts
 * const entry: HeaderEntry = ["Received", "from mx.example.org by inbound-smtp…"];
 * ```
 */
export type HeaderEntry = readonly [name: string, value: string];

/**
 * The headers of a message, in order, duplicates kept. Names match case-insensitively. Values
 * are unfolded but otherwise as the message wrote them: RFC 2047 encoded-words are not decoded
 * (the decoded Subject and addresses are on the message itself), so what the sender wrote can
 * always be inspected.
 *
 * @example
 * ```ts
 * const headers = new HeaderMap([["Received", "a"], ["Subject", "Hi"], ["received", "b"]]);
 * headers.get("SUBJECT"); // "Hi"
 * headers.getAll("Received"); // ["a", "b"]
 * [...headers]; // [["Received", "a"], ["Subject", "Hi"], ["received", "b"]]
 * ```
 */
export class HeaderMap implements Iterable<HeaderEntry> {
  readonly #entries: readonly HeaderEntry[];
  // Lower-cased name → values in order; built once so lookups stay O(1) on messages with
  // hundreds of Received or X- headers.
  readonly #byName = new Map<string, string[]>();

  constructor(entries: Iterable<HeaderEntry>) {
    const list: HeaderEntry[] = [];
    for (const [name, value] of entries) {
      list.push([name, value]);
      const key = name.toLowerCase();
      const values = this.#byName.get(key);
      if (values === undefined) {
        this.#byName.set(key, [value]);
      } else {
        values.push(value);
      }
    }
    this.#entries = list;
  }

  /** The number of header lines. */
  get size(): number {
    return this.#entries.length;
  }

  /**
   * The first value of a header, or `undefined` when the message has none.
   *
   * @example
   * ```ts
   * message.headers.get("message-id"); // "<abc@mail.example.org>"
   * ```
   */
  get(name: string): string | undefined {
    return this.#byName.get(name.toLowerCase())?.[0];
  }

  /**
   * Every value of a header, in message order (`[]` when none).
   *
   * @example
   * ```ts
   * message.headers.getAll("Received"); // newest hop first, as MTAs prepend them
   * ```
   */
  getAll(name: string): string[] {
    return [...(this.#byName.get(name.toLowerCase()) ?? [])];
  }

  /**
   * Whether the message has the header at least once.
   *
   * @example
   * ```ts
   * if (message.headers.has("List-Unsubscribe")) markAsBulk(message);
   * ```
   */
  has(name: string): boolean {
    return this.#byName.has(name.toLowerCase());
  }

  /**
   * Every header line in message order, names as the message spelled them.
   *
   * @example
   * ```ts
   * for (const [name, value] of message.headers) console.log(`${name}: ${value}`);
   * ```
   */
  [Symbol.iterator](): Iterator<HeaderEntry> {
    return this.#entries[Symbol.iterator]();
  }

  /** The header lines as `[name, value]` pairs (what `JSON.stringify` writes). */
  toJSON(): HeaderEntry[] {
    return [...this.#entries];
  }
}
