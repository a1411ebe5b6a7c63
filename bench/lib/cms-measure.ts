import os from 'node:os';
import autocannon from 'autocannon';
import { busyShare, cpuSecondsBetween, cpuTotals, processCpuSeconds } from './machine.js';
import type { ServerProcess } from './server-process.js';

/** One autocannon request as the CMS scenarios need it: a path (fixed or per request), headers, a body, a response hook. */
export interface CmsRequest {
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  headers?: Record<string, string>;
  /** Per request: the path, headers and body to send; `context` lives until that request's response. */
  setup?: (context: Record<string, unknown>) => { path?: string; headers?: Record<string, string>; body?: string };
  onResponse?: (status: number, context: Record<string, unknown>, headers: Record<string, string>) => void;
}

export interface CmsMeasurement {
  scenario: string;
  target: string;
  round: number;
  connections: number;
  reqPerSec: number;
  p50: number;
  p90: number;
  p99: number;
  requests: number;
  /** Responses other than the expected status. */
  unexpected: number;
  errors: number;
  serverCpuMsPerRequest: number;
  postgresCpuMsPerRequest: number;
  /** Share of the machine used by other programs during the window. */
  otherBusy: number;
}

function run(url: string, request: CmsRequest, connections: number, seconds: number, expected: number): Promise<autocannon.Result & { unexpected: number }> {
  let unexpected = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections,
        pipelining: 1,
        duration: seconds,
        timeout: 30,
        expectBody: undefined,
        requests: [
          {
            method: request.method,
            path: request.path,
            headers: request.headers ?? {},
            setupRequest: (req: autocannon.Request, context: Record<string, unknown>) => {
              const extra = request.setup?.(context) ?? {};
              return {
                ...req,
                ...(extra.path ? { path: extra.path } : {}),
                headers: { ...req.headers, ...extra.headers },
                ...(extra.body ? { body: extra.body } : {}),
              };
            },
            onResponse: (status: number, _body: string, context: Record<string, unknown>, headers: Record<string, string>) => {
              if (status !== expected) unexpected++;
              request.onResponse?.(status, context, headers);
            },
          } as autocannon.Request,
        ],
      },
      (error, result) => (error ? reject(error) : resolve({ ...result, unexpected })),
    );
  });
}

/** Warms up, then measures one target, reading the server's and PostgreSQL's CPU time around the window. */
export async function measureCms(
  server: ServerProcess,
  ids: { scenario: string; target: string; round: number },
  request: CmsRequest,
  options: { connections: number; warmupSeconds: number; durationSeconds: number; expectedStatus: number },
  backendPids: () => Promise<number[]>,
): Promise<CmsMeasurement> {
  if (options.warmupSeconds > 0) await run(server.url, request, options.connections, options.warmupSeconds, options.expectedStatus);
  const serverBefore = await server.cpuMicros();
  const postgresBefore = processCpuSeconds(await backendPids());
  const machineBefore = cpuTotals();
  const selfBefore = process.cpuUsage();
  const wallBefore = process.hrtime.bigint();
  const result = await run(server.url, request, options.connections, options.durationSeconds, options.expectedStatus);
  const wallMicros = Number((process.hrtime.bigint() - wallBefore) / 1000n);
  const self = process.cpuUsage(selfBefore);
  const machineBusy = busyShare(machineBefore, cpuTotals());
  const postgresSeconds = cpuSecondsBetween(postgresBefore, processCpuSeconds([...postgresBefore.keys()]));
  const serverMicros = (await server.cpuMicros()) - serverBefore;
  const postgresMicros = postgresSeconds === undefined ? Number.NaN : postgresSeconds * 1e6;
  const requests = result.requests.total;
  const ours = (serverMicros + (Number.isNaN(postgresMicros) ? 0 : postgresMicros) + self.user + self.system) / wallMicros;
  return {
    ...ids,
    connections: options.connections,
    reqPerSec: result.requests.average,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    requests,
    unexpected: result.unexpected,
    errors: result.errors,
    serverCpuMsPerRequest: requests > 0 ? serverMicros / 1000 / requests : Number.NaN,
    postgresCpuMsPerRequest: requests > 0 ? postgresMicros / 1000 / requests : Number.NaN,
    otherBusy: Number.isNaN(postgresMicros) ? Number.NaN : Math.max(0, machineBusy - ours / os.cpus().length),
  };
}
