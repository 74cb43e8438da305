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
