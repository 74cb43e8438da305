import DataLoader from 'dataloader';

/** The value under `key`, made by `make` and kept the first time it is asked for. */
export function getOrMake<Key, Value>(map: Map<Key, Value>, key: Key, make: () => Value): Value {
  if (map.has(key)) return map.get(key)!;
  const value = make();
  map.set(key, value);
  return value;
}

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
): ListLoader<Item> {
  return ListLoader.create(load);
}

const listCacheKey = (key: ListKey) => `${key.id}|${key.limit ?? ''}`;

/** The first items of a list that a caller already has (primeFirst). */
interface Known<Item> {
  items: readonly Item[];
  /** The items are the first this many of the list — or the whole list, when there are fewer. */
  upTo: number;
}

export class ListLoader<Item> extends DataLoader<ListKey, Item[], string> {
  private readonly known: Map<string, Known<Item>>;

  private constructor(known: Map<string, Known<Item>>, batch: DataLoader.BatchLoadFn<ListKey, Item[]>) {
    super(batch, { cacheKeyFn: listCacheKey });
    this.known = known;
  }

  static create<Item>(load: (ids: readonly string[], limit: number | undefined) => Promise<Item[][]>): ListLoader<Item> {
    const known = new Map<string, Known<Item>>();
    const answers = (key: ListKey) => {
      const first = known.get(key.id);
      if (!first) return false;
      return first.items.length < first.upTo || (key.limit !== undefined && key.limit <= first.upTo);
    };
    return new ListLoader<Item>(known, async (keys) => {
      const byLimit = new Map<number | undefined, string[]>();
      for (const key of keys) if (!answers(key)) byLimit.set(key.limit, [...(byLimit.get(key.limit) ?? []), key.id]);
      const lists = new Map<string, Item[]>();
      for (const [limit, ids] of byLimit) {
        const loaded = await load(ids, limit);
        ids.forEach((id, index) => lists.set(listCacheKey({ id, limit }), loaded[index]!));
      }
      return keys.map((key) => {
        if (!answers(key)) return lists.get(listCacheKey(key))!;
        return known.get(key.id)!.items.slice(0, key.limit);
      });
    });
  }

  /**
   * The first `upTo` items of the list under `id` (all of them when there are fewer), e.g. of rows a statement just
   * wrote: any page within them is a slice, nothing is loaded. What `load` does besides reading (e.g. auditing
   * what it shows) is then the caller's to do, for all of them.
   */
  primeFirst(id: string, items: readonly Item[], upTo: number): this {
    this.known.set(id, { items, upTo });
    return this;
  }

  override clear(key: ListKey): this {
    this.known.delete(key.id);
    return super.clear(key);
  }

  override clearAll(): this {
    this.known.clear();
    return super.clearAll();
  }
}
