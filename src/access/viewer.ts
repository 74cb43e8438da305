import { organisationKindOf, type OrganisationKind } from './organisations.js';
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

/**
 * An organisation as a reader, to decide what it may see before it is told of something (notifications). It holds
 * no roles and acts for nobody: only the scope rules, which look at the organisation and its kind, apply to it.
 */
export function organisationAsReader(code: string): Viewer {
  const kind = organisationKindOf(code);
  if (!kind) throw new Error(`Not an organisation code: ${code}`);
  return { sub: `organisation:${code}`, organisation: code, kind, roles: new Set(), issuer: 'urn:samenloop:reader' };
}
