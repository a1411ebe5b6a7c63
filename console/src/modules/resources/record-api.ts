import { AdmiralError, problemFrom } from '@admiral/sdk';
import type { Page } from '../../lib/use-cursor-list';

export type Row = Record<string, unknown>;

/** A record with the ETag of the representation it came from (for `If-Match` on edit and delete). */
export interface Versioned {
  row: Row;
  etag: string | null;
}

async function send(method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Response> {
  const response = await fetch(path, {
    method,
    credentials: 'include',
    referrerPolicy: 'same-origin',
    // The ETag must be the server's current one, not a cached copy's.
    cache: 'no-store',
    headers: {
      accept: 'application/json',
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  if (!response.ok) {
    const payload: unknown = await response.json().catch(() => undefined);
    throw new AdmiralError(problemFrom(response, payload));
  }
  return response;
}

const versioned = async (response: Response): Promise<Versioned> => ({ row: (await response.json()) as Row, etag: response.headers.get('etag') });

export const listRecords = async (path: string, query: URLSearchParams): Promise<Page<Row>> =>
  (await send('GET', `${path}?${query.toString()}`)).json() as Promise<Page<Row>>;

export const getRecord = async (path: string): Promise<Versioned> => versioned(await send('GET', path));

export const createRecord = async (path: string, body: Row, idempotencyKey: string): Promise<Versioned> =>
  versioned(await send('POST', path, { body, headers: { 'idempotency-key': idempotencyKey } }));

export const updateRecord = async (path: string, body: Row, etag: string | null): Promise<Versioned> =>
  versioned(await send('PATCH', path, { body, headers: etag ? { 'if-match': etag } : {} }));

export async function deleteRecord(path: string, etag: string | null): Promise<void> {
  await send('DELETE', path, { headers: etag ? { 'if-match': etag } : {} });
}
