import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '../src/kernel/db/pool.js';
import { Database } from '../src/kernel/db/transaction.js';
import { defineJob, installJobs, type JobContext, type JobDefinition, JobQueue } from '../src/kernel/jobs/queue.js';
import { Metrics } from '../src/kernel/metrics.js';
import { CLAIM_QUEUE, claimDefinitions } from './fixtures/claim-jobs.js';
import { SERVER_DIR, type Spawned, start, waitFor, within } from './fixtures/process.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

interface JobRun {
  job_id: string;
  queue_name: string;
  job_type: string;
  status: string;
  attempts: number;
  error: string | null;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
}

const seen: Array<{ data: Record<string, unknown>; context: JobContext }> = [];
let slowStarted: () => void = () => {};
let slowFinishedAt = 0;

/** The definitions the main worker in this file runs. */
const mainDefinitions: JobDefinition[] = [
  defineJob<{ word: string }>({
    name: 'test.echo',
    description: 'remembers what it was given',
    retryLimit: 0,
    async handler(data, context) {
      seen.push({ data, context });
      await new Promise((resolve) => setTimeout(resolve, 50));
    },
  }),
  defineJob({
    name: 'test.fail',
    description: 'always fails',
    retryLimit: 1,
    retryDelaySeconds: 1,
    async handler(_data, context) {
      throw new Error(`boom on attempt ${context.attempt}`);
    },
  }),
  defineJob({
    name: 'test.cron',
    description: 'runs every five minutes',
    schedule: '*/5 * * * *',
    async handler() {},
  }),
];

const slowDefinitions: JobDefinition[] = [
  defineJob({
    name: 'test.slow',
    description: 'takes its time',
    retryLimit: 0,
    async handler() {
      slowStarted();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      slowFinishedAt = Date.now();
    },
  }),
];

let db: TestDatabase;
let pool: Pool;
let metrics: Metrics;
let queue: JobQueue;

async function runsOf(jobId: string): Promise<JobRun[]> {
  return (await db.ownerQuery<JobRun>('SELECT * FROM job_runs WHERE job_id = $1 ORDER BY attempts', [jobId])).rows;
}

async function stateOf(jobId: string): Promise<string | undefined> {
  return (await db.ownerQuery<{ state: string }>('SELECT state FROM pgboss.job WHERE id = $1', [jobId])).rows[0]?.state;
}

async function jobsTotal(queueName: string, status: string): Promise<number> {
  const metric = await metrics.jobsTotal.get();
  return metric.values.find((v) => v.labels.queue === queueName && v.labels.status === status)?.value ?? 0;
}

beforeAll(async () => {
  db = await createTestDatabase();
  await installJobs(db.ownerUrl, [...mainDefinitions, ...slowDefinitions, ...claimDefinitions('install')]);
  pool = createPool({ connectionString: db.runtimeUrl, max: 6, applicationName: 'admiral-test-jobs' });
  metrics = new Metrics({ main: pool });
});

afterAll(async () => {
  await queue?.stop();
  await pool?.end();
  await db?.drop();
});

