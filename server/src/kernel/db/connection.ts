import { createHmac } from 'node:crypto';
import type { Config } from '../../config.js';
import { type EmbeddedPostgresHandle, startEmbeddedPostgres } from './embedded.js';
import { readOrCreateLocalSecret } from './local-state.js';
import { RUNTIME_LOGIN } from './roles.js';

export interface DatabaseTarget {
  /** Connects as the owner: migrations and administrative tooling only. */
  ownerUrl: string;
  /** Connects as the runtime login role: everything that serves requests or runs jobs. */
  runtimeUrl: string;
  /** Password to set on the runtime role when migrating (undefined when DATABASE_RUNTIME_URL is given). */
  runtimePassword: string | undefined;
  embedded: EmbeddedPostgresHandle | undefined;
}

export function runtimePasswordFrom(secret: string): string {
  return createHmac('sha256', secret).update('admiral:runtime-role').digest('base64url');
}

export function runtimeUrlFrom(ownerUrl: string, password: string): string {
  const url = new URL(ownerUrl);
  url.username = RUNTIME_LOGIN;
  url.password = password;
  return url.toString();
}

/** Where Admiral's data lives: DATABASE_URL's server, or an embedded PostgreSQL it starts itself. */
export async function resolveDatabase(config: Config, log: (line: string) => void = () => {}): Promise<DatabaseTarget> {
  const secret = config.secret ?? readOrCreateLocalSecret(config.dataDir);
  let embedded: EmbeddedPostgresHandle | undefined;
  let ownerUrl = config.databaseUrl;
  if (!ownerUrl) {
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPostgresPort, secret, onLog: log });
    ownerUrl = embedded.url('postgres');
  }
  if (config.databaseRuntimeUrl) {
    return { ownerUrl, runtimeUrl: config.databaseRuntimeUrl, runtimePassword: undefined, embedded };
  }
  const password = runtimePasswordFrom(secret);
  return { ownerUrl, runtimeUrl: runtimeUrlFrom(ownerUrl, password), runtimePassword: password, embedded };
}
