import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { renderGeneratedBlocks } from '../access/authorization-doc.js';
import { buildGraphQLSchema } from '../schema.js';

/** npm run docs:emit — rewrites the generated tables of docs/authorization.md from the policy code. */
const FILE = 'docs/authorization.md';
const rendered = renderGeneratedBlocks(readFileSync(FILE, 'utf8'), await buildGraphQLSchema());
writeFileSync(FILE, rendered);
console.log(`Wrote the generated tables of ${FILE}.`);
