import PgBoss from 'pg-boss';
import { uuidv7 } from 'uuidv7';
import { createPool, type Pool } from '../db/pool.js';
import { APP_ROLE } from '../db/roles.js';
import type { Database, Tx } from '../db/transaction.js';
import type { Metrics } from '../metrics.js';

export const JOBS_SCHEMA = 'pgboss';

export interface JobContext {
  jobId: string;
  attempt: number;
  db: Database;
}

export interface JobDefinition<TData extends object = Record<string, unknown>> {
  /** Queue name, `module.job-name`. */
  name: string;
  description: string;
  /** Cron expression (UTC) for scheduled jobs. */
  schedule?: string;
  retryLimit?: number;
  retryDelaySeconds?: number;
  expireInSeconds?: number;
  /** Jobs of this queue worked at once per process. */
  concurrency?: number;
  handler(data: TData, context: JobContext): Promise<void>;
}

export function defineJob<TData extends object>(definition: JobDefinition<TData>): JobDefinition {
  return definition as unknown as JobDefinition;
}

interface Logger {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * Installs pg-boss's schema and creates every queue, as the owner (queues are partitions: DDL), then lets
 * the application role use them. Runs with the migrations.
 */
export async function installJobs(ownerUrl: string, definitions: readonly JobDefinition[]): Promise<void> {
  const boss = new PgBoss({ connectionString: ownerUrl, schema: JOBS_SCHEMA, max: 2, supervise: false, schedule: false, migrate: true });
  boss.on('error', () => {});
  await boss.start();
  try {
    const existing = new Set((await boss.getQueues()).map((q) => q.name));
    for (const def of definitions) {
      const options = {
        name: def.name,
        retryLimit: def.retryLimit ?? 3,
        retryDelay: def.retryDelaySeconds ?? 30,
        retryBackoff: true,
        expireInSeconds: def.expireInSeconds ?? 15 * 60,
      };
      if (existing.has(def.name)) await boss.updateQueue(def.name, options);
      else await boss.createQueue(def.name, options);
    }
    const db = boss.getDb();
    await db.executeSql(
      `GRANT USAGE ON SCHEMA ${JOBS_SCHEMA} TO ${APP_ROLE};
       GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${JOBS_SCHEMA} TO ${APP_ROLE};
       GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${JOBS_SCHEMA} TO ${APP_ROLE}`,
      [],
    );
  } finally {
    await boss.stop({ graceful: false, wait: true });
  }
}

/**
 * Sends and works background jobs on PostgreSQL (pg-boss: SKIP LOCKED claiming, so each job is taken by
 * exactly one worker across all processes). Every attempt is recorded in `job_runs`.
 */
export class JobQueue {
  private boss: PgBoss | undefined;
  private pool: Pool | undefined;
  private readonly byName: Map<string, JobDefinition>;
  private log: Logger;

  constructor(
    private readonly options: {
      runtimeUrl: string;
      definitions: readonly JobDefinition[];
      db: Database;
      log?: Logger;
      metrics?: Metrics;
      pollingIntervalSeconds?: number;
    },
  ) {
    this.byName = new Map(options.definitions.map((d) => [d.name, d]));
    this.log = options.log ?? { info: () => {}, error: () => {} };
  }

  useLogger(log: Logger): void {
    this.log = log;
  }

  get definitions(): readonly JobDefinition[] {
    return this.options.definitions;
  }

