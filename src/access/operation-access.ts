import {
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { Extensions } from 'type-graphql';
import { ForbiddenError, UnauthenticatedError } from '../platform/errors.js';
import { ACTIONS, can, type Action } from './policy.js';
import type { Viewer } from './viewer.js';

/**
 * Every root operation declares who may call it, as a field extension; an operation that declares nothing is
 * refused for everyone. test/access/operation-access.test.ts snapshots the declarations: a change there is a
 * permission change and deserves a reviewer's attention.
 */
export type OperationAccess =
  | { kind: 'action'; action: Action }
  | { kind: 'authenticated' }
  | { kind: 'public'; reason: string };

/** The operation needs a viewer allowed to perform `action` (see policy.ts). */
export const Requires = (action: Action) => Extensions({ access: { kind: 'action', action } satisfies OperationAccess });

/** The operation needs a valid token, nothing more (e.g. `me`). */
export const RequiresAuthentication = () => Extensions({ access: { kind: 'authenticated' } satisfies OperationAccess });

/** The rare operation that needs no token at all. Say why; only published, non-personal data qualifies. */
export const Public = (reason: string) => Extensions({ access: { kind: 'public', reason } satisfies OperationAccess });

export function operationAccess(field: GraphQLField<unknown, unknown>): OperationAccess | undefined {
  const access = (field.extensions as { access?: OperationAccess } | undefined)?.access;
  if (access?.kind === 'action' && !(access.action in ACTIONS)) return undefined;
  return access;
}

export function checkOperationAccess(fieldName: string, access: OperationAccess | undefined, viewer: Viewer | undefined): void {
  if (access?.kind === 'public') return;
  if (!viewer) throw new UnauthenticatedError();
  if (!access) throw new ForbiddenError(`${fieldName} is not available to anyone.`);
  if (access.kind === 'action' && !can(viewer, access.action)) {
    throw new ForbiddenError(`Your organisation and roles do not allow you to ${ACTIONS[access.action].description}.`);
  }
}

/** The root fields an operation selects, looking through fragments. */
export function rootFieldNames(operation: OperationDefinitionNode, document: DocumentNode): string[] {
  const fragments = new Map(
    document.definitions
      .filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment]),
  );
  const names = new Set<string>();
  const visit = (selectionSet: SelectionSetNode, seen: Set<string>) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) names.add(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet, seen);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) visit(fragment.selectionSet, seen);
      }
    }
  };
  visit(operation.selectionSet, new Set());
  return [...names];
}
