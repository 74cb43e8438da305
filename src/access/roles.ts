/** What a person or machine client may do is the union of its roles, within what its organisation may do. */
export enum Role {
  PLANNER = 'PLANNER',
  COORDINATOR = 'COORDINATOR',
  INSPECTOR = 'INSPECTOR',
  INTAKE = 'INTAKE',
  INTEGRATION = 'INTEGRATION',
  ENFORCEMENT_OFFICER = 'ENFORCEMENT_OFFICER',
  PROSECUTOR = 'PROSECUTOR',
  AUDITOR = 'AUDITOR',
}

export const ALL_ROLES: readonly Role[] = Object.values(Role);

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ALL_ROLES as readonly string[]).includes(value);
}
