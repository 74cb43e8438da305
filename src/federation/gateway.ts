import { createServer, type Server } from 'node:http';
import { composeServices } from '@theguild/federation-composition';
import { createGatewayRuntime, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { parse } from 'graphql';

/**
 * Development tooling: composes this API with partner subgraphs and serves the supergraph through Hive Gateway
 * (MIT), in this process. Production runs the organisation's own router (Apollo Router or Hive Gateway) on the same
 * supergraph SDL; see docs/federation.md. The gateway forwards the caller's Authorization header unchanged, and every
 * subgraph verifies it itself: nothing here is trusted in its place.
 */
export interface SubgraphSource {
  name: string;
  /** Where the gateway sends the subgraph's queries. */
  url: string;
  /** Its SDL, as `_service { sdl }` answers it. */
  sdl: string;
}

export class CompositionError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`The subgraphs do not compose:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'CompositionError';
  }
}

export function composeSupergraph(subgraphs: readonly SubgraphSource[]): string {
  const result = composeServices(subgraphs.map((subgraph) => ({ name: subgraph.name, url: subgraph.url, typeDefs: parse(subgraph.sdl) })));
  if (result.errors) throw new CompositionError(result.errors.map((error) => error.message));
  return result.supergraphSdl;
}

/** Asks a running subgraph for its SDL (`_service` needs no token). */
export async function fetchSubgraphSdl(url: string): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });
  const body = (await response.json().catch(() => ({}))) as { data?: { _service?: { sdl?: string } }; errors?: Array<{ message: string }> };
  const sdl = body.data?._service?.sdl;
  if (!response.ok || !sdl) throw new Error(`${url} did not answer _service { sdl } (${response.status}${body.errors ? `: ${body.errors[0]?.message}` : ''})`);
  return sdl;
}

export function createGateway(supergraph: string): GatewayRuntime {
  return createGatewayRuntime({
    supergraph,
    logging: process.env.GATEWAY_LOG_LEVEL ? (process.env.GATEWAY_LOG_LEVEL as 'debug') : false,
    // The caller's token goes to every subgraph as it came; each subgraph verifies it.
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }) => ({ authorization: request.headers.get('authorization') ?? undefined }),
    },
  });
}

/** Serves a gateway over HTTP (GraphQL at /graphql). */
export async function serveGateway(gateway: GatewayRuntime, host: string, port: number): Promise<Server> {
  const server = createServer(gateway);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
