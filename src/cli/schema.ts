import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { buildGraphQLSchema, printCommittedSchema } from '../schema.js';

/**
 * npm run schema:emit  — writes schema/schema.graphql from the resolvers.
 * npm run schema:check — fails when the committed schema differs from what the resolvers generate.
 */
const FILE = 'schema/schema.graphql';
const generated = printCommittedSchema(await buildGraphQLSchema());
if (process.argv[2] === 'emit') {
  writeFileSync(FILE, generated);
  console.log(`Wrote ${FILE}.`);
} else {
  let committed = '';
  try {
    committed = readFileSync(FILE, 'utf8');
  } catch {
    committed = '';
  }
  if (committed !== generated) {
    console.error(`${FILE} is not what the resolvers generate. Run \`npm run schema:emit\` and commit the result.`);
    process.exit(1);
  }
}
