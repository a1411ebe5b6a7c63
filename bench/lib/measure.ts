import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { type LoadSpec, runLoad } from './load.js';
import { busyShare, cpuSecondsBetween, cpuTotals, processCpuSeconds } from './machine.js';
import type { ServerProcess } from './server-process.js';

export type ScenarioId = 'list' | 'create' | 'sign-in' | 'auth';
/**
 * `bare-tx` is a diagnostic: the bare server's SQL inside Admiral's tenant transaction (see servers/bare.ts).
 * `session` and `api-key`: Admiral's list called with a real session token or API key instead of the fixed
 * bearer token (`admiral`), so the principal is resolved from the database (the `auth` scenario).
 */
export type ServerId = 'admiral' | 'bare' | 'bare-tx' | 'session' | 'api-key';

export interface Measurement {
  scenario: ScenarioId;
  server: ServerId;
  round: number;
  /** autocannon's mean of per-second request counts. */
  reqPerSec: number;
  p50: number;
  p99: number;
  /** Responses received in the measured window. */
  requests: number;
  non2xx: number;
  errors: number;
  durationSeconds: number;
  /** The server process's user + system CPU time per response, in ms. */
  serverCpuMsPerRequest: number;
  /** The server process's CPU time over wall time (1 = one core fully busy). */
  serverCpuShare: number;
  /** CPU time per response of the PostgreSQL backends serving the bench database, in ms (NaN without /proc). */
  postgresCpuMsPerRequest: number;
  /** The same over wall time, in cores. */
  postgresCpuShare: number;
  /** This process (autocannon) over wall time, in cores. */
  loadGenCpuShare: number;
  /** Busy share of all cores of the machine. */
  machineBusy: number;
  /** Cores busy with something other than the server, PostgreSQL and autocannon (other programs), over all cores. */
  otherBusy: number;
}

/** Waits (up to `maxSeconds`) until the machine is quiet, so other programs' work does not land in a measurement. */
export async function waitForQuiet(threshold: number, maxSeconds: number, log: (line: string) => void): Promise<number> {
  const deadline = Date.now() + maxSeconds * 1000;
  let warned = false;
  for (;;) {
    const from = cpuTotals();
    await sleep(1000);
    const busy = busyShare(from, cpuTotals());
    if (busy <= threshold || Date.now() >= deadline) {
      if (busy > threshold) log(`bench:   the machine is still ${(busy * 100).toFixed(0)} % busy with other work; measuring anyway`);
      return busy;
    }
    if (!warned) log(`bench:   waiting for other work to finish (${(busy * 100).toFixed(0)} % of all cores busy)`);
    warned = true;
  }
}

/** Warms up, then measures one server for one scenario, reading CPU times around the window. */
export async function measure(
  server: ServerProcess,
  ids: { scenario: ScenarioId; server: ServerId; round: number },
  spec: (phase: 'warmup' | 'measure') => LoadSpec,
  warmupSeconds: number,
  /** The PostgreSQL backend processes connected to the bench database (the pools are open after the warm-up). */
  backendPids: () => Promise<number[]>,
): Promise<Measurement> {
  if (warmupSeconds > 0) await runLoad({ ...spec('warmup'), durationSeconds: warmupSeconds });
  const load = spec('measure');
  const serverBefore = await server.cpuMicros();
  const postgresBefore = processCpuSeconds(await backendPids());
  const selfBefore = process.cpuUsage();
  const machineBefore = cpuTotals();
  const wallBefore = process.hrtime.bigint();
  const result = await runLoad(load);
  const wallMicros = Number((process.hrtime.bigint() - wallBefore) / 1000n);
  const machineAfter = cpuTotals();
  const self = process.cpuUsage(selfBefore);
  const postgresSeconds = cpuSecondsBetween(postgresBefore, processCpuSeconds([...postgresBefore.keys()]));
  const serverMicros = (await server.cpuMicros()) - serverBefore;
  const postgresMicros = postgresSeconds === undefined ? Number.NaN : postgresSeconds * 1e6;
  const requests = result.requests.total;
  const perRequest = (micros: number) => (requests > 0 ? micros / 1000 / requests : Number.NaN);
  const machineBusy = busyShare(machineBefore, machineAfter);
  const cores = os.cpus().length;
  const ours = (serverMicros + (Number.isNaN(postgresMicros) ? 0 : postgresMicros) + self.user + self.system) / wallMicros;
  return {
    ...ids,
    reqPerSec: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests,
    non2xx: result.non2xx,
    errors: result.errors,
    durationSeconds: result.duration,
    serverCpuMsPerRequest: perRequest(serverMicros),
    serverCpuShare: serverMicros / wallMicros,
    postgresCpuMsPerRequest: perRequest(postgresMicros),
    postgresCpuShare: postgresMicros / wallMicros,
    loadGenCpuShare: (self.user + self.system) / wallMicros,
    machineBusy,
    otherBusy: Number.isNaN(postgresMicros) ? Number.NaN : Math.max(0, machineBusy - ours / cores),
  };
}
