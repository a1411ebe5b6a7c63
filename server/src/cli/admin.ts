import type { Config } from '../config.js';
import { databaseAuditWriter, systemActor } from '../kernel/audit/writer.js';
import { SessionService } from '../modules/identity/session-service.js';
import { UserService } from '../modules/identity/user-service.js';
import { startAdmiral } from '../runtime.js';

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** `admiral admin create`: the bootstrap path to the first super admin (audited as a system action). */
export async function createSuperAdmin(config: Config, input: { email: string; password: string; name?: string }): Promise<string> {
  const admiral = await startAdmiral({ config, work: false, logger: false });
  try {
    const users = new UserService(databaseAuditWriter, new SessionService(databaseAuditWriter));
    const user = await admiral.kernel.db.asPlatform({}, (tx) =>
      users.create(
        tx,
        { ...systemActor, userAgent: 'admiral-cli' },
        { email: input.email, password: input.password, name: input.name, isSuperAdmin: true, emailVerified: true },
      ),
    );
    return user.id;
  } finally {
    await admiral.close();
  }
}
