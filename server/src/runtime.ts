import type { FastifyServerOptions } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import type { AuditWriter } from './kernel/audit/writer.js';
import type { PrincipalResolver } from './kernel/auth/principal.js';
import { type DatabaseTarget, resolveDatabase } from './kernel/db/connection.js';
import { migrate } from './kernel/db/migrate.js';
import { createPool, type Pool } from './kernel/db/pool.js';
import { Database } from './kernel/db/transaction.js';
import type { RouteAccessRecord } from './kernel/http/access.js';
import type { AdmiralApp } from './kernel/http/app-types.js';
import { HostRouter } from './kernel/http/host-routing.js';
import { installJobs, JobQueue } from './kernel/jobs/queue.js';
import { Mailer } from './kernel/mail/mailer.js';
import { Metrics } from './kernel/metrics.js';
import { type Kernel, type ModuleDefinition, permissionCatalogEntries } from './kernel/module.js';
import { syncAccessCatalog } from './modules/access/index.js';
import { type IdentityResolver, identityResolver } from './modules/identity/index.js';
import { createModules, jobDefinitions } from './modules/index.js';

export interface StartOptions {
  config: Config;
  /** Where the database is; resolved from config (external or embedded) when omitted. */
  target?: DatabaseTarget;
  /** Who may call: the identity resolver by default; a resolver, or a function wrapping the default (tests add fixed tokens). */
  principals?: PrincipalResolver | ((identity: PrincipalResolver) => PrincipalResolver);
  audit?: AuditWriter;
  /** Apply migrations and install job queues first (default true). */
  migrate?: boolean;
  /** Run background workers and schedules in this process (default config.runWorkers). */
  work?: boolean;
  logger?: FastifyServerOptions['logger'];
  jobPollingIntervalSeconds?: number;
  onLog?: (line: string) => void;
}

export interface Admiral {
  app: AdmiralApp;
  kernel: Kernel;
  routes: RouteAccessRecord[];
  modules: readonly ModuleDefinition[];
  pool: Pool;
  target: DatabaseTarget;
  /** Resolves sessions and API keys; `settled()` waits until committed credential changes reached its cache. */
  identity: IdentityResolver;
  /** Drains requests, stops workers, closes the pool, stops the embedded database. Idempotent. */
  close(): Promise<void>;
}

/** Applies migrations, syncs the permission catalog and system roles, installs the job queues, as the owner. Safe to run repeatedly and concurrently. */
export async function migrateDatabase(target: DatabaseTarget, modules: readonly ModuleDefinition[] = createModules({})): Promise<string[]> {
  const { applied } = await migrate(target.ownerUrl, { runtimePassword: target.runtimePassword });
  await syncAccessCatalog(target.ownerUrl, permissionCatalogEntries(modules));
  await installJobs(target.ownerUrl, jobDefinitions(modules));
  return applied;
}

/** Assembles a running Admiral (without listening): database, modules, HTTP app, jobs. */
export async function startAdmiral(options: StartOptions): Promise<Admiral> {
  const { config } = options;
  const target = options.target ?? (await resolveDatabase(config, options.onLog));
  const pool = createPool({ connectionString: target.runtimeUrl, max: config.databasePoolMax, applicationName: 'admiral', pipeline: true });
  const db = new Database(pool, { pipelined: true });
  const metrics = new Metrics({ main: pool });
  const hostRouter = new HostRouter(db);
  const mailer = new Mailer({ smtpUrl: config.smtpUrl, from: config.mailFrom });
  const modules = createModules({ hostRouter, mailer, config });
  const jobs = new JobQueue({
    runtimeUrl: target.runtimeUrl,
    definitions: jobDefinitions(modules),
    db,
    metrics,
    pollingIntervalSeconds: options.jobPollingIntervalSeconds,
  });
  mailer.useQueue(jobs);
  // Cookie-authenticated changes may come from the console's own public origin too (behind a TLS proxy the
  // request itself looks like http://, so the same-origin comparison alone would refuse it).
  const publicOrigin = config.publicUrl ? [new URL(config.publicUrl).origin] : [];
  const identity = identityResolver(pool, {
    allowedOrigins: [...config.corsOrigins, ...publicOrigin],
    cacheSeconds: config.authCacheSeconds,
    listenUrl: target.runtimeUrl,
  });
  const principals = typeof options.principals === 'function' ? options.principals(identity) : (options.principals ?? identity);
  let built: Awaited<ReturnType<typeof buildApp>> | undefined;
  try {
    if (options.migrate !== false) await migrateDatabase(target, modules);
    built = await buildApp({
      config,
      db,
      metrics,
      jobs,
      hostRouter,
      modules,
      principals,
      audit: options.audit,
      logger: options.logger,
      mailer,
    });
    jobs.useLogger(built.app.log);
    await hostRouter.start();
    await identity.start();
    await jobs.start({ work: options.work ?? config.runWorkers });
    await built.app.ready();
  } catch (error) {
    await built?.app.close().catch(() => {});
    await jobs.stop().catch(() => {});
    hostRouter.stop();
    await identity.stop().catch(() => {});
    await pool.end().catch(() => {});
    await target.embedded?.stop();
    throw error;
  }
  const { app, kernel, routes } = built;
  let closing: Promise<void> | undefined;
  return {
    app,
    kernel,
    routes,
    modules,
    pool,
    target,
    identity,
    close() {
      closing ??= (async () => {
        await app.close();
        await jobs.stop(config.shutdownTimeoutMs);
        hostRouter.stop();
        await identity.stop();
        await pool.end();
        await target.embedded?.stop();
      })();
      return closing;
    },
  };
}
