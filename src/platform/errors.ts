import { GraphQLError } from 'graphql';

/**
 * The error codes of the public contract. Every error a caller can act on is one of these; anything else is an
 * internal error whose details stay in the log.
 */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'SAMENLOOP_CONFLICT'
  | 'SERVICE_UNAVAILABLE'
  | 'REQUEST_TOO_EXPENSIVE';

export class AppError extends GraphQLError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    extensions: Record<string, unknown> = {},
  ) {
    super(message, { extensions: { ...extensions, code } });
    this.name = 'AppError';
  }
}

/** A request that needs more SQL statements than one request may issue (REQUEST_STATEMENT_LIMIT). */
export class RequestTooExpensiveError extends AppError {
  constructor(limit: number) {
    super('REQUEST_TOO_EXPENSIVE', `This request needs more than ${limit} database statements, more than one request may use; it was stopped and nothing it began was kept. Ask for less at once (smaller pages, fewer items).`);
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'A valid access token is required.') {
    super('UNAUTHENTICATED', message);
  }
}

/**
 * A token that was refused. Callers all get the same short message — which check failed would tell an attacker
 * about our trust configuration — while the reason goes to the log and the audit log. Never holds the token.
 */
export class TokenRejectedError extends UnauthenticatedError {
  constructor(
    readonly reason: string,
    /** The token's issuer, when it is one we trust. */
    readonly issuer: string | undefined,
    /** The organisation the token is attributable to: only when its signature held and its issuer may speak for it. */
    readonly organisation: string | undefined,
  ) {
    super(TOKEN_REJECTED);
  }
}

export const TOKEN_REJECTED = 'The access token was rejected.';

export class ForbiddenError extends AppError {
  constructor(message = 'Your roles do not allow this operation.') {
    super('FORBIDDEN', message);
  }
}

/** Used both for records that do not exist and for records the caller may not see: the two are indistinguishable. */
export class NotFoundError extends AppError {
  constructor(resource: string, id: string) {
    super('NOT_FOUND', `No ${resource} with id ${id} was found.`, { resourceType: resource, id });
  }
}

export interface FieldProblem {
  field: string;
  message: string;
}

/** Invalid input. `field` is the path of the offending input field, e.g. `input.locations[1].postcode`. */
export class BadUserInputError extends AppError {
  constructor(
    readonly field: string,
    message: string,
    readonly problems: FieldProblem[] = [{ field, message }],
  ) {
    super('BAD_USER_INPUT', message, { field, ...(problems.length > 1 ? { problems } : {}) });
  }

  static of(problems: FieldProblem[]): BadUserInputError {
    const [first] = problems;
    if (!first) throw new Error('BadUserInputError.of needs at least one problem');
    const message = problems.length === 1 ? first.message : `${first.message} (and ${problems.length - 1} more problems)`;
    return new BadUserInputError(first.field, message, problems);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, extensions: Record<string, unknown> = {}) {
    super('CONFLICT', message, extensions);
  }
}

/** Collects input problems so that a caller learns about all of them at once. */
export class InputProblems {
  readonly problems: FieldProblem[] = [];

  add(field: string, message: string): void {
    this.problems.push({ field, message });
  }

  check(condition: boolean, field: string, message: string): boolean {
    if (!condition) this.add(field, message);
    return condition;
  }

  throwIfAny(): void {
    if (this.problems.length > 0) throw BadUserInputError.of(this.problems);
  }
}
