import { sqlf, type SqlFragment } from '../database/sql.js';
import type { Cursors, Page } from './connection.js';
import { pageSize } from './page-size.js';

type SortKey = Array<string | number>;

/** How a list reads one page of itself: its SQL, how it runs it, its order's key, and the audit of what it shows. */
export interface PageQuery<Row> {
  /** The rows the caller may see and asked for: the list's visibility and filter conditions. */
  where: SqlFragment;
  /** The rows after a cursor's sort key, in the list's order (`(e.id) < (…)` for a list newest first). */
  after: (key: SortKey) => SqlFragment;
  /** The statement of a page: the rows matching `condition`, in order, at most `limit` of them. */
  select: (condition: SqlFragment, limit: number) => SqlFragment;
  /** `count(*)` of the rows matching `where`; run only when the caller asks for totalCount. */
  count: SqlFragment;
  /** Runs a statement where the list is read (a replica, as the viewer's organisation, …). */
  run: <R>(query: SqlFragment) => Promise<R[]>;
  /** The sort key a row's cursor carries: the values of the order's columns. */
  keyOf: (row: Row) => readonly (string | number)[];
  /** Records the read of the rows shown (never of the extra row that only tells whether there is a next page). */
  audit: (shown: readonly Row[]) => void | Promise<void>;
}

/**
 * A page of a list as the caller asked for it: `first` checked against the page size, `after` decoded as a cursor
 * of this server with the list's sort key shape. Made before the list reads its filter, so a bad `first` or `after`
 * is what the caller hears first.
 */
export class PageRequest {
  readonly limit: number;
  readonly cursor: SortKey | undefined;

  constructor(
    private readonly cursors: Cursors,
    first: number | null | undefined,
    after: string | null | undefined,
    shape: ReadonlyArray<(part: unknown) => boolean>,
  ) {
    this.limit = pageSize(first);
    this.cursor = cursors.decode(after, shape);
  }

  /** Fetches `limit + 1` rows (the extra one only says whether there is a next page), audits the page, returns it. */
  async read<Row>(query: PageQuery<Row>): Promise<Page<Row>> {
    const condition = this.cursor ? sqlf`${query.where} and ${query.after(this.cursor)}` : query.where;
    const rows = await query.run<Row>(query.select(condition, this.limit + 1));
    await query.audit(rows.slice(0, this.limit));
    return this.cursors.page(rows, this.limit, this.cursor !== undefined, query.keyOf, async () => {
      const [count] = await query.run<{ count: string }>(query.count);
      return Number(count?.count ?? 0);
    });
  }
}

