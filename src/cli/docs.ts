import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { renderGeneratedBlocks } from '../access/authorization-doc.js';
import { buildGraphQLSchema } from '../schema.js';
import { renderRoutingDoc } from '../signals/index.js';

/** npm run docs:emit — rewrites the generated tables of docs/authorization.md and docs/routing.md from the code. */
const AUTHORIZATION = 'docs/authorization.md';
writeFileSync(AUTHORIZATION, renderGeneratedBlocks(readFileSync(AUTHORIZATION, 'utf8'), await buildGraphQLSchema()));
const ROUTING = 'docs/routing.md';
writeFileSync(ROUTING, renderRoutingDoc(readFileSync(ROUTING, 'utf8')));
console.log(`Wrote the generated tables of ${AUTHORIZATION} and ${ROUTING}.`);
