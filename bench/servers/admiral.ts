/**
 * Admiral, as production would run it, in its own process: the full HTTP kernel (helmet, access control,
 * ETags, idempotency hooks, metrics), tenant transactions under RLS on the runtime role, and a real
 * permission check (the principal is not a super admin). Started by bench/run.ts over IPC.
 *
 * The fixed bench token maps to a static principal; any other credential (session tokens, API keys) goes to
 * Admiral's own identity resolver, as in production. Sign-in rate limits are lifted: the sign-in scenario is
 * one client signing in as fast as it can.
 */
import { loadConfig } from '../../server/src/config.js';
import { chainResolvers, staticPrincipal, staticTokenResolver } from '../../server/src/kernel/auth/principal.js';
import { startAdmiral } from '../../server/src/runtime.js';
import { failStart, readChildConfig, serveHarness } from '../lib/child-side.js';

async function main(): Promise<void> {
  const cfg = readChildConfig();
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    DATABASE_URL: cfg.ownerUrl,
    DATABASE_POOL_MAX: String(cfg.poolMax),
    ADMIRAL_SECRET: cfg.secret,
    ADMIRAL_WORKERS: 'false',
    AUTH_RATE_LIMIT_PER_IP: '1000000',
    AUTH_RATE_LIMIT_PER_ACCOUNT: '1000000',
    AUTH_RATE_LIMIT_WINDOW_SECONDS: '1',
  });
  const principal = staticPrincipal({ id: cfg.principalId, sites: { [cfg.siteId]: [...cfg.permissions] } });
  const admiral = await startAdmiral({
    config,
    target: { ownerUrl: cfg.ownerUrl, runtimeUrl: cfg.runtimeUrl, runtimePassword: cfg.runtimePassword, embedded: undefined },
    principals: (identity) => chainResolvers(staticTokenResolver({ [cfg.token]: principal }, { fallThrough: true }), identity),
    migrate: false,
    work: false,
    logger: false,
  });
  await admiral.app.listen({ port: 0, host: '127.0.0.1' });
  const address = admiral.app.server.address();
  if (address === null || typeof address === 'string') throw new Error('Admiral is not listening on a TCP port');
  serveHarness(address.port, () => admiral.close());
}

main().catch(failStart);
