import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { createPool } from './kernel/db/pool.js';
import { Database } from './kernel/db/transaction.js';
import { HostRouter } from './kernel/http/host-routing.js';
import { JobQueue } from './kernel/jobs/queue.js';
import { Metrics } from './kernel/metrics.js';
import { createModules, jobDefinitions } from './modules/index.js';

/**
 * The OpenAPI document, built without a database: the app is assembled (routes, schemas) but never started,
 * and its pool never connects. The SDK's types are generated from this (`npm run generate -w sdk`).
 */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ADMIRAL_SECRET: 'offline-openapi-document-secret-0123456789' });
  const pool = createPool({ connectionString: 'postgres://offline@127.0.0.1:1/none', max: 1, applicationName: 'admiral-openapi' });
  const db = new Database(pool);
  const hostRouter = new HostRouter(db);
  const modules = createModules({ hostRouter });
  const jobs = new JobQueue({ runtimeUrl: 'postgres://offline@127.0.0.1:1/none', definitions: jobDefinitions(modules), db });
  const { app } = await buildApp({
    config,
    db,
    metrics: new Metrics({ main: pool }),
    jobs,
    hostRouter,
    modules,
    principals: { resolve: async () => null },
    logger: false,
  });
  try {
    await app.ready();
    return app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await app.close();
    await pool.end();
  }
}
