import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, graphql, type GraphQLSchema } from 'graphql';

/**
 * A partner agency's own subgraph, written for the tests: a case system that extends our Provider with
 * `openCases` and our Visit with `inspectionReport`, and has cases that point at our providers and visits.
 * It speaks the federation subgraph protocol by hand (`_service`, `_entities`), as a small partner service would.
 */
export const PARTNER_SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])

type Provider @key(fields: "id") {
  id: ID!
  "Open cases in the partner's case system."
  openCases: Int!
}

type Visit @key(fields: "id") {
  id: ID!
  inspectionReport: InspectionReport
}

type InspectionReport {
  summary: String!
}

type Case {
  id: ID!
  provider: Provider
  visit: Visit
}

type Query {
  cases: [Case!]!
}
`;

const EXECUTABLE = `
directive @key(fields: String!, resolvable: Boolean = true) repeatable on OBJECT
scalar _Any
union _Entity = Provider | Visit
type _Service { sdl: String! }
${PARTNER_SDL.replace(/^extend schema .*$/m, '').replace('type Query {', 'type Query {\n  _service: _Service!\n  _entities(representations: [_Any!]!): [_Entity]!')}
`;

export interface PartnerCase {
  id: string;
  providerId?: string;
  visitId?: string;
}

export class PartnerSubgraph {
  private server?: Server;
  readonly schema: GraphQLSchema = buildSchema(EXECUTABLE);
  /** What the gateway asked for (to see that tokens arrive unchanged and entity calls are batched). */
  readonly requests: Array<{ authorization: string | undefined; query: string }> = [];

  constructor(readonly cases: PartnerCase[]) {}

  async start(): Promise<string> {
    this.server = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { query: string; variables?: Record<string, unknown> };
      this.requests.push({ authorization: request.headers.authorization, query: body.query });
      const result = await graphql({ schema: this.schema, source: body.query, variableValues: body.variables, rootValue: this.root(), typeResolver: (value: any) => value.__typename });
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(result));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/graphql`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private provider(id: string) {
    return { __typename: 'Provider', id, openCases: this.cases.filter((entry) => entry.providerId === id).length };
  }

  private visit(id: string) {
    return { __typename: 'Visit', id, inspectionReport: { summary: `Rapport bij bezoek ${id.slice(0, 8)}` } };
  }

  private root() {
    return {
      _service: () => ({ sdl: PARTNER_SDL }),
      _entities: ({ representations }: { representations: Array<{ __typename: string; id: string }> }) =>
        representations.map((reference) => (reference.__typename === 'Provider' ? this.provider(reference.id) : this.visit(reference.id))),
      cases: () =>
        this.cases.map((entry) => ({
          id: entry.id,
          provider: entry.providerId ? this.provider(entry.providerId) : null,
          visit: entry.visitId ? this.visit(entry.visitId) : null,
        })),
    };
  }
}
