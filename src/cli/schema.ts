import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { bridgeRouteTable } from '../../openapi-bridge/bridge.js';
import { openApiDocument, printOpenApiDocument } from '../../openapi-bridge/document.js';
import { buildGraphQLSchema, printCommittedSchema, printCommittedSubgraph } from '../schema.js';

/**
 * npm run schema:emit  — writes schema/schema.graphql (the plain schema), schema/subgraph.graphql (the federation
 * subgraph SDL, as `_service { sdl }` answers it) and openapi-bridge/openapi.json (the REST bridge's document).
 * npm run schema:check — fails when any committed file differs from what the code generates.
 */
const schema = await buildGraphQLSchema();
const files = {
  'schema/schema.graphql': printCommittedSchema(schema),
  'schema/subgraph.graphql': printCommittedSubgraph(schema),
  'openapi-bridge/openapi.json': printOpenApiDocument(openApiDocument(schema, bridgeRouteTable())),
};
let drifted = false;
for (const [file, generated] of Object.entries(files)) {
  if (process.argv[2] === 'emit') {
    writeFileSync(file, generated);
    console.log(`Wrote ${file}.`);
    continue;
  }
  let committed = '';
  try {
    committed = readFileSync(file, 'utf8');
  } catch {
    committed = '';
  }
  if (committed !== generated) {
    console.error(`${file} is not what the resolvers generate. Run \`npm run schema:emit\` and commit the result.`);
    drifted = true;
  }
}
if (drifted) process.exit(1);
