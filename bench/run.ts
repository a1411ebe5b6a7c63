/**
 * `npm run bench`: Admiral against a bare Fastify + pg server answering the same queries, in the same run,
 * each in its own child process, autocannon in this one. Writes bench/RESULTS.md. See bench/README.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { uuidv7 } from 'uuidv7';
import { hashPassword } from '../server/src/kernel/crypto/passwords.js';
import { runtimePasswordFrom, runtimeUrlFrom } from '../server/src/kernel/db/connection.js';
import { migrateDatabase } from '../server/src/runtime.js';
import { type Argon2Measurement, measureArgon2 } from './lib/argon2-ceiling.js';
import {
  BENCH_DATABASE,
  dropDatabase,
  postgresVersion,
  recreateDatabase,
  resetCreatedDomains,
  type SeededIdentity,
  seed,
  seedIdentity,
} from './lib/database.js';
import type { LoadSpec } from './lib/load.js';
import { describeMachine } from './lib/machine.js';
import { type Measurement, measure, type ScenarioId, type ServerId, waitForQuiet } from './lib/measure.js';
import type { ChildConfig } from './lib/protocol.js';
import { renderResults, type Settings } from './lib/report.js';
import { ServerProcess } from './lib/server-process.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** Fixed, so the runtime role's password is the same on every run (the role is cluster-wide). */
const BENCH_SECRET = 'admiral-bench-secret-not-for-production-0123456789';
const BENCH_TOKEN = 'bench-token';
/** What the fixed principal, the seeded user's role and the seeded API key all hold on the measured site. */
const BENCH_PERMISSIONS = ['domains.read', 'domains.create'];
const BENCH_PASSWORD = 'bench-password-correct-horse-battery';
const ALL_SCENARIOS: ScenarioId[] = ['list', 'create', 'sign-in', 'auth'];

