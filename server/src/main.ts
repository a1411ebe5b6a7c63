#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { EXIT } from './cli/exit-codes.js';
import { ConfigError, loadConfig } from './config.js';
import { resolveDatabase } from './kernel/db/connection.js';
import { MigrationError, migrationStatus } from './kernel/db/migrate.js';
import { VERSION } from './version.js';

function fail(error: unknown): never {
  if (error instanceof ConfigError) process.stderr.write(`admiral: configuration error: ${error.message}\n`);
  else if (error instanceof MigrationError) process.stderr.write(`admiral: migration refused: ${error.message}\n`);
  else process.stderr.write(`admiral: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(EXIT.failure);
}

const positiveInt = (max: number) => (value: string) => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > max) throw new InvalidArgumentError(`expected a whole number from 1 to ${max}`);
  return n;
};

const program = new Command()
  .name('admiral')
  .description('Admiral — the admin-first control plane for digital platforms')
  .version(VERSION, '-v, --version', 'print the version')
  .showHelpAfterError()
  .exitOverride();

program
  .command('serve')
  .description('run the HTTP API and console (and background workers unless ADMIRAL_WORKERS=false)')
  .option('-p, --port <port>', 'port to listen on (overrides PORT)')
  .option('--host <host>', 'interface to bind (overrides HOST)')
  .option('--no-workers', 'do not run background jobs in this process')
  .action(async (options: { port?: string; host?: string; workers: boolean }) => {
    const config = loadConfig({ ...process.env, ...(options.port ? { PORT: options.port } : {}), ...(options.host ? { HOST: options.host } : {}) });
    if (!options.workers) config.runWorkers = false;
    const { serve } = await import('./cli/serve.js');
    await serve({ config });
  });

program
  .command('worker')
  .description('run background jobs and schedules only (no HTTP)')
  .action(async () => {
    const { serve } = await import('./cli/serve.js');
    await serve({ config: loadConfig(), workerOnly: true });
  });

program
  .command('migrate')
  .description('apply pending database migrations and install job queues')
  .option('--status', 'only report applied, pending and unknown migrations')
  .action(async (options: { status?: boolean }) => {
    const config = loadConfig();
    const target = await resolveDatabase(config);
    try {
      if (options.status) {
        const pg = (await import('pg')).default;
        const client = new pg.Client({ connectionString: target.ownerUrl });
        await client.connect();
        const status = await migrationStatus(client);
        await client.end();
        process.stdout.write(
          `applied: ${status.applied.length}\npending: ${status.pending.join(', ') || 'none'}\nunknown: ${status.unknown.join(', ') || 'none'}\n`,
        );
        if (status.unknown.length > 0) process.exitCode = EXIT.failure;
        return;
      }
      const { migrateDatabase } = await import('./runtime.js');
      const applied = await migrateDatabase(target);
      process.stdout.write(applied.length ? `applied ${applied.length} migration(s): ${applied.join(', ')}\n` : 'the database is up to date\n');
    } finally {
      await target.embedded?.stop();
    }
  });

program
  .command('seed')
  .description('load demo data (sites with domains), with a progress bar')
  .addOption(new Option('--sites <n>', 'number of demo sites').default(5).argParser(positiveInt(10_000)))
  .addOption(new Option('--domains <n>', 'domains per site').default(2).argParser(positiveInt(100)))
  .option('--no-progress', 'do not draw the progress bar')
  .action(async (options: { sites: number; domains: number; progress: boolean }) => {
    const config = loadConfig();
    const { startAdmiral } = await import('./runtime.js');
    const { seedDemoData } = await import('./cli/seed.js');
    const admiral = await startAdmiral({ config, work: false, logger: false });
    try {
      const result = await seedDemoData(admiral.kernel.db, {
        sites: options.sites,
        domainsPerSite: options.domains,
        progress: options.progress && process.stdout.isTTY === true,
      });
      process.stdout.write(`seeded ${result.sites} site(s) and ${result.domains} domain(s)\n`);
    } finally {
      await admiral.close();
    }
  });

const admin = program.command('admin').description('manage administrators');
admin
  .command('create')
  .description('create a super admin (the first admin of a new installation)')
  .requiredOption('--email <email>', 'the admin’s email address')
  .option('--name <name>', 'display name')
  .option('--password-stdin', 'read the password from standard input (required: never pass it as an argument)')
  .action(async (options: { email: string; name?: string; passwordStdin?: boolean }) => {
    if (!options.passwordStdin) {
      process.stderr.write('admiral: pass --password-stdin and pipe the password in (never put it on the command line)\n');
      process.exit(EXIT.usage);
    }
    const { createSuperAdmin, readStdin } = await import('./cli/admin.js');
    const password = await readStdin();
    const id = await createSuperAdmin(loadConfig(), { email: options.email, password, name: options.name });
    process.stdout.write(`created super admin ${options.email} (${id}); sign in at POST /v1/auth/sign-in\n`);
  });

const siteIdArgument = (value: string) => {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) throw new InvalidArgumentError('expected a site id (UUID)');
  return value.toLowerCase();
};

const audit = program.command('audit').description('inspect the audit trail');
audit
  .command('verify')
  .description('verify audit hash chains (the platform chain by default); exit 1 when any is broken')
  .addOption(new Option('--site <uuid>', "verify this site's chain instead").argParser(siteIdArgument).conflicts('all'))
  .option('--all', "verify the platform chain and every site's")
  .action(async (options: { site?: string; all?: boolean }) => {
    const { AuditUsageError, auditVerify } = await import('./cli/audit.js');
    try {
      process.exitCode = await auditVerify(loadConfig(), options, (line) => process.stdout.write(`${line}\n`));
    } catch (error) {
      if (!(error instanceof AuditUsageError)) throw error;
      process.stderr.write(`admiral: ${error.message}\n`);
      process.exit(EXIT.usage);
    }
  });

program
  .command('version')
  .description('print the version')
  .action(() => {
    process.stdout.write(`${VERSION}\n`);
  });

program.addHelpCommand('help [command]', 'show help for a command');

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') process.exit(EXIT.ok);
      process.exit(EXIT.usage);
    }
    fail(error);
  }
}

await main();
