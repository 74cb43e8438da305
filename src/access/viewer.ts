import type { OrganisationKind } from './organisations.js';
import type { Role } from './roles.js';

/** The authenticated caller: a person or machine client (`sub`) acting for one organisation in some roles. */
export interface Viewer {
  readonly sub: string;
  readonly organisation: string;
  readonly kind: OrganisationKind;
  readonly roles: ReadonlySet<Role>;
  readonly issuer: string;
}

export function hasAnyRole(viewer: Viewer, roles: readonly Role[]): boolean {
  return roles.some((role) => viewer.roles.has(role));
}
