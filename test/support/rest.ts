import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { App } from '../../src/app.js';

/**
 * A REST client for the bridge that holds every answer to the committed OpenAPI document: the status must be
 * documented for the route, the content type and the documented headers must match, no undocumented header of
 * ours may appear, and the body must validate against the documented schema (which allows no extra fields).
 */
const DOCUMENT = JSON.parse(readFileSync('openapi-bridge/openapi.json', 'utf8')) as {
  paths: Record<string, Record<string, { responses: Record<string, { headers?: Record<string, unknown>; content: Record<string, { schema: unknown }> }> }>>;
  components: unknown;
};

const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
addFormats.default(ajv);
ajv.addSchema({ components: DOCUMENT.components }, 'doc');
const validators = new Map<string, ValidateFunction>();

function refs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(refs);
  if (schema && typeof schema === 'object') {
    return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, key === '$ref' && typeof value === 'string' ? `doc${value}` : refs(value)]));
  }
  return schema;
}

/** The documented route a request path belongs to, e.g. /api/v1/signals/abc → /signals/{id}. */
function routeOf(pathname: string): string | undefined {
  const relative = pathname.replace(/^\/api\/v1/, '');
  return Object.keys(DOCUMENT.paths).find((template) => new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`).test(relative));
}

export interface RestAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

const OUR_HEADERS = ['api-version', 'location', 'link'];

export function checkAgainstDocument(method: string, url: string, answer: RestAnswer): void {
  const pathname = url.split('?')[0]!;
  if (!answer.headers['api-version']) throw new Error(`${method} ${url} → ${answer.status} without API-Version`);
  if (method === 'HEAD') return; // no body to hold to anything
  const route = routeOf(pathname);
  const operation = route ? DOCUMENT.paths[route]![method.toLowerCase()] : undefined;
  if (!operation) {
    // Not a route of the document (an unknown path or method): it must still be a documented problem.
    if (answer.status < 400 || !String(answer.headers['content-type']).startsWith('application/problem+json')) {
      throw new Error(`${method} ${url} is no documented route but answered ${answer.status} ${answer.headers['content-type']}`);
    }
    let problem = validators.get('problem');
    if (!problem) validators.set('problem', (problem = ajv.compile({ $ref: 'doc#/components/schemas/Problem' })));
    if (!problem(answer.body)) throw new Error(`${method} ${url}: the problem does not match the document: ${ajv.errorsText(problem.errors)}`);
    return;
  }
  const response = operation.responses[String(answer.status)];
  if (!response) throw new Error(`${method} ${route} answered ${answer.status}, which the document does not list`);
  const [contentType, media] = Object.entries(response.content)[0]!;
  if (!String(answer.headers['content-type']).startsWith(contentType)) {
    throw new Error(`${method} ${route} ${answer.status}: content type ${answer.headers['content-type']}, documented ${contentType}`);
  }
  const documented = Object.keys(response.headers ?? {}).map((name) => name.toLowerCase());
  for (const name of documented) if (answer.headers[name] === undefined && name !== 'link') throw new Error(`${method} ${route} ${answer.status}: no ${name} header`);
  for (const name of OUR_HEADERS) {
    if (answer.headers[name] !== undefined && !documented.includes(name)) throw new Error(`${method} ${route} ${answer.status}: undocumented header ${name}`);
  }
  const key = `${method} ${route} ${answer.status}`;
  let validate = validators.get(key);
  if (!validate) validators.set(key, (validate = ajv.compile(refs(media.schema) as object)));
  if (!validate(answer.body)) throw new Error(`${key}: the body does not match the document: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(answer.body).slice(0, 500)}`);
}

export class RestClient {
  constructor(
    private readonly app: App,
    readonly token: string | undefined,
  ) {}

  async request(method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS', url: string, body?: unknown, headers: Record<string, string> = {}): Promise<RestAnswer> {
    const response = await this.app.http.inject({
      method,
      url,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      ...(body !== undefined ? { payload: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body) } : {}),
    });
    const answer: RestAnswer = { status: response.statusCode, headers: response.headers as RestAnswer['headers'], body: response.body ? safeJson(response.body) : undefined };
    checkAgainstDocument(method, url, answer);
    return answer;
  }

  get(url: string) {
    return this.request('GET', url);
  }

  post(url: string, body: unknown) {
    return this.request('POST', url, body);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
