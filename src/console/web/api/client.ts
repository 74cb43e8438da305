/**
 * A small GraphQL client: POST /graphql with the session's token. Errors come back as ApiError, whose problems
 * carry the input field each one names (extensions.field), so forms can show every sentence next to its field.
 */

export interface FieldProblem {
  /** The input path as the API names it, e.g. `input.end`; undefined for an error about the whole request. */
  field: string | undefined;
  message: string;
  code: string | undefined;
}

export class ApiError extends Error {
  constructor(readonly problems: FieldProblem[]) {
    super(problems.map((problem) => problem.message).join(' '));
  }

  /** The sentences for one field (matched on the input path's last segment, e.g. `end` for `input.end`). */
  forField(name: string): string[] {
    return this.problems.filter((problem) => problem.field !== undefined && fieldName(problem.field) === name).map((problem) => problem.message);
  }

  /** The sentences that name none of the given fields: shown at the top of the form. */
  general(known: readonly string[]): string[] {
    return this.problems.filter((problem) => problem.field === undefined || !known.includes(fieldName(problem.field))).map((problem) => problem.message);
  }

  get code(): string | undefined {
    return this.problems[0]?.code;
  }
}

/** `input.themes[2]` → `themes`; `input.providerIds` → `providerIds`; `days` → `days`. */
export function fieldName(path: string): string {
  const segments = path.replace(/\[\d+\]/g, '').split('.');
  return segments[segments.length - 1] ?? path;
}

interface GraphQLErrorBody {
  message: string;
  extensions?: { code?: string; field?: string; problems?: Array<{ field: string; message: string }> };
}

function problemsOf(error: GraphQLErrorBody): FieldProblem[] {
  const code = error.extensions?.code;
  const listed = error.extensions?.problems;
  if (listed && listed.length > 0) return listed.map((problem) => ({ field: problem.field, message: problem.message, code }));
  return [{ field: error.extensions?.field, message: error.message, code }];
}

export type TokenSource = () => string | undefined;

export class GraphQLClient {
  constructor(
    private readonly token: TokenSource,
    private readonly endpoint = '/graphql',
  ) {}

  async request<Data>(query: string, variables: Record<string, unknown> = {}): Promise<Data> {
    const token = this.token();
    let response: Response;
    try {
      response = await fetch(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
    } catch {
      throw new ApiError([{ field: undefined, code: 'NETWORK', message: 'De server is niet bereikbaar. Probeer het opnieuw.' }]);
    }
    let body: { data?: Data | null; errors?: GraphQLErrorBody[] };
    try {
      body = (await response.json()) as typeof body;
    } catch {
      throw new ApiError([{ field: undefined, code: 'HTTP', message: `De server gaf een onverwacht antwoord (HTTP ${response.status}).` }]);
    }
    if (body.errors && body.errors.length > 0) throw new ApiError(body.errors.flatMap(problemsOf));
    if (!body.data) throw new ApiError([{ field: undefined, code: 'HTTP', message: `De server gaf geen gegevens (HTTP ${response.status}).` }]);
    return body.data;
  }
}
