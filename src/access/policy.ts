import { ForbiddenError } from '../platform/errors.js';
import { OrganisationKind } from './organisations.js';
import { ALL_ROLES, Role } from './roles.js';
import { hasAnyRole, type Viewer } from './viewer.js';

/**
 * The access policy, part one: which operations an organisation kind and role may attempt at all. Default deny:
 * an action not listed here cannot be performed by anyone, and a viewer needs one of the listed roles *and*
 * an organisation of one of the listed kinds. Which records an allowed operation then reaches is decided by
 * the scope rules (`scope.ts`). docs/authorization.md is generated from these tables.
 */
export const ALL_KINDS: readonly OrganisationKind[] = Object.values(OrganisationKind);
const SUPERVISORS: readonly OrganisationKind[] = [
  OrganisationKind.INSPECTORATE,
  OrganisationKind.MARKET_AUTHORITY,
  OrganisationKind.MUNICIPALITY,
  OrganisationKind.FOREIGN_INSPECTORATE,
];

export interface ActionRule {
  description: string;
  roles: readonly Role[];
  kinds: readonly OrganisationKind[];
  /** Where an organisation kind acts through other roles than `roles` (the OM through its prosecutors). */
  rolesByKind?: Partial<Record<OrganisationKind, readonly Role[]>>;
}

/** The roles that allow an action for an organisation kind. */
export function rolesFor(rule: ActionRule, kind: OrganisationKind): readonly Role[] {
  return rule.rolesByKind?.[kind] ?? rule.roles;
}

export const ACTIONS = {
  'organisation.list': { description: 'list the organisations taking part', roles: ALL_ROLES, kinds: ALL_KINDS },
  'provider.read': { description: 'read providers and their locations (within reach)', roles: ALL_ROLES, kinds: ALL_KINDS },
  'provider.register': {
    description: 'register a provider or add locations (within reach)',
    roles: [Role.PLANNER, Role.COORDINATOR, Role.INTAKE, Role.INTEGRATION],
    kinds: SUPERVISORS,
  },
  'visit.read': {
    description: 'read the shared visit planning (within reach)',
    roles: [Role.PLANNER, Role.COORDINATOR, Role.INSPECTOR, Role.ENFORCEMENT_OFFICER],
    kinds: SUPERVISORS,
  },
  'visit.plan': {
    description: "plan, move and cancel the organisation's visits, check and acknowledge conflicts",
    roles: [Role.PLANNER, Role.COORDINATOR],
    kinds: SUPERVISORS,
  },
  'visit.complete': {
    description: "mark the organisation's visits completed",
    roles: [Role.INSPECTOR, Role.PLANNER, Role.COORDINATOR],
    kinds: SUPERVISORS,
  },
  'visit.coordinate': {
    description: 'merge visits into joint visits and answer merge proposals',
    roles: [Role.COORDINATOR],
    kinds: SUPERVISORS,
  },
  'signal.submit': {
    description: 'submit signals, one or in bulk',
    roles: [Role.INTAKE, Role.INTEGRATION],
    kinds: SUPERVISORS,
  },
  'signal.read': {
    description: 'read signals submitted by or routed to the organisation (INTEGRATION alone: only those it submitted)',
    roles: [Role.INTAKE, Role.INTEGRATION, Role.COORDINATOR, Role.INSPECTOR, Role.ENFORCEMENT_OFFICER],
    kinds: ALL_KINDS,
    rolesByKind: { [OrganisationKind.PROSECUTION]: [Role.PROSECUTOR] },
  },
  'signal.decide': {
    description: 'decide on a signal routed to the organisation',
    roles: [Role.INTAKE, Role.COORDINATOR],
    kinds: ALL_KINDS,
    rolesByKind: { [OrganisationKind.PROSECUTION]: [Role.PROSECUTOR] },
  },
  'enforcement.read': {
    description: 'read enforcement measures (within reach; the OM: those related to signals routed to it)',
    roles: [Role.PLANNER, Role.COORDINATOR, Role.INSPECTOR, Role.ENFORCEMENT_OFFICER, Role.INTAKE],
    kinds: ALL_KINDS,
    rolesByKind: { [OrganisationKind.PROSECUTION]: [Role.PROSECUTOR] },
  },
  'enforcement.record': {
    description: "record, publish and change the status of the organisation's enforcement measures",
    roles: [Role.ENFORCEMENT_OFFICER],
    kinds: SUPERVISORS,
  },
  'event.read': {
    description: "read the organisation's event feed (references to what it should act on)",
    roles: [Role.PLANNER, Role.COORDINATOR, Role.INSPECTOR, Role.INTAKE, Role.INTEGRATION, Role.ENFORCEMENT_OFFICER],
    kinds: ALL_KINDS,
    rolesByKind: { [OrganisationKind.PROSECUTION]: [Role.PROSECUTOR, Role.INTEGRATION] },
  },
  'webhook.manage': {
    description: "subscribe the organisation's systems to its events, and follow and repeat their deliveries",
    roles: [Role.INTEGRATION, Role.COORDINATOR],
    kinds: ALL_KINDS,
  },
  'audit.read': { description: "read who accessed the organisation's data", roles: [Role.AUDITOR], kinds: ALL_KINDS },
} as const satisfies Record<string, ActionRule>;

export type Action = keyof typeof ACTIONS;

export function can(viewer: Viewer, action: Action): boolean {
  const rule: ActionRule = ACTIONS[action];
  return rule.kinds.includes(viewer.kind) && hasAnyRole(viewer, rolesFor(rule, viewer.kind));
}

export function requireAction(viewer: Viewer, action: Action): void {
  if (!can(viewer, action)) {
    throw new ForbiddenError(`Your organisation and roles do not allow you to ${ACTIONS[action].description}.`);
  }
}
