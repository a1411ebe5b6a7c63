import { AdmiralError, createAdmiralClient, createClient, type Problem, type Schema, unwrap } from '@admiral/sdk';

export { AdmiralError, type Problem, type Schema, unwrap };

/**
 * The console's typed API client. Same origin, authenticated by the HttpOnly session cookie. Requests carry
 * the page's origin (referrer policy `same-origin`): the server refuses cookie-authenticated changes without it.
 */
export const api = createAdmiralClient({
  credentials: 'include',
  fetch: (request) => fetch(new Request(request, { referrerPolicy: 'same-origin' })),
});

const sameOrigin = (input: RequestInfo | URL, init?: RequestInit) => fetch(input, { ...init, credentials: 'include', referrerPolicy: 'same-origin' });

/**
 * Untyped calls, for paths only known at run time (generic resource screens built from GET /v1/meta/resources):
 * `request<Page<Row>>('GET', '/v1/sites/…/domains?limit=50')`. Problems throw `AdmiralError` like `unwrap`.
 */
export const request = createClient({ baseUrl: window.location.origin, fetch: sameOrigin as typeof fetch });

export const isProblem = (error: unknown, status?: number, code?: string): error is AdmiralError =>
  error instanceof AdmiralError && (status === undefined || error.status === status) && (code === undefined || error.code === code);

/** A sentence for a toast or an error state. */
export function describeError(error: unknown): string {
  if (error instanceof AdmiralError) return error.problem.detail || error.problem.title;
  if (error instanceof TypeError) return 'The server cannot be reached. Check your connection and try again.';
  return error instanceof Error ? error.message : 'Something went wrong.';
}

/** A fresh Idempotency-Key for one create (retries of the same submission reuse it). */
export const idempotencyKey = () => crypto.randomUUID();
