import { createHmac, timingSafeEqual } from 'node:crypto';
import { Directive, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { BadUserInputError } from '../errors.js';
import { ListSize } from './cost-limit.js';
import { PageRequest } from './keyset-page.js';

@Directive('@shareable')
@ObjectType('PageInfo', { simpleResolvers: true })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean)
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface Edge<Node> {
  cursor: string;
  node: Node;
}

/** A page of results. `totalCount` is computed only when it is asked for. */
export interface Page<Node> {
  edges: Array<Edge<Node>>;
  pageInfo: PageInfo;
  totalCount: () => Promise<number>;
}

/**
 * A Relay connection type for `Node`: `{ edges { cursor node } pageInfo totalCount }`.
 */
export function Connection<Node extends object>(nodeType: ClassType<Node>, name: string) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class EdgeType {
    @Field(() => String)
    cursor!: string;

    @Field(() => nodeType)
    node!: Node;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true })
  class ConnectionType {
    @ListSize({ parent: true })
    @Field(() => [EdgeType], { description: 'At most `first` of them.' })
    edges!: EdgeType[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    /** A function on the page object: GraphQL's default resolver calls it only when the field is selected. */
    @Field(() => Int, { description: 'Number of records matching the filter that the caller may see.' })
    totalCount!: number;
  }
  return ConnectionType;
}

export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, pageSize } from './page-size.js';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What each part of a cursor's sort key may be: exactly what the server itself writes there. */
export const cursorPart = {
  text: (part: unknown) => typeof part === 'string' && part.length <= 1000,
  uuid: (part: unknown) => typeof part === 'string' && UUID.test(part),
  integer: (part: unknown) => typeof part === 'string' && /^\d{1,18}$/.test(part),
  timestamp: (part: unknown) => typeof part === 'string' && ISO_INSTANT.test(part) && !Number.isNaN(Date.parse(part)),
  date: (part: unknown) => typeof part === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(part) && !Number.isNaN(Date.parse(part)),
};

const TAG_BYTES = 12;

/**
 * Cursors are opaque to callers: the sort key of the last row of a page, and a tag (a truncated HMAC under a
 * key of the server's) that proves the server made it. Anything else — a forged or edited cursor, one from another
 * server — is refused as BAD_USER_INPUT before it comes near the database.
 */
export class Cursors {
  constructor(private readonly key: Buffer) {}

  encode(sortKey: readonly (string | number)[]): string {
    const body = Buffer.from(JSON.stringify(sortKey)).toString('base64url');
    return `${body}.${this.tag(body)}`;
  }

  decode(cursor: string | null | undefined, shape: ReadonlyArray<(part: unknown) => boolean>): Array<string | number> | undefined {
    if (cursor === undefined || cursor === null) return undefined;
    const [body, tag, ...rest] = cursor.split('.');
    if (body && tag && rest.length === 0 && tag.length <= 64 && this.tagMatches(body, tag)) {
      try {
        const key = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
        if (Array.isArray(key) && key.length === shape.length && key.every((part, index) => shape[index]!(part))) {
          return key as Array<string | number>;
        }
      } catch {
        // fall through to the error below
      }
    }
    throw new BadUserInputError('after', 'after is not a cursor returned by this connection.');
  }

  /** The page a list's caller asks for with `first` and `after`; its `read` fetches, audits and shapes it. */
  request(first: number | null | undefined, after: string | null | undefined, shape: ReadonlyArray<(part: unknown) => boolean>): PageRequest {
    return new PageRequest(this, first, after, shape);
  }

  /** A page from `limit + 1` fetched rows (the extra row only tells whether there is a next page). */
  page<Row>(rows: Row[], limit: number, hasPrevious: boolean, keyOf: (row: Row) => readonly (string | number)[], totalCount: () => Promise<number>): Page<Row> {
    return toPage(rows, limit, hasPrevious, (row) => this.encode(keyOf(row)), totalCount);
  }

  private tag(body: string): string {
    return createHmac('sha256', this.key).update(`cursor:${body}`).digest().subarray(0, TAG_BYTES).toString('base64url');
  }

  private tagMatches(body: string, tag: string): boolean {
    const expected = Buffer.from(this.tag(body));
    const given = Buffer.from(tag);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

function toPage<Row>(rows: Row[], limit: number, hasPrevious: boolean, cursorOf: (row: Row) => string, totalCount: () => Promise<number>): Page<Row> {
  const visible = rows.slice(0, limit);
  const edges = visible.map((row) => ({ cursor: cursorOf(row), node: row }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > limit,
      hasPreviousPage: hasPrevious,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount,
  };
}
