import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';

/**
 * GraphiQL for development, served entirely from node_modules so that it works without internet access.
 * graphiql, react and react-dom are development dependencies: in production this page does not exist.
 */
const ASSETS: Record<string, { pkg: string; file: string; type: string }> = {
  'react.js': { pkg: 'react', file: 'umd/react.production.min.js', type: 'text/javascript' },
  'react-dom.js': { pkg: 'react-dom', file: 'umd/react-dom.production.min.js', type: 'text/javascript' },
  'graphiql.js': { pkg: 'graphiql', file: 'dist/index.umd.js', type: 'text/javascript' },
  'graphiql.css': { pkg: 'graphiql', file: 'dist/style.css', type: 'text/css' },
};

/** The packages do not export these files, so they are found next to each package's package.json. */
function assetPath(asset: { pkg: string; file: string }): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve(`${asset.pkg}/package.json`)), asset.file);
}

export interface DemoPersona {
  label: string;
  token: string;
}

export function graphiqlAvailable(): boolean {
  try {
    return Object.values(ASSETS).every((asset) => existsSync(assetPath(asset)));
  } catch {
    return false;
  }
}

/** The page's own script: a file, not inline, so the pages' Content-Security-Policy needs no 'unsafe-inline'. */
const START = `const config = JSON.parse(document.getElementById('config').textContent);
const select = document.getElementById('persona');
config.personas.forEach((persona, index) => select.add(new Option(persona.label, String(index))));
if (config.personas.length === 0) select.add(new Option('none: use your own token', '-1'));
const fetcher = GraphiQL.createFetcher({ url: config.endpoint });
const root = ReactDOM.createRoot(document.getElementById('graphiql'));
function render() {
  const persona = config.personas[Number(select.value)];
  const headers = persona ? JSON.stringify({ Authorization: 'Bearer ' + persona.token }, null, 2) : '{}';
  root.render(React.createElement(GraphiQL, {
    key: select.value, fetcher, defaultQuery: config.query, headers, defaultEditorToolsVisibility: 'headers',
    shouldPersistHeaders: false,
  }));
}
select.addEventListener('change', render);
render();
`;

export function registerGraphiqlAssets(app: FastifyInstance): void {
  const cache = new Map<string, Buffer>();
  app.get('/graphiql/start.js', async (_request, reply) => reply.header('content-type', 'text/javascript').send(START));
  app.get<{ Params: { file: string } }>('/graphiql/:file', async (request, reply) => {
    const asset = ASSETS[request.params.file];
    if (!asset) return reply.code(404).send({ error: 'not found' });
    let body = cache.get(request.params.file);
    if (!body) {
      body = readFileSync(assetPath(asset));
      cache.set(request.params.file, body);
    }
    return reply.header('content-type', asset.type).header('cache-control', 'public, max-age=3600').send(body);
  });
}

const DEFAULT_QUERY = `# Welcome to Samenloop. Pick a demo persona above; its token is in the Headers tab below.
{
  me {
    sub
    organisation { code name kind }
    roles
  }
}
`;

export function graphiqlPage(endpoint: string, personas: readonly DemoPersona[]): string {
  const data = JSON.stringify({ endpoint, personas, query: DEFAULT_QUERY }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Samenloop — GraphiQL</title>
  <link rel="stylesheet" href="/graphiql/graphiql.css">
  <style>
    html, body { height: 100%; margin: 0; font-family: system-ui, sans-serif; }
    body { display: flex; flex-direction: column; }
    header { padding: 6px 12px; background: #154273; color: #fff; display: flex; gap: 12px; align-items: center; }
    header select { font-size: 14px; }
    #graphiql { flex: 1; min-height: 0; }
  </style>
</head>
<body>
  <header><strong>Samenloop</strong><label>Demo persona <select id="persona"></select></label></header>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="/graphiql/react.js"></script>
  <script src="/graphiql/react-dom.js"></script>
  <script src="/graphiql/graphiql.js"></script>
  <script id="config" type="application/json">${data}</script>
  <script src="/graphiql/start.js"></script>
</body>
</html>`;
}
