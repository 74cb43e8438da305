import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { renderGeneratedBlocks } from '../access/authorization-doc.js';
import { renderEnforcementDoc } from '../enforcement/index.js';
import { buildGraphQLSchema } from '../schema.js';
import { renderRoutingDoc } from '../signals/index.js';

/** npm run docs:emit — rewrites the generated tables of docs/authorization.md, docs/routing.md and docs/enforcement.md. */
const AUTHORIZATION = 'docs/authorization.md';
writeFileSync(AUTHORIZATION, renderGeneratedBlocks(readFileSync(AUTHORIZATION, 'utf8'), await buildGraphQLSchema()));
const ROUTING = 'docs/routing.md';
writeFileSync(ROUTING, renderRoutingDoc(readFileSync(ROUTING, 'utf8')));
const ENFORCEMENT = 'docs/enforcement.md';
writeFileSync(ENFORCEMENT, renderEnforcementDoc(readFileSync(ENFORCEMENT, 'utf8')));
console.log(`Wrote the generated tables of ${AUTHORIZATION}, ${ROUTING} and ${ENFORCEMENT}.`);