  /** Starts the queue for sending; with `work`, also the workers and the cron scheduler. */
  async start({ work }: { work: boolean }): Promise<void> {
    // pg-boss runs on its own small pool as the application role (session-level SET ROLE: no tenant data here).
    this.pool = createPool({ connectionString: this.options.runtimeUrl, max: 4, applicationName: 'admiral-jobs', sessionRole: APP_ROLE });
    const pool = this.pool;
    const boss = new PgBoss({
      db: { executeSql: (text, values) => pool.query(text, values) },
      schema: JOBS_SCHEMA,
      migrate: false,
      supervise: work,
      schedule: work,
    });
    boss.on('error', (error) => this.log.error({ err: error }, 'job queue error'));
    await boss.start();
    this.boss = boss;
    if (!work) return;
    for (const def of this.options.definitions) {
      if (def.schedule) await boss.schedule(def.name, def.schedule, {}, { tz: 'UTC' });
      else await boss.unschedule(def.name).catch(() => {});
      await boss.work(def.name, { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 2 }, async ([job]) => {
        if (job) await this.runOne(def, job as PgBoss.JobWithMetadata<object>);
      });
      for (let extra = 1; extra < (def.concurrency ?? 1); extra++) {
        await boss.work(def.name, { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 2 }, async ([job]) => {
          if (job) await this.runOne(def, job as PgBoss.JobWithMetadata<object>);
        });
      }
    }
  }

  /** True between start() and stop(): jobs can be sent. */
  get started(): boolean {
    return this.boss !== undefined;
  }

  /**
   * Sends a job. With `tx`, the job is written in that transaction: it exists (and runs) only if it commits,
   * which is how work that must follow a change (mail delivery) is started.
   */
  async send(name: string, data: object = {}, options: { startAfterSeconds?: number; singletonKey?: string; tx?: Tx } = {}): Promise<string | null> {
    if (!this.byName.has(name)) throw new Error(`no job named ${name}`);
    if (!this.boss) throw new Error('the job queue is not started');
    const tx = options.tx;
    return this.boss.send(name, data, {
      ...(options.startAfterSeconds ? { startAfter: options.startAfterSeconds } : {}),
      ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
      ...(tx ? { db: { executeSql: (text: string, values: unknown[]) => tx.$client.query(text, values) } } : {}),
    });
  }

  async stats(): Promise<Array<{ queue: string; queued: number }>> {
    if (!this.boss) return [];
    const boss = this.boss;
    return Promise.all(this.options.definitions.map(async (d) => ({ queue: d.name, queued: await boss.getQueueSize(d.name) })));
  }

  /** Stops taking jobs, waits for running ones (up to timeoutMs), closes the pool. */
  async stop(timeoutMs = 10_000): Promise<void> {
    const boss = this.boss;
    this.boss = undefined;
    if (boss) await boss.stop({ graceful: true, wait: true, timeout: timeoutMs });
    await this.pool?.end();
    this.pool = undefined;
  }

  private async runOne(def: JobDefinition, job: PgBoss.JobWithMetadata<object>): Promise<void> {
    const runId = uuidv7();
    const attempt = job.retryCount + 1;
    const started = process.hrtime.bigint();
    await this.options.db.asPlatform({}, (tx) =>
      tx.$client.query(`INSERT INTO job_runs (id, job_id, queue_name, job_type, status, attempts) VALUES ($1, $2, $3, $4, 'running', $5)`, [
        runId,
        job.id,
        def.name,
        def.name.split('.').slice(1).join('.') || def.name,
        attempt,
      ]),
    );
    const finish = async (status: 'completed' | 'failed', error: string | null) => {
      const ms = Number((process.hrtime.bigint() - started) / 1_000_000n);
      this.options.metrics?.jobsTotal.inc({ queue: def.name, status });
      this.options.metrics?.jobDuration.observe({ queue: def.name }, ms / 1000);
      await this.options.db.asPlatform({}, (tx) =>
        tx.$client.query(`UPDATE job_runs SET status = $2, error = $3, finished_at = now(), duration_ms = $4 WHERE id = $1`, [runId, status, error, ms]),
      );
    };
    try {
      await def.handler(job.data as Record<string, unknown>, { jobId: job.id, attempt, db: this.options.db });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log.error({ err: error, queue: def.name, jobId: job.id, attempt }, 'job failed');
      await finish('failed', message.slice(0, 2000));
      throw error;
    }
    await finish('completed', null);
  }
}