describe('JobQueue', () => {
  it('registers cron schedules only when it works, and drops schedules of jobs that lost theirs', async () => {
    // A stale schedule for a job that no longer declares one.
    await db.ownerQuery(`INSERT INTO pgboss.schedule (name, cron, timezone) VALUES ('test.echo', '* * * * *', 'UTC')`);
    const sender = new JobQueue({ runtimeUrl: db.runtimeUrl, definitions: mainDefinitions, db: new Database(pool) });
    await sender.start({ work: false });
    await sender.stop();
    expect((await db.ownerQuery('SELECT name FROM pgboss.schedule ORDER BY name')).rows).toEqual([{ name: 'test.echo' }]);

    queue = new JobQueue({ runtimeUrl: db.runtimeUrl, definitions: mainDefinitions, db: new Database(pool), metrics, pollingIntervalSeconds: 0.5 });
    await queue.start({ work: true });
    const { rows } = await db.ownerQuery<{ name: string; cron: string; timezone: string }>('SELECT name, cron, timezone FROM pgboss.schedule ORDER BY name');
    expect(rows).toEqual([{ name: 'test.cron', cron: '*/5 * * * *', timezone: 'UTC' }]);
  });

  it('works a sent job and records the attempt in job_runs', async () => {
    const before = await jobsTotal('test.echo', 'completed');
    const jobId = await queue.send('test.echo', { word: 'hello' });
    expect(jobId).toEqual(expect.any(String));
    const id = jobId as string;
    await waitFor(async () => (await runsOf(id)).some((r) => r.status !== 'running'), 10_000, 'the echo job to finish');
    const runs = await runsOf(id);
    expect(runs).toHaveLength(1);
    const [run] = runs as [JobRun];
    expect(run).toMatchObject({ job_id: id, queue_name: 'test.echo', job_type: 'echo', status: 'completed', attempts: 1, error: null });
    expect(run.finished_at).not.toBeNull();
    expect(Date.parse(run.finished_at as string)).toBeGreaterThanOrEqual(Date.parse(run.started_at));
    expect(run.duration_ms).toBeGreaterThanOrEqual(45);
    expect(run.duration_ms).toBeLessThan(10_000);

    expect(seen).toHaveLength(1);
    expect(seen[0]?.data).toEqual({ word: 'hello' });
    expect(seen[0]?.context.jobId).toBe(id);
    expect(seen[0]?.context.attempt).toBe(1);

    await waitFor(async () => (await stateOf(id)) === 'completed', 5_000, 'pg-boss to mark the job completed');
    expect(await jobsTotal('test.echo', 'completed')).toBe(before + 1);
    expect(await metrics.registry.metrics()).toMatch(/admiral_jobs_total\{queue="test.echo",status="completed"\} 1/);
    expect(await metrics.registry.metrics()).toMatch(/admiral_job_duration_seconds_count\{queue="test.echo"\} 1/);
  });

  it('rejects a job it does not know', async () => {
    await expect(queue.send('test.nope')).rejects.toThrow('no job named test.nope');
  });

  it('records a failing job as failed with its error, and retries it', async () => {
    const before = await jobsTotal('test.fail', 'failed');
    const id = (await queue.send('test.fail')) as string;
    await waitFor(async () => (await stateOf(id)) === 'failed', 15_000, 'the failing job to exhaust its retries', 200);
    const runs = await runsOf(id);
    expect(runs.map((r) => ({ attempts: r.attempts, status: r.status, error: r.error }))).toEqual([
      { attempts: 1, status: 'failed', error: 'boom on attempt 1' },
      { attempts: 2, status: 'failed', error: 'boom on attempt 2' },
    ]);
    for (const run of runs) {
      expect(run.queue_name).toBe('test.fail');
      expect(run.job_type).toBe('fail');
      expect(run.finished_at).not.toBeNull();
      expect(run.duration_ms).toEqual(expect.any(Number));
    }
    const [first, second] = runs as [JobRun, JobRun];
    // retryDelaySeconds 1: the second attempt starts at least a second after the first.
    expect(Date.parse(second.started_at) - Date.parse(first.started_at)).toBeGreaterThanOrEqual(900);
    const job = (await db.ownerQuery<{ retry_count: number }>('SELECT retry_count FROM pgboss.job WHERE id = $1', [id])).rows[0];
    expect(job?.retry_count).toBe(1);
    expect(await jobsTotal('test.fail', 'failed')).toBe(before + 2);
  });

  it('stop() waits for a running job to finish', async () => {
    const slowPool = createPool({ connectionString: db.runtimeUrl, max: 4, applicationName: 'admiral-test-slow' });
    const slow = new JobQueue({ runtimeUrl: db.runtimeUrl, definitions: slowDefinitions, db: new Database(slowPool), pollingIntervalSeconds: 0.5 });
    try {
      const started = new Promise<void>((resolve) => {
        slowStarted = resolve;
      });
      await slow.start({ work: true });
      const id = (await slow.send('test.slow')) as string;
      await within(started, 10_000, 'the slow job to start');
      await slow.stop();
      const stoppedAt = Date.now();
      expect(slowFinishedAt).toBeGreaterThan(0);
      expect(slowFinishedAt).toBeLessThanOrEqual(stoppedAt);
      const runs = await runsOf(id);
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ status: 'completed', attempts: 1, error: null });
      expect(runs[0]?.duration_ms).toBeGreaterThanOrEqual(1400);
      // pg-boss recorded the job as completed, not left it active or failed it at shutdown.
      expect(await stateOf(id)).toBe('completed');
    } finally {
      await slow.stop();
      await slowPool.end();
    }
  });

  it('claims each job exactly once across workers in this process and another process', async () => {
    await db.ownerQuery('CREATE TABLE job_claims (job_id text NOT NULL, worker text NOT NULL)');
    await db.ownerQuery('GRANT INSERT, SELECT ON job_claims TO admiral_app');

    const pools = [
      createPool({ connectionString: db.runtimeUrl, max: 6, applicationName: 'claim-a' }),
      createPool({ connectionString: db.runtimeUrl, max: 6, applicationName: 'claim-b' }),
    ];
    const workers = pools.map(
      (p, i) =>
        new JobQueue({ runtimeUrl: db.runtimeUrl, definitions: claimDefinitions(`in-process-${i + 1}`), db: new Database(p), pollingIntervalSeconds: 0.5 }),
    );
    let child: Spawned | undefined;
    try {
      child = start(process.execPath, ['--import', 'tsx', 'test/fixtures/job-worker.ts'], {
        cwd: SERVER_DIR,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, JOB_RUNTIME_URL: db.runtimeUrl, WORKER_NAME: 'other-process' },
      });
      const spawned = child;
      await within(
        Promise.race([
          waitFor(() => spawned.output().stdout.includes('ready'), 20_000, 'the worker process to start'),
          spawned.exited.then(({ code }) => {
            throw new Error(`the worker process exited early (${code}): ${spawned.output().stderr}`);
          }),
        ]),
        25_000,
        'the worker process to start',
      );
      for (const worker of workers) await worker.start({ work: true });

      const sender = workers[0] as JobQueue;
      const ids: string[] = [];
      for (let n = 0; n < 200; n++) ids.push((await sender.send(CLAIM_QUEUE, { n })) as string);
      expect(new Set(ids).size).toBe(200);

      await waitFor(
        async () =>
          (await db.ownerQuery<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state = 'completed'`, [CLAIM_QUEUE])).rows[0]
            ?.n === 200,
        40_000,
        'all 200 jobs to complete',
        200,
      );

      const claims = (await db.ownerQuery<{ job_id: string; worker: string }>('SELECT job_id, worker FROM job_claims')).rows;
      const counts = new Map<string, number>();
      for (const claim of claims) counts.set(claim.job_id, (counts.get(claim.job_id) ?? 0) + 1);
      expect(claims).toHaveLength(200);
      expect([...counts.keys()].sort()).toEqual([...ids].sort());
      expect([...counts.values()].every((c) => c === 1)).toBe(true);

      const byWorker = new Map<string, number>();
      for (const claim of claims) byWorker.set(claim.worker, (byWorker.get(claim.worker) ?? 0) + 1);
      expect(byWorker.size, JSON.stringify(Object.fromEntries(byWorker))).toBeGreaterThanOrEqual(2);
      expect(byWorker.get('other-process') ?? 0, JSON.stringify(Object.fromEntries(byWorker))).toBeGreaterThan(0);

      // One attempt each, recorded once.
      const runs = (
        await db.ownerQuery<{ n: number; jobs: number; completed: number }>(
          `SELECT count(*)::int AS n, count(DISTINCT job_id)::int AS jobs, count(*) FILTER (WHERE status = 'completed' AND attempts = 1)::int AS completed
           FROM job_runs WHERE queue_name = $1`,
          [CLAIM_QUEUE],
        )
      ).rows[0];
      expect(runs).toEqual({ n: 200, jobs: 200, completed: 200 });

      child.child.kill('SIGTERM');
      const exit = await within(child.exited, 15_000, 'the worker process to exit');
      expect(exit.code, child.output().stderr).toBe(0);
    } finally {
      if (child && child.child.exitCode === null && child.child.signalCode === null) child.child.kill('SIGKILL');
      for (const worker of workers) await worker.stop();
      for (const p of pools) await p.end();
    }
  }, 60_000);
});
