import DataLoader from 'dataloader';
/** Groups rows by key, answering in the order of `keys` (an empty list for keys without rows), as DataLoader needs. */
export function groupBy<Row, Item = Row>(
  keys: readonly string[],
  rows: readonly Row[],
  keyOf: (row: Row) => string,
  toItem: (row: Row) => Item = (row) => row as unknown as Item,
): Item[][] {
  const groups = new Map<string, Item[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = groups.get(key);
    if (list) list.push(toItem(row));
    else groups.set(key, [toItem(row)]);
  }
  return keys.map((key) => groups.get(key) ?? []);
}

/** A nested list asked for under one parent: the parent's id, and at most how many items (all when absent). */
export interface ListKey {
  id: string;
  limit?: number;
}

/**
 * A per-request loader of nested lists that may be asked for with a page size (a field's `first`): one batch, and
 * one query per distinct size (usually one), however many parents a page holds. `load` answers in the order of
 * `ids`, each list cut at `limit` (all when undefined).
 */
export function listLoader<Item>(
  load: (ids: readonly string[], limit: number | undefined) => Promise<Item[][]>,
): DataLoader<ListKey, Item[], string> {
  const cacheKey = (key: ListKey) => `${key.id}|${key.limit ?? ''}`;
  return new DataLoader<ListKey, Item[], string>(
    async (keys) => {
      const byLimit = new Map<number | undefined, string[]>();
      for (const key of keys) byLimit.set(key.limit, [...(byLimit.get(key.limit) ?? []), key.id]);
      const lists = new Map<string, Item[]>();
      for (const [limit, ids] of byLimit) {
        const loaded = await load(ids, limit);
        ids.forEach((id, index) => lists.set(cacheKey({ id, limit }), loaded[index]!));
      }
      return keys.map((key) => lists.get(cacheKey(key))!);
    },
    { cacheKeyFn: cacheKey },
  );
}
