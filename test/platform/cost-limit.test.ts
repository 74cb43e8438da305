import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Arg, Field, ID, Int, Mutation, ObjectType, Query, Resolver, buildSchema, InputType } from 'type-graphql';
import { ListSize, operationCost, UNDECLARED_LIST_SIZE, undeclaredListFields } from '../../src/platform/graphql/cost-limit.js';
import { buildGraphQLSchema } from '../../src/schema.js';
import { Role, startTestApp, type TestApp } from '../support/test-app.js';

@ObjectType()
class Leaf {
  @Field(() => ID)
  id!: string;
}

@ObjectType()
class Branch {
  @Field(() => ID)
  id!: string;

  @Field(() => Leaf)
  leaf!: Leaf;

  @ListSize({ max: 5 })
  @Field(() => [Leaf])
  capped!: Leaf[];

  @ListSize({ parent: true })
  @Field(() => [Leaf])
  edges!: Leaf[];

  @Field(() => [Leaf])
  undeclared!: Leaf[];

  @Field(() => [String])
  tags!: string[];
}

@InputType()
class ManyInput {
  @Field(() => [String])
  names!: string[];
}

@Resolver()
class ToyResolver {
  @Query(() => [Branch])
  branches(@Arg('first', () => Int, { nullable: true }) _first?: number): Branch[] {
    return [];
  }

  @Query(() => [Branch])
  pagedByDefault(@Arg('first', () => Int, { defaultValue: 7 }) _first: number): Branch[] {
    return [];
  }

  @Mutation(() => Branch)
  many(@Arg('input', () => ManyInput) _input: ManyInput): Branch {
    return { id: '1' } as Branch;
  }
}

/** The cost model of src/platform/graphql/cost-limit.ts, on a schema small enough to count by hand. */
describe('query cost', () => {
  let cost: (query: string, variables?: Record<string, unknown>) => number;
  beforeAll(async () => {
    const schema = await buildSchema({ resolvers: [ToyResolver], validate: false });
    cost = (query, variables) => operationCost(schema, parse(query), undefined, variables);
  });

  it('an object field costs 1 per item, scalars nothing', () => {
    expect(cost('{ branches(first: 1) { id tags } }')).toBe(1);
    expect(cost('{ branches(first: 1) { leaf { id } } }')).toBe(2);
  });

  it('multiplies by first: from the query, its variables, the default value, or the default page size', () => {
    expect(cost('{ branches(first: 10) { leaf { id } } }')).toBe(20);
    expect(cost('query($n: Int) { branches(first: $n) { leaf { id } } }', { n: 50 })).toBe(100);
    expect(cost('{ pagedByDefault { id } }')).toBe(7);
    expect(cost('{ branches { id } }')).toBe(20);
  });

  it('multiplies by a declared cap, by 1 under a parent that counted, and by the fallback for an undeclared list', () => {
    expect(cost('{ branches(first: 2) { capped { id } } }')).toBe(2 * (1 + 5));
    expect(cost('{ branches(first: 2) { edges { id } } }')).toBe(2 * (1 + 1));
    expect(cost('{ branches(first: 2) { undeclared { id } } }')).toBe(2 * (1 + UNDECLARED_LIST_SIZE));
  });

  it('follows fragments and counts every alias', () => {
    expect(cost('{ branches(first: 3) { ...B } } fragment B on Branch { leaf { id } ... on Branch { capped { id } } }')).toBe(3 * (1 + 1 + 5));
    expect(cost('{ a: branches(first: 1) { id } b: branches(first: 1) { id } }')).toBe(2);
  });

  it('does not count input lists as output', () => {
    expect(cost('mutation { many(input: { names: ["a", "b", "c"] }) { id } }')).toBe(1);
  });

  it('reports list fields that declare no bound', async () => {
    const schema = await buildSchema({ resolvers: [ToyResolver], validate: false });
    expect(undeclaredListFields(schema)).toEqual(['Branch.undeclared']);
  });
});

describe('query cost of the real schema', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('every list field declares its bound (a `first` argument or ListSize)', async () => {
    expect(undeclaredListFields(await buildGraphQLSchema())).toEqual([]);
  });

  const page = (first: number, inner: number) =>
    `{ visits(first: ${first}) { edges { node { id conflicts(first: ${inner}) { visit { conflicts(first: ${inner}) { visit { id } } } } } } } }`;

  it('refuses a query that nests pages in pages with a 400, before running it', async () => {
    const client = await t.as('IGJ', [Role.PLANNER]);
    const result = await client.request(page(100, 100));
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(result.errors?.[0]?.message).toMatch(/would cost \d+ \(limit 50000\)/);
  });

  it('answers the same shape with small pages, and an ordinary page of 100 visits', async () => {
    const client = await t.as('IGJ', [Role.PLANNER]);
    expect((await client.request(page(10, 5))).errors).toBeUndefined();
    const ordinary = `{ visits(first: 100) { edges { node { id window { start end precision } status kind themes organisation { code name }
      participants { code } providers { id name } location { id name } conflicts { gapDays scope resolution visit { id organisation { code } } } } } } }`;
    const result = await client.request(ordinary);
    expect(result.errors).toBeUndefined();
  });

  it('counts variables too: the same query refused or answered by its first', async () => {
    const client = await t.as('IGJ', [Role.PLANNER]);
    const query = 'query($n: Int) { providers(first: $n) { edges { node { locations(first: 500) { id } } } } }';
    expect((await client.request(query, { n: 5 })).errors).toBeUndefined();
    expect((await client.request(query, { n: 100 })).status).toBe(400);
  });
});
