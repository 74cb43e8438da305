import type { DevIssuer } from '../access/dev-issuer.js';
import { Role } from '../access/roles.js';
import type { DemoPersona } from '../platform/http/graphiql.js';

/** The demo users whose tokens `npm start` prints in development and GraphiQL offers. */
export const DEMO_PERSONAS: ReadonlyArray<{ label: string; org: string; roles: Role[]; sub: string }> = [
  { label: 'IGJ planner + coordinator', org: 'IGJ', roles: [Role.PLANNER, Role.COORDINATOR], sub: 'planner@igj.demo' },
  { label: 'NZa planner + coordinator', org: 'NZA', roles: [Role.PLANNER, Role.COORDINATOR], sub: 'planner@nza.demo' },
  { label: 'Gemeente Amsterdam planner + coordinator', org: 'GM0363', roles: [Role.PLANNER, Role.COORDINATOR], sub: 'planner@amsterdam.demo' },
  { label: 'Gemeente Utrecht planner', org: 'GM0344', roles: [Role.PLANNER], sub: 'planner@utrecht.demo' },
  { label: 'Inspectie JenV coordinator', org: 'IJENV', roles: [Role.PLANNER, Role.COORDINATOR], sub: 'coordinator@ijenv.demo' },
  { label: 'Zorginspectie planner', org: 'ZORGINSPECTIE', roles: [Role.PLANNER, Role.COORDINATOR], sub: 'planner@zorginspectie.demo' },
  { label: 'IGJ intake', org: 'IGJ', roles: [Role.INTAKE], sub: 'intake@igj.demo' },
  { label: 'IGJ enforcement officer', org: 'IGJ', roles: [Role.ENFORCEMENT_OFFICER], sub: 'handhaving@igj.demo' },
  { label: 'NZa integration (machine client)', org: 'NZA', roles: [Role.INTEGRATION], sub: 'ikz-koppeling@nza.demo' },
  { label: 'OM prosecutor', org: 'OM', roles: [Role.PROSECUTOR], sub: 'officier@om.demo' },
  { label: 'IGJ auditor', org: 'IGJ', roles: [Role.AUDITOR], sub: 'auditor@igj.demo' },
];

export async function demoTokens(issuer: DevIssuer): Promise<DemoPersona[]> {
  return Promise.all(
    DEMO_PERSONAS.map(async (persona) => ({
      label: `${persona.label} (${persona.org}: ${persona.roles.join(', ')})`,
      token: await issuer.sign({ sub: persona.sub, org: persona.org, roles: persona.roles }),
    })),
  );
}
