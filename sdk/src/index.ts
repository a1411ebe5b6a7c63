/**
 * Admiral's TypeScript client: every operation of GET /v1/openapi.json, typed (`src/openapi.d.ts`, generated
 * by `npm run generate -w sdk`), over openapi-fetch; RFC 9457 problems become `AdmiralError`s.
 *
 *   const admiral = createAdmiralClient({ baseUrl: 'https://admin.example.com', token });
 *   const page = await unwrap(admiral.GET('/v1/sites/{siteId}/roles', { params: { path: { siteId } } }));
 */
import createFetchClient, { type Client } from 'openapi-fetch';
import type { components, operations, paths } from './openapi.js';

export type { components, operations, paths };
/** The API's named schemas: `Schema<'User'>`, `Schema<'Problem'>`, … */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];
export type AdmiralClient = Client<paths>;

export interface FieldError {
  in: string;
  pointer: string;
  detail: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
}

export class AdmiralError extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.status} ${problem.code}: ${problem.detail}`);
    this.name = 'AdmiralError';
  }

  get status(): number {
    return this.problem.status;
  }

  get code(): string {
    return this.problem.code;
  }
}

export interface AdmiralClientOptions {
  /** Where Admiral is; '' or omitted in a page served by Admiral itself (same origin). */
  baseUrl?: string;
  /** A session token or API key, sent as a bearer token. Omit for cookie authentication (the console). */
  token?: string;
  /** 'include' for the console's HttpOnly session cookie across origins; same-origin pages send it anyway. */
  credentials?: RequestCredentials;
  headers?: Record<string, string>;
  fetch?: (request: Request) => Promise<Response>;
}

/** A typed client: `client.GET('/v1/me')`, `client.POST('/v1/sites', { body })`, … (see openapi-fetch). */
export function createAdmiralClient(options: AdmiralClientOptions = {}): AdmiralClient {
  return createFetchClient<paths>({
    baseUrl: options.baseUrl ?? '',
    credentials: options.credentials,
    headers: { accept: 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...options.headers },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && typeof (value as Problem).code === 'string' && typeof (value as Problem).status === 'number';
}

/** The problem behind a failed response: its RFC 9457 body, or one made up from the status when there is none. */
export function problemFrom(response: Response, body: unknown): Problem {
  if (isProblem(body)) return body;
  return {
    type: 'about:blank',
    title: response.statusText || 'Error',
    status: response.status,
    code: response.status >= 500 ? 'internal_error' : 'http_error',
    detail: typeof body === 'string' && body ? body.slice(0, 500) : `The server answered ${response.status}.`,
  };
}

/** Awaits an openapi-fetch call: its data on success, an `AdmiralError` carrying the problem otherwise. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw new AdmiralError(problemFrom(response, error));
  return data as T;
}

export interface ClientOptions {
  baseUrl: string;
  token?: string;
  fetch?: typeof fetch;
}

/** A minimal untyped transport (method, path, body), for scripts that call routes the typed client lacks. */
export function createClient(options: ClientOptions) {
  const doFetch = options.fetch ?? fetch;
  return async function request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const response = await doFetch(new URL(path, options.baseUrl), {
      method,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 204) return undefined as T;
    const payload: unknown = await response.json().catch(() => undefined);
    if (!response.ok) throw new AdmiralError(problemFrom(response, payload));
    return payload as T;
  };
}