function intEnv(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name}=${raw}: expected an integer ≥ ${min}`);
  return value;
}

function scenariosFromEnv(): ScenarioId[] {
  const raw = process.env.BENCH_SCENARIOS;
  if (!raw) return ALL_SCENARIOS;
  const wanted = raw.split(',').map((s) => s.trim());
  for (const s of wanted) {
    if (!ALL_SCENARIOS.includes(s as ScenarioId)) throw new Error(`BENCH_SCENARIOS: unknown scenario ${s}; expected some of ${ALL_SCENARIOS.join(', ')}`);
  }
  return wanted as ScenarioId[];
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function assertBypassesRls(ownerUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ ok: boolean }>('SELECT rolsuper OR rolbypassrls AS ok FROM pg_roles WHERE rolname = current_user');
    if (!rows[0]?.ok) {
      throw new Error('the bench database URL must name a superuser (or a BYPASSRLS role): the bare baseline reads without RLS, and tenant tables FORCE it');
    }
  } finally {
    await client.end();
  }
}

/** Where each target lives: which process, under which path prefix, with which headers. */
interface Target {
  process: ServerProcess;
  prefix: string;
  headers: Record<string, string>;
}

function targets(admiral: ServerProcess, bare: ServerProcess, credentials: { session: string; apiKey: string }): Record<ServerId, Target> {
  return {
    admiral: { process: admiral, prefix: '/v1', headers: { authorization: `Bearer ${BENCH_TOKEN}` } },
    bare: { process: bare, prefix: '', headers: {} },
    'bare-tx': { process: bare, prefix: '/tx', headers: {} },
    session: { process: admiral, prefix: '/v1', headers: { authorization: `Bearer ${credentials.session}` } },
    'api-key': { process: admiral, prefix: '/v1', headers: { authorization: `Bearer ${credentials.apiKey}` } },
  };
}

const isAdmiral = (server: ServerId) => server !== 'bare' && server !== 'bare-tx';

/** Which targets each scenario measures (the diagnostic bare-tx only with the breakdown). */
function sequenceOf(scenario: ScenarioId, breakdown: boolean): ServerId[] {
  if (scenario === 'auth') return ['admiral', 'session', 'api-key'];
  if (scenario === 'sign-in') return ['admiral'];
  return breakdown ? ['admiral', 'bare', 'bare-tx'] : ['admiral', 'bare'];
}

/** A session of the seeded user, through Admiral's own sign-in. */
async function signInOnce(admiral: ServerProcess, identity: SeededIdentity): Promise<string> {
  const response = await fetch(`${admiral.url}/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: identity.email, password: identity.password }),
  });
  if (response.status !== 200) throw new Error(`sign-in answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

/** What each target is asked, per scenario; creates get a unique domain name per request. */
function loadSpecs(all: Record<ServerId, Target>, siteId: string, connections: number, durationSeconds: number, identity: SeededIdentity) {
  let serial = 0;
  const tags: Record<ServerId, string> = { admiral: 'a', bare: 'b', 'bare-tx': 't', session: 's', 'api-key': 'k' };
  const signInBody = JSON.stringify({ email: identity.email, password: identity.password });
  return (scenario: ScenarioId, server: ServerId, round: number) =>
    (phase: 'warmup' | 'measure'): LoadSpec => {
      const target = all[server];
      const base = { url: target.process.url, connections, durationSeconds, path: `${target.prefix}/sites/${siteId}/domains` };
      if (scenario === 'list' || scenario === 'auth') {
        return { ...base, method: 'GET', path: isAdmiral(server) ? `${base.path}?limit=50` : base.path, headers: target.headers };
      }
      if (scenario === 'sign-in') {
        return { ...base, method: 'POST', path: '/v1/auth/sign-in', headers: { 'content-type': 'application/json' }, body: () => signInBody };
      }
      const tag = `${tags[server]}${round}${phase[0]}`;
      return {
        ...base,
        method: 'POST',
        headers: { ...target.headers, 'content-type': 'application/json' },
        body: () => JSON.stringify({ domainName: `${tag}-${(serial++).toString(36)}.bench.test` }),
      };
    };
}

/** Every target must answer the same thing before its speed means anything. */
async function sanityCheck(all: Record<ServerId, Target>, siteId: string, otherSiteId: string): Promise<void> {
  const pages: Partial<Record<ServerId, string>> = {};
  for (const [id, target] of Object.entries(all) as Array<[ServerId, Target]>) {
    const response = await fetch(`${target.process.url}${target.prefix}/sites/${siteId}/domains${isAdmiral(id) ? '?limit=50' : ''}`, {
      headers: target.headers,
    });
    if (response.status !== 200) throw new Error(`sanity check: ${id} answered the list with ${response.status}`);
    const rows = ((await response.json()) as { data: Array<{ id: string }> }).data;
    if (rows.length !== 50) throw new Error(`sanity check: ${id} listed ${rows.length} rows, not 50`);
    pages[id] = rows.map((r) => r.id).join();
  }
  if (Object.values(pages).some((page) => page !== pages.bare)) throw new Error('sanity check: the targets do not list the same 50 rows');
  for (const id of ['admiral', 'session', 'api-key'] as const) {
    const other = await fetch(`${all[id].process.url}/v1/sites/${otherSiteId}/domains?limit=50`, { headers: all[id].headers });
    if (other.status !== 403)
      throw new Error(`sanity check: Admiral answered ${other.status} to ${id} for another site; expected 403 (the permission check must be real)`);
  }
}

/** The "## Console" section of the report comes from the console's browser tests, not from this run: it is kept. */
function consoleSection(file: string): string {
  try {
    const text = readFileSync(file, 'utf8');
    const at = text.indexOf('\n## Console');
    return at === -1 ? '' : text.slice(at);
  } catch {
    return '';
  }
}

async function main(): Promise<void> {
  const adminUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const settings: Settings = {
    connections: intEnv('BENCH_CONNECTIONS', 16),
    durationSeconds: intEnv('BENCH_DURATION', 10),
    warmupSeconds: intEnv('BENCH_WARMUP', 3, 0),
    rounds: intEnv('BENCH_ROUNDS', 2),
    poolMax: intEnv('BENCH_POOL', 10),
    rows: intEnv('BENCH_ROWS', 2000),
    scenarios: scenariosFromEnv(),
    breakdown: process.env.BENCH_BREAKDOWN !== '0',
    backgroundBusy: 0,
    quietThreshold: intEnv('BENCH_QUIET_PERCENT', 15, 0) / 100,
  };
  const output = path.resolve(HERE, process.env.BENCH_OUTPUT || 'RESULTS.md');
  const cpuProfDir = process.env.BENCH_CPU_PROF ? path.resolve(HERE, process.env.BENCH_CPU_PROF) : undefined;

  log(`bench: database ${BENCH_DATABASE} on ${new URL(adminUrl).host}`);
  const ownerUrl = await recreateDatabase(adminUrl);
  const processes: ServerProcess[] = [];
  const closers: Array<() => Promise<void>> = [];
  try {
    await assertBypassesRls(ownerUrl);
    const runtimePassword = runtimePasswordFrom(BENCH_SECRET);
    const runtimeUrl = runtimeUrlFrom(ownerUrl, runtimePassword);
    await migrateDatabase({ ownerUrl, runtimeUrl, runtimePassword, embedded: undefined });
    const { siteId, otherSiteId } = await seed(ownerUrl, settings.rows);
    const passwordHash = await hashPassword(BENCH_PASSWORD);
    const identity = await seedIdentity(ownerUrl, siteId, BENCH_PERMISSIONS, BENCH_PASSWORD, passwordHash);
    const machine = describeMachine(await postgresVersion(ownerUrl));
    log(`bench: seeded ${settings.rows} domains on site ${siteId} (and as many on a neighbour site), a user and an API key`);

    const config: ChildConfig = {
      ownerUrl,
      runtimeUrl,
      runtimePassword,
      secret: BENCH_SECRET,
      poolMax: settings.poolMax,
      siteId,
      token: BENCH_TOKEN,
      permissions: BENCH_PERMISSIONS,
      principalId: uuidv7(),
    };
    // With BENCH_CPU_PROF=<dir>, each server writes a V8 CPU profile to <dir>/<server>/ when it stops.
    const profile = (name: string) => (cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${path.join(cpuProfDir, name)}`] : []);
    // BENCH_ADMIRAL_ENTRY=<file> measures a variant (e.g. a file that patches a kernel function, then imports servers/admiral.ts).
    const admiralEntry = path.resolve(HERE, process.env.BENCH_ADMIRAL_ENTRY || 'servers/admiral.ts');
    const admiral = await ServerProcess.start('admiral', admiralEntry, config, { execArgv: profile('admiral') });
    processes.push(admiral);
    const bare = await ServerProcess.start('bare', path.join(HERE, 'servers/bare.ts'), config, { execArgv: profile('bare') });
    processes.push(bare);
    const all = targets(admiral, bare, { session: await signInOnce(admiral, identity), apiKey: identity.apiKey });
    await sanityCheck(all, siteId, otherSiteId);

    // Other programs' work skews every figure: wait for a quiet machine before each measurement.
    const retries = intEnv('BENCH_RETRIES', 2, 0);
    const quiet = { threshold: settings.quietThreshold, maxSeconds: intEnv('BENCH_QUIET_WAIT', 120, 0) };
    settings.backgroundBusy = await waitForQuiet(quiet.threshold, quiet.maxSeconds, log);
    log(`bench: background load ${(settings.backgroundBusy * 100).toFixed(0)} % of all cores`);

    // PostgreSQL's share of the work: the CPU time of the backends serving the bench database and of the server's
    // background processes (WAL writer, checkpointer, …), read from /proc (local servers only).
    const monitor = new pg.Client({ connectionString: ownerUrl });
    await monitor.connect();
    closers.push(() => monitor.end());
    const backendPids = async () =>
      (
        await monitor.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity
           WHERE (datname = current_database() OR backend_type <> 'client backend') AND pid <> pg_backend_pid()`)
      ).rows.map((r) => r.pid);

    const specFor = loadSpecs(all, siteId, settings.connections, settings.durationSeconds, identity);
    const measurements: Measurement[] = [];
    const argon2: Argon2Measurement[] = [];
    const ceiling = async (round: number) => {
      log(`bench: sign-in round ${round}: argon2 ceiling (warm-up ${settings.warmupSeconds} s, measure ${settings.durationSeconds} s)`);
      await waitForQuiet(quiet.threshold, quiet.maxSeconds, log);
      const job = {
        hash: passwordHash,
        password: BENCH_PASSWORD,
        concurrency: 2,
        warmupSeconds: settings.warmupSeconds,
        durationSeconds: settings.durationSeconds,
      };
      let m = await measureArgon2(job, round);
      for (let retry = 0; retry < retries && m.otherBusy > quiet.threshold; retry++) {
        log(`bench:   other programs used ${(m.otherBusy * 100).toFixed(0)} % of the machine during the measurement; measuring again`);
        await waitForQuiet(quiet.threshold, quiet.maxSeconds, log);
        m = await measureArgon2(job, round);
      }
      log(
        `bench:   ${m.hashesPerSecond.toFixed(1)} verifications/s (${m.concurrency} at a time), ${(m.cpuMicros / 1000 / m.hashes).toFixed(3)} ms CPU each, ` +
          `other load ${(m.otherBusy * 100).toFixed(0)} %`,
      );
      argon2.push(m);
    };
    for (const scenario of settings.scenarios) {
      const sequence = sequenceOf(scenario, settings.breakdown);
      for (let round = 1; round <= settings.rounds; round++) {
        // Alternate who goes first, so drift (caches, table growth, other load) does not favour one side.
        const order = round % 2 === 1 ? sequence : [...sequence].reverse();
        if (scenario === 'sign-in' && round % 2 === 0) await ceiling(round);
        for (const server of order) {
          log(`bench: ${scenario} round ${round}: ${server} (warm-up ${settings.warmupSeconds} s, measure ${settings.durationSeconds} s)`);
          await waitForQuiet(quiet.threshold, quiet.maxSeconds, log);
          const run = async () => {
            if (scenario === 'create') await resetCreatedDomains(monitor);
            return measure(all[server].process, { scenario, server, round }, specFor(scenario, server, round), settings.warmupSeconds, backendPids);
          };
          let m = await run();
          // Other programs took a share of the machine during the window: the figure is not this code's. Measure again.
          for (let retry = 0; retry < retries && m.otherBusy > quiet.threshold; retry++) {
            log(`bench:   other programs used ${(m.otherBusy * 100).toFixed(0)} % of the machine during the measurement; measuring again`);
            await waitForQuiet(quiet.threshold, quiet.maxSeconds, log);
            m = await run();
          }
          log(
            `bench:   ${m.reqPerSec.toFixed(0)} req/s, p50 ${m.p50} ms, p99 ${m.p99} ms, CPU ${m.serverCpuMsPerRequest.toFixed(3)} ms/req ` +
              `(PostgreSQL ${m.postgresCpuMsPerRequest.toFixed(3)}), other load ${(m.otherBusy * 100).toFixed(0)} %` +
              (m.non2xx || m.errors ? `, ${m.non2xx} non-2xx, ${m.errors} errors` : ''),
          );
          measurements.push(m);
        }
        if (scenario === 'sign-in' && round % 2 === 1) await ceiling(round);
      }
    }
    writeFileSync(output, renderResults({ machine, settings, measurements, argon2 }) + consoleSection(output));
    log(`bench: wrote ${path.relative(process.cwd(), output)}`);
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
    for (const close of closers) await close().catch(() => {});
    if (!process.env.BENCH_KEEP_DATABASE) await dropDatabase(adminUrl).catch(() => {});
  }
}

main().catch((error: unknown) => {
  log(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
