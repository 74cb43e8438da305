import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { DemoPersona } from '../platform/http/graphiql.js';

/**
 * Serves the planner console: the static files `npm run build` writes to dist/console (see vite.config.ts). The
 * page talks to the public GraphQL API only. Its one server-side touch: in development the demo personas are
 * written into the page as a JSON data block (never executed, so the pages' CSP holds); in production there are
 * none and the page asks for a token.
 */
export interface ConsoleOptions {
  /** Development only: ready-made tokens offered on the sign-in page. */
  personas: readonly DemoPersona[];
  /** Where the built console lives; by default dist/console of this installation. */
  directory?: string;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** dist/console next to the package.json this module belongs to (the same from src/ under vitest and from dist/). */
export function defaultConsoleDirectory(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'dist', 'console');
}

export function registerConsole(app: FastifyInstance, options: ConsoleOptions): void {
  const directory = options.directory ?? defaultConsoleDirectory();
  const indexFile = path.join(directory, 'index.html');
  const personas = JSON.stringify(options.personas.map(({ label, token }) => ({ label, token }))).replace(/</g, '\\u003c');
  let page: string | undefined;
  let assets: Map<string, Buffer> | undefined;

  const load = (): boolean => {
    if (page !== undefined) return true;
    if (!existsSync(indexFile)) return false;
    const block = options.personas.length > 0 ? `<script id="samenloop-personas" type="application/json">${personas}</script>` : '';
    page = readFileSync(indexFile, 'utf8').replace('<!--personas-->', block);
    // The asset names carry a content hash: read once, cached long.
    const assetDir = path.join(directory, 'assets');
    assets = new Map(existsSync(assetDir) ? readdirSync(assetDir).map((name) => [name, readFileSync(path.join(assetDir, name))]) : []);
    return true;
  };

  const servePage = async (_request: unknown, reply: FastifyReply) => {
    if (!load()) {
      return reply
        .code(503)
        .header('content-type', 'text/plain; charset=utf-8')
        .send('The planner console has not been built: run `npm run build` (it writes dist/console).');
    }
    return reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(page);
  };
  app.get('/console', servePage);
  app.get('/console/', servePage);
  app.get<{ Params: { file: string } }>('/console/assets/:file', async (request, reply) => {
    const body = load() ? assets?.get(request.params.file) : undefined;
    if (!body) return reply.code(404).send({ error: 'not found' });
    const type = TYPES[path.extname(request.params.file)] ?? 'application/octet-stream';
    return reply.header('content-type', type).header('cache-control', 'public, max-age=31536000, immutable').send(body);
  });
}
