/**
 * Admiral's TypeScript client. The console issue generates typed operations from /v1/openapi.json here;
 * until then it offers the transport every client needs: bearer auth and RFC 9457 problems as errors.
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  requestId?: string;
  errors?: Array<{ in: string; pointer: string; detail: string }>;
}

export class AdmiralError extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.status} ${problem.code}: ${problem.detail}`);
    this.name = 'AdmiralError';
  }
}

export interface ClientOptions {
  baseUrl: string;
  token?: string;
  fetch?: typeof fetch;
}

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
    const payload: unknown = await response.json();
    if (!response.ok) throw new AdmiralError(payload as Problem);
    return payload as T;
  };
}
