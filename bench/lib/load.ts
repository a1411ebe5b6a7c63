import autocannon from 'autocannon';

export interface LoadSpec {
  url: string;
  path: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  connections: number;
  durationSeconds: number;
  /** A fresh body for every request (autocannon's setupRequest); omitted for GETs. */
  body?: () => string;
}

/** One autocannon run with a fixed connection count and no pipelining, in this (the harness's) process. */
export function runLoad(spec: LoadSpec): Promise<autocannon.Result> {
  const makeBody = spec.body;
  return autocannon({
    url: spec.url,
    connections: spec.connections,
    pipelining: 1,
    duration: spec.durationSeconds,
    timeout: 30,
    requests: [
      {
        method: spec.method,
        path: spec.path,
        headers: spec.headers,
        ...(makeBody ? { setupRequest: (request: autocannon.Request) => ({ ...request, body: makeBody() }) } : {}),
      },
    ],
  });
}
