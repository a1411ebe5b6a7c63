import client from 'prom-client';
import type { Pool } from './db/pool.js';

/** One registry per app instance, so tests and benchmarks can run several apps in one process. */
export class Metrics {
  readonly registry = new client.Registry();
  readonly httpDuration = new client.Histogram({
    name: 'admiral_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly jobsTotal = new client.Counter({
    name: 'admiral_jobs_total',
    help: 'Background job attempts by queue and outcome',
    labelNames: ['queue', 'status'] as const,
    registers: [this.registry],
  });
  readonly jobDuration = new client.Histogram({
    name: 'admiral_job_duration_seconds',
    help: 'Background job attempt duration by queue',
    labelNames: ['queue'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers: [this.registry],
  });

  constructor(pools: Record<string, Pool>) {
    client.collectDefaultMetrics({ register: this.registry, prefix: 'admiral_process_' });
    const gauge = (name: string, help: string, read: (pool: Pool) => number) =>
      new client.Gauge({
        name,
        help,
        labelNames: ['pool'] as const,
        registers: [this.registry],
        collect() {
          for (const [label, pool] of Object.entries(pools)) this.set({ pool: label }, read(pool));
        },
      });
    gauge('admiral_db_pool_connections', 'Open connections in the pool', (p) => p.totalCount);
    gauge('admiral_db_pool_idle', 'Idle connections in the pool', (p) => p.idleCount);
    gauge('admiral_db_pool_waiting', 'Requests waiting for a connection', (p) => p.waitingCount);
  }
}
