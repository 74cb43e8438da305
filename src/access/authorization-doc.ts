import type { GraphQLSchema } from 'graphql';
import { replaceGeneratedBlock } from '../platform/generated-blocks.js';
import { operationAccess } from './operation-access.js';
import { OrganisationKind } from './organisations.js';
import { ACTIONS, ALL_KINDS, type ActionRule } from './policy.js';
import { ALL_ROLES } from './roles.js';
import { PROVIDER_REACH } from './scope.js';

/**
 * Renders the generated parts of docs/authorization.md from the policy tables and the schema, so the document
 * cannot drift from the code (a test compares them; `npm run docs:emit` rewrites them).
 */
export function renderOperationsTable(schema: GraphQLSchema): string {
  const rows: string[] = ['| type | operation | needs | roles | organisation kinds |', '| --- | --- | --- | --- | --- |'];
  for (const [type, root] of [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ] as const) {
    if (!root) continue;
    for (const name of Object.keys(root.getFields()).sort()) {
      const access = operationAccess(root.getFields()[name]!);
      if (!access) rows.push(`| ${type} | \`${name}\` | **nobody** (no declaration) | – | – |`);
      else if (access.kind === 'public') rows.push(`| ${type} | \`${name}\` | no token (${access.reason}) | – | – |`);
      else if (access.kind === 'authenticated') rows.push(`| ${type} | \`${name}\` | a valid token | any | any |`);
      else {
        const rule: ActionRule = ACTIONS[access.action];
        rows.push(`| ${type} | \`${name}\` | \`${access.action}\` | ${roles(rule)} | ${kinds(rule)} |`);
      }
    }
  }
  return rows.join('\n');
}

export function renderActionsTable(): string {
  const rows: string[] = ['| action | what it allows | roles | organisation kinds |', '| --- | --- | --- | --- |'];
  for (const [action, rule] of Object.entries(ACTIONS) as Array<[string, ActionRule]>) {
    rows.push(`| \`${action}\` | ${rule.description} | ${roles(rule)} | ${kinds(rule)} |`);
  }
  return rows.join('\n');
}

export function renderReachTable(): string {
  const rows: string[] = ['| organisation kind | reaches providers |', '| --- | --- |'];
  const words: Record<string, string> = {
    NETHERLANDS: 'with at least one location in the Netherlands',
    BELGIUM: 'with at least one location in Flanders, or in Brussels registered by Zorginspectie itself (Walloon locations: nobody)',
    OWN_TERRITORY: "with at least one location in the municipality's own territory",
    ROUTED_SIGNALS: 'with a location in the Netherlands and named in a signal routed to it (and no others)',
  };
  for (const kind of Object.values(OrganisationKind)) rows.push(`| ${kind} | ${words[PROVIDER_REACH[kind]]} |`);
  return rows.join('\n');
}

function roles(rule: ActionRule): string {
  const base = rule.roles.length === ALL_ROLES.length ? 'any role' : rule.roles.join(', ');
  const exceptions = Object.entries(rule.rolesByKind ?? {}).map(([kind, list]) => `${kind}: ${list!.join(', ')}`);
  return exceptions.length ? `${base} (${exceptions.join('; ')})` : base;
}

function kinds(rule: ActionRule): string {
  return rule.kinds.length === ALL_KINDS.length ? 'all' : rule.kinds.join(', ');
}

export const GENERATED_BLOCKS = {
  operations: renderOperationsTable,
  actions: () => renderActionsTable(),
  reach: () => renderReachTable(),
} as const;

/** Replaces each generated block of docs/authorization.md with its rendering. */
export function renderGeneratedBlocks(document: string, schema: GraphQLSchema): string {
  let result = document;
  for (const [name, render] of Object.entries(GENERATED_BLOCKS)) result = replaceGeneratedBlock(result, name, render(schema), 'docs/authorization.md');
  return result;
}
