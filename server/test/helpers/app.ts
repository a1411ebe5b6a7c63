import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../src/config.js';
import { chainResolvers, type Principal, staticPrincipal, staticTokenResolver } from '../../src/kernel/auth/principal.js';
import { type Admiral, startAdmiral } from '../../src/runtime.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export interface TestAdmiral extends Admiral {
  db: TestDatabase;
  /** Base URL once `listen()` has run. */
  listen(): Promise<string>;
  stop(): Promise<void>;
}

export interface TestAdmiralOptions {
  tokens?: Record<string, Principal>;
  env?: Record<string, string>;
  work?: boolean;
  database?: TestDatabase;
}

export const SUPER_TOKEN = 'test-super-admin';
const TEST_SECRET = 'admiral-test-secret-admiral-test-secret-0123456789';

/** A real Admiral on its own cloned database, with fixed bearer tokens standing in for signed-in callers. */
export async function startTestAdmiral(options: TestAdmiralOptions = {}): Promise<TestAdmiral> {
  const db = options.database ?? (await createTestDatabase());
  // Resolved callers are reused as in production (AUTH_CACHE_SECONDS default). A test that changes credentials
  // directly in the database awaits `admiral.identity.settled()` before the next request, as another process would
  // hear the change.
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ADMIRAL_SECRET: TEST_SECRET, ...options.env });
  const tokens = { [SUPER_TOKEN]: staticPrincipal({ id: '00000000-0000-7000-8000-000000000001', superAdmin: true }), ...options.tokens };
  const admiral = await startAdmiral({
    config,
    target: db,
    principals: (identity) => chainResolvers(staticTokenResolver(tokens, { fallThrough: true }), identity),
    migrate: false,
    work: options.work ?? false,
    logger: false,
    jobPollingIntervalSeconds: 0.5,
  });
  return {
    ...admiral,
    db,
    async listen() {
      await admiral.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = admiral.app.server.address() as AddressInfo;
      return `http://127.0.0.1:${port}`;
    },
    async stop() {
      await admiral.close();
      if (!options.database) await db.drop();
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const superAdmin = bearer(SUPER_TOKEN);

export { staticPrincipal };
