import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { buildGraphQLSchema, printCommittedSchema, printCommittedSubgraph } from '../schema.js';

/**
 * npm run schema:emit  — writes schema/schema.graphql (the plain schema) and schema/subgraph.graphql (the
 * federation subgraph SDL, as `_service { sdl }` answers it) from the resolvers.
 * npm run schema:check — fails when either committed file differs from what the resolvers generate.
 */
const schema = await buildGraphQLSchema();
const files = { 'schema/schema.graphql': printCommittedSchema(schema), 'schema/subgraph.graphql': printCommittedSubgraph(schema) };
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
