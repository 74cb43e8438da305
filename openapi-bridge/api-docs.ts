import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';

/**
 * Swagger UI for the bridge at /api/v1/docs, entirely from the swagger-ui-dist package (no CDN: it works offline).
 * No inline script: the page loads its starter from /api/v1/docs/start.js, so the pages' CSP (security-headers.ts) holds.
 */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css',
  'swagger-ui-bundle.js': 'text/javascript',
  'swagger-ui-standalone-preset.js': 'text/javascript',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Samenloop REST bridge</title>
  <link rel="stylesheet" href="/api/v1/docs/swagger-ui.css">
</head>
<body>
  <div id="docs"></div>
  <script src="/api/v1/docs/swagger-ui-bundle.js"></script>
  <script src="/api/v1/docs/swagger-ui-standalone-preset.js"></script>
  <script src="/api/v1/docs/start.js"></script>
</body>
</html>
`;

const START = `window.ui = SwaggerUIBundle({ url: '/api/v1/openapi.json', dom_id: '#docs', deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout', validatorUrl: null });
`;

export function registerApiDocs(bridge: FastifyInstance): void {
  const directory = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const cache = new Map<string, Buffer>();
  bridge.get('/docs', async (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
  bridge.get('/docs/start.js', async (_request, reply) => reply.type('text/javascript').send(START));
  bridge.get<{ Params: { file: string } }>('/docs/:file', async (request, reply) => {
    const type = ASSETS[request.params.file];
    if (!type) return reply.callNotFound();
    let body = cache.get(request.params.file);
    if (!body) cache.set(request.params.file, (body = readFileSync(path.join(directory, request.params.file))));
    return reply.type(type).header('cache-control', 'public, max-age=3600').send(body);
  });
}
