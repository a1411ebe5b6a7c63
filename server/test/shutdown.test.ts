import { existsSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { runtimePasswordFrom } from '../src/kernel/db/connection.js';
import { accepts, childEnv, freePort, SERVER_DIR, type Spawned, start, TEST_SECRET, tempDir, waitFor, within } from './fixtures/process.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

let db: TestDatabase;
let dataDir: string;
const running: Spawned[] = [];

beforeAll(async () => {
  // The server migrates at start and so sets the cluster-wide runtime password from its secret: it must be the suite's.
  expect(runtimePasswordFrom(TEST_SECRET)).toBe(inject('runtimePassword'));
  db = await createTestDatabase();
  dataDir = tempDir('admiral-shutdown-test-');
});

afterEach(() => {
  // A failed test must not leave a server behind.
  for (const server of running.splice(0)) if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
});

afterAll(async () => {
  await db?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

interface Server {
  proc: Spawned;
  port: number;
  describe(): string;
}

async function readyz(port: number): Promise<number | undefined> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
  } catch {
    return undefined;
  }
}

/** `admiral serve` as its own process; resolves once /readyz answers 200. */
async function startServer(env: Record<string, string>, readyWithinMs = 30_000): Promise<Server> {
  const port = await freePort();
  const proc = start(process.execPath, ['bin/admiral.js', 'serve'], {
    cwd: SERVER_DIR,
    env: childEnv({ PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', SHUTDOWN_TIMEOUT_MS: '10000', ...env }),
  });
  running.push(proc);
  const describe = () => `exit: ${proc.child.exitCode ?? proc.child.signalCode}\nstdout: ${proc.output().stdout}\nstderr: ${proc.output().stderr}`;
  await within(
    Promise.race([
      waitFor(async () => (await readyz(port)) === 200, readyWithinMs, 'the server to be ready', 200),
      proc.exited.then(() => {
        throw new Error(`the server exited before it was ready\n${describe()}`);
      }),
    ]),
    readyWithinMs + 1_000,
    `the server to be ready\n${describe()}`,
  );
  expect(proc.output().stdout).toContain(`Admiral is running on http://127.0.0.1:${port}`);
  return { proc, port, describe };
}

const externalEnv = () => ({ DATABASE_URL: db.ownerUrl, ADMIRAL_SECRET: TEST_SECRET, ADMIRAL_DATA_DIR: dataDir });

interface Answer {
  status: number;
  body: string;
  at: number;
}

describe('admiral serve: graceful shutdown', () => {
  it('on SIGTERM stops listening, answers the request in flight, then exits 0', async () => {
    const server = await startServer(externalEnv());
    const { port, proc } = server;

    // A request whose answer needs its whole body (an unknown route reads the body before its 404; /v1/sites
    // would answer 401 from the onRequest hook before reading any of it). Half the body now, the rest later.
    const body = JSON.stringify({ name: 'In flight', slug: 'in-flight', padding: 'x'.repeat(2000) });
    const half = Math.floor(body.length / 2);
    let answeredAt = 0;
    const request = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/v1/in-flight-upload',
      agent: false,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    const answer = new Promise<Answer>((resolve, reject) => {
      request.once('error', reject);
      request.once('response', (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.once('error', reject);
        response.once('end', () => {
          answeredAt = Date.now();
          resolve({ status: response.statusCode ?? 0, body: text, at: answeredAt });
        });
      });
    });
    answer.catch(() => {});
    request.write(body.slice(0, half));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answeredAt, 'the request must still be in flight when the signal arrives').toBe(0);

    proc.child.kill('SIGTERM');
    // The listener closes at once: new connections are refused while the request in flight drains.
    await waitFor(async () => !(await accepts(port)), 5_000, 'new connections to be refused');
    expect(proc.child.exitCode, server.describe()).toBeNull();
    expect(answeredAt).toBe(0);

    const restWrittenAt = Date.now();
    request.end(body.slice(half));
    const answered = await within(answer, 10_000, 'the in-flight request to be answered');
    expect(answered.at).toBeGreaterThanOrEqual(restWrittenAt);
    expect(answered.status, answered.body).toBe(404);
    expect(JSON.parse(answered.body)).toMatchObject({ status: 404 });

    const exit = await within(proc.exited, 20_000, 'the server to exit');
    expect(exit, server.describe()).toEqual({ code: 0, signal: null });
    expect(await accepts(port)).toBe(false);
    expect(await readyz(port)).toBeUndefined();
  }, 60_000);

  it('on SIGINT exits 0', async () => {
    const server = await startServer(externalEnv());
    server.proc.child.kill('SIGINT');
    const exit = await within(server.proc.exited, 20_000, 'the server to exit');
    expect(exit, server.describe()).toEqual({ code: 0, signal: null });
    expect(await accepts(server.port)).toBe(false);
  }, 60_000);

  it('with the embedded database, stops PostgreSQL too and exits 0', async () => {
    const embeddedDir = tempDir('admiral-shutdown-embedded-');
    try {
      const pgPort = await freePort();
      const server = await startServer({ ADMIRAL_DATA_DIR: embeddedDir, ADMIRAL_EMBEDDED_PG_PORT: String(pgPort) }, 90_000);
      expect(server.proc.output().stdout).toContain(`embedded PostgreSQL in ${embeddedDir}`);
      const pidFile = path.join(embeddedDir, 'pg', 'postmaster.pid');
      expect(existsSync(pidFile)).toBe(true);
      const postgresPid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
      expect(postgresPid).toBeGreaterThan(0);
      expect(await accepts(pgPort)).toBe(true);

      server.proc.child.kill('SIGTERM');
      const exit = await within(server.proc.exited, 30_000, 'the server to exit');
      expect(exit, server.describe()).toEqual({ code: 0, signal: null });

      expect(await accepts(server.port)).toBe(false);
      expect(await accepts(pgPort)).toBe(false);
      expect(existsSync(pidFile)).toBe(false);
      expect(() => process.kill(postgresPid, 0)).toThrow();
    } finally {
      rmSync(embeddedDir, { recursive: true, force: true });
    }
  }, 120_000);
});
