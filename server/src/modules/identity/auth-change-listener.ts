import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { ResolvedPrincipals } from './principal-cache.js';

/** The channel migration 0014's triggers announce credential changes on. */
export const AUTH_CHANNEL = 'admiral_auth';

const RECONNECT_DELAY_MS = 1000;
const SYNC_TIMEOUT_MS = 5000;

/**
 * Keeps one connection LISTENing on `admiral_auth` and drops the cached callers each announcement names:
 * 't:<token hash>' a session's, 'u:<user id>' all of a user's, 'k:<key id>' an API key's, '*' everyone's.
 * While the connection is down (not yet up, lost, reconnecting) the cache serves nothing, so a missed
 * announcement can never leave a revoked credential working.
 */
export class AuthChangeListener {
  private client: pg.Client | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;
  private readonly waiting = new Map<string, () => void>();

  constructor(
    private readonly connectionString: string,
    private readonly cache: ResolvedPrincipals,
  ) {}

  async start(): Promise<void> {
    if (!this.cache.enabled) return;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    this.cache.close();
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  /**
   * Resolves once every change committed before the call has been heard (announcements arrive in commit
   * order, so hearing one sent now is enough). For tests and tools that change credentials in the database.
   */
  async settled(): Promise<void> {
    const client = this.client;
    if (!client) return; // not listening: nothing is served from memory anyway
    const token = randomUUID();
    const heard = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(token);
        reject(new Error('auth change announcement not heard in time'));
      }, SYNC_TIMEOUT_MS);
      this.waiting.set(token, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    await client.query('SELECT pg_notify($1, $2)', [AUTH_CHANNEL, `sync:${token}`]);
    await heard;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString, application_name: 'admiral-auth-listener' });
    client.on('notification', (message) => this.heard(message.payload ?? ''));
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${AUTH_CHANNEL}`);
    } catch {
      this.lost(client);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.cache.hearing(true);
  }

  private lost(client: pg.Client): void {
    if (this.client !== undefined && this.client !== client) return;
    this.client = undefined;
    this.cache.hearing(false);
    client.end().catch(() => {});
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (!this.stopped) void this.connect();
    }, RECONNECT_DELAY_MS);
    this.retry.unref();
  }

  private heard(payload: string): void {
    const kind = payload.slice(0, 2);
    const value = payload.slice(2);
    if (kind === 't:') this.cache.forget({ tokenHash: value });
    else if (kind === 'u:') this.cache.forget({ userId: value });
    else if (kind === 'k:') this.cache.forget({ apiKeyId: value });
    else if (payload.startsWith('sync:')) this.waiting.get(payload.slice(5))?.();
    else this.cache.clear(); // '*' and anything unknown: forget everyone
  }
}
