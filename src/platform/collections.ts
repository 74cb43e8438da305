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
export function listLoader<Item>(load: (ids: readonly string[], limit: number | undefined) => Promise<Item[][]>): ListLoader<Item> {
  return ListLoader.create(load);
}

const listCacheKey = (key: ListKey) => `${key.id}|${key.limit ?? ''}`;

export class ListLoader<Item> extends DataLoader<ListKey, Item[], string> {
  /** Whole lists a caller already has (primeWhole): any page of them is a slice, nothing is loaded. */
  private readonly whole: Map<string, readonly Item[]>;

  private constructor(whole: Map<string, readonly Item[]>, batch: DataLoader.BatchLoadFn<ListKey, Item[]>) {
    super(batch, { cacheKeyFn: listCacheKey });
    this.whole = whole;
  }

  static create<Item>(load: (ids: readonly string[], limit: number | undefined) => Promise<Item[][]>): ListLoader<Item> {
    const whole = new Map<string, readonly Item[]>();
    return new ListLoader<Item>(whole, async (keys) => {
      const byLimit = new Map<number | undefined, string[]>();
      for (const key of keys) if (!whole.has(key.id)) byLimit.set(key.limit, [...(byLimit.get(key.limit) ?? []), key.id]);
      const lists = new Map<string, Item[]>();
      for (const [limit, ids] of byLimit) {
        const loaded = await load(ids, limit);
        ids.forEach((id, index) => lists.set(listCacheKey({ id, limit }), loaded[index]!));
      }
      return keys.map((key) => {
        const known = whole.get(key.id);
        return known ? known.slice(0, key.limit) : lists.get(listCacheKey(key))!;
      });
    });
  }

  /** The whole list under `id` (what `load` would give without a limit), e.g. of rows a statement just wrote. */
  primeWhole(id: string, items: readonly Item[]): this {
    this.whole.set(id, items);
    return this;
  }

  override clearAll(): this {
    this.whole.clear();
    return super.clearAll();
  }
}
