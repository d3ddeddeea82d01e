/**
 * Run `fn` over `items` with at most `limit` calls in flight; results keep the input order.
 *
 * @example
 * ```ts
 * const outputs = await mapLimited(batches, 4, (batch) => client.send(new SendBulkEmailCommand(batch)));
 * ```
 */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await fn(items[index] as T, index);
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, () => worker()));
  return results;
}
