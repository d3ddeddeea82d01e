/**
 * Small helpers for calling AWS from the setup commands: typed `send`, error-name checks, and
 * paging through list APIs.
 *
 * @module
 */
import type { AwsClientLike } from "../deps";

/**
 * Send a command and type its output (the SDK's `send` is generic only on a real client).
 *
 * @example
 * ```ts
 * const out = await call<ListTopicsCommandOutput>(sns, new ListTopicsCommand({}));
 * ```
 */
export async function call<Output>(client: AwsClientLike, command: object): Promise<Output> {
  return (await client.send(command)) as Output;
}

/**
 * True when `err` is an AWS error with one of these names.
 *
 * @example
 * ```ts
 * if (isAwsError(err, "NotFoundException")) return undefined;
 * ```
 */
export function isAwsError(err: unknown, ...names: string[]): boolean {
  return err instanceof Error && names.includes(err.name);
}

/**
 * Collect every item of a paged list API (NextToken style).
 *
 * @example
 * ```ts
 * const topics = await allPages(async (token) => {
 *   const out = await call<ListTopicsCommandOutput>(sns, new ListTopicsCommand({ NextToken: token }));
 *   return { items: out.Topics ?? [], next: out.NextToken };
 * });
 * ```
 */
export async function allPages<Item>(
  page: (token: string | undefined) => Promise<{ items: Item[]; next: string | undefined }>,
): Promise<Item[]> {
  const items: Item[] = [];
  let token: string | undefined;
  // A bound on pages: a misbehaving endpoint returning the same token must not loop forever.
  for (let pages = 0; pages < 1000; pages += 1) {
    const result = await page(token);
    items.push(...result.items);
    if (result.next === undefined || result.next === "") {
      return items;
    }
    token = result.next;
  }
  return items;
}

/**
 * A stable JSON form for comparing what AWS returned with what we want: keys sorted,
 * undefined dropped.
 *
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: [2] }) === canonicalJson({ a: [2], b: 1 }); // true
 * ```
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner !== null && typeof inner === "object" && !Array.isArray(inner)) {
      const sorted: Record<string, unknown> = {};
      for (const key of Object.keys(inner).sort()) {
        sorted[key] = (inner as Record<string, unknown>)[key];
      }
      return sorted;
    }
    return inner;
  });
}
