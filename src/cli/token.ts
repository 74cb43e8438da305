import { parseArgs } from 'node:util';
import { loadDevIssuer } from '../access/dev-issuer.js';
import { isOrganisationCode } from '../access/organisations.js';
import { ALL_ROLES, isRole } from '../access/roles.js';
import { loadConfig } from '../platform/config.js';

/**
 * npm run token -- --org IGJ --roles PLANNER,COORDINATOR [--sub name] [--ttl 12h]
 * Prints a token signed by the local development issuer (trusted when TRUSTED_ISSUERS_FILE is not set).
 */
const usage = 'usage: npm run token -- --org <IGJ|NZA|IJENV|OM|ZORGINSPECTIE|GM0363…> --roles <ROLE,ROLE> [--sub <name>] [--ttl <12h|30m|3600>]';
function fail(message: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

let values: { org?: string; roles?: string; sub?: string; ttl?: string };
try {
  ({ values } = parseArgs({
    options: { org: { type: 'string' }, roles: { type: 'string' }, sub: { type: 'string' }, ttl: { type: 'string' } },
  }));
} catch (error) {
  fail((error as Error).message);
}
if (!values.org || !isOrganisationCode(values.org)) fail(`--org must be an organisation code (got ${values.org ?? 'nothing'}).`);
const roles = (values.roles ?? '').split(',').map((role) => role.trim()).filter(Boolean);
if (roles.length === 0) fail(`--roles needs at least one of ${ALL_ROLES.join(', ')}.`);
const unknown = roles.filter((role) => !isRole(role));
if (unknown.length > 0) fail(`unknown role(s) ${unknown.join(', ')}; roles are ${ALL_ROLES.join(', ')}.`);
const ttl = parseTtl(values.ttl ?? '12h');
if (ttl === undefined) fail(`--ttl must look like 12h, 30m or 3600 (got ${values.ttl}).`);

const config = loadConfig();
if (config.environment === 'production') fail('the development issuer is not available in production.');
if (config.trustedIssuersFile) {
  console.error('note: TRUSTED_ISSUERS_FILE is set, so the server does not trust this development token.');
}
const issuer = await loadDevIssuer(config.dataDir);
const sub = values.sub ?? `${values.org.toLowerCase()}-${roles.join('-').toLowerCase()}@dev`;
console.log(await issuer.sign({ sub, org: values.org, roles: roles.filter(isRole) }, ttl));

function parseTtl(text: string): number | undefined {
  const match = /^(\d+)([smhd]?)$/.exec(text);
  if (!match) return undefined;
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  const seconds = Number(match[1]) * unit;
  return seconds > 0 && seconds <= 30 * 86400 ? seconds : undefined;
}
