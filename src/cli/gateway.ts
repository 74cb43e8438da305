import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { composeSupergraph, createGateway, fetchSubgraphSdl, serveGateway, type SubgraphSource } from '../federation/gateway.js';

/**
 * npm run gateway -- [--subgraph name=url ...] [--port 4001] [--host 127.0.0.1] [--out supergraph.graphql]
 * Development convenience: composes this API (by default the one `npm start` serves, as `samenloop`) with the
 * partner subgraphs given, and serves the supergraph through Hive Gateway. Production runs the organisation's own
 * router on the same supergraph (docs/federation.md).
 */
const usage = 'usage: npm run gateway -- [--subgraph name=http://host:port/graphql ...] [--port 4001] [--host 127.0.0.1] [--out supergraph.graphql]';
function fail(message: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

let values: { subgraph?: string[]; port?: string; host?: string; out?: string };
try {
  ({ values } = parseArgs({
    options: { subgraph: { type: 'string', multiple: true }, port: { type: 'string' }, host: { type: 'string' }, out: { type: 'string' } },
  }));
} catch (error) {
  fail((error as Error).message);
}
const named = new Map<string, string>([['samenloop', `http://127.0.0.1:${process.env.PORT ?? 4000}/graphql`]]);
for (const entry of values.subgraph ?? []) {
  const [name, url] = [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)];
  if (!/^[a-z][a-z0-9_-]{0,40}$/.test(name) || !/^https?:\/\/\S+$/.test(url)) fail(`--subgraph must look like name=http://host:port/graphql (got ${entry}).`);
  named.set(name, url);
}
const port = Number(values.port ?? 4001);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number (got ${values.port}).`);

const subgraphs: SubgraphSource[] = [];
for (const [name, url] of named) {
  try {
    subgraphs.push({ name, url, sdl: await fetchSubgraphSdl(url) });
  } catch (error) {
    fail(`cannot read subgraph ${name}: ${(error as Error).message}. Is it running?`);
  }
}
let supergraph: string;
try {
  supergraph = composeSupergraph(subgraphs);
} catch (error) {
  fail((error as Error).message);
}
if (values.out) writeFileSync(values.out, supergraph);
const gateway = createGateway(supergraph);
const server = await serveGateway(gateway, values.host ?? '127.0.0.1', port);
const address = server.address() as AddressInfo;
console.log(`Gateway ready at http://${address.address}:${address.port}/graphql composing ${[...named.keys()].join(', ')}${values.out ? ` (supergraph in ${values.out})` : ''}`);

const stop = async () => {
  server.close();
  await gateway.dispose();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
