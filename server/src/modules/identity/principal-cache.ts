import type { Principal } from '../../kernel/auth/principal.js';

/**
 * How long a resolved caller is reused by default (AUTH_CACHE_SECONDS overrides): long enough that a busy client
 * costs one resolving query per second or two, short enough that a change made elsewhere applies about as fast
 * as a request that raced it.
 */
export const PRINCIPAL_CACHE_SECONDS = 2;

/** Credentials that stopped working: a session's token (revoked or rotated), every session of a user, an API key. */
export type EndedCredentials = { tokenHash: string } | { userId: string } | { apiKeyId: string };

const resolvers = new Set<ResolvedPrincipals>();

/**
 * Drops cached principals that depended on credentials that just ended, in every resolver of this process.
 * Called where the change is made, in its transaction; the database announces the change again when it
 * commits (to every process), which also drops what a request racing the change resolved meanwhile.
 */
export function credentialsEnded(ended: EndedCredentials): void {
  for (const cache of resolvers) cache.forget(ended);
}

interface Entry {
  principal: Principal;
  tokenHash: string;
  until: number;
}

/**
 * Principals resolved from sessions and API keys, kept for a few seconds, so a busy client costs one resolving
 * query per credential, site and TTL instead of one per request. Only successful resolutions are kept, and
 * only while the process hears the database's change announcements (AuthChangeListener): every change that can
 * end or narrow a credential — made here, by another process, or directly in the database — drops the callers
 * it affects when it commits. A change made through this process is also dropped before it commits.
 */
export class ResolvedPrincipals {
  private readonly entries = new Map<string, Entry>();
  /** Entries are served only while change announcements are heard; see `hearing`. */
  private listening = false;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {
    if (ttlMs > 0) resolvers.add(this);
  }

  /** Whether changes are being heard. While not, nothing is served from memory (and what was kept is gone). */
  hearing(listening: boolean): void {
    this.listening = listening;
    if (!listening) this.entries.clear();
  }

  /** Whether callers are kept at all (AUTH_CACHE_SECONDS > 0). */
  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  clear(): void {
    this.entries.clear();
  }

  /** Stops taking part in this process's drops (the resolver's app closed). */
  close(): void {
    this.hearing(false);
    resolvers.delete(this);
  }

  get(key: string): Principal | undefined {
    if (!this.listening) return undefined;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until > Date.now()) return entry.principal;
    this.entries.delete(key);
    return undefined;
  }

  /** Keeps a caller for the TTL, never past `validUntilMs` (when the credential's own expiry ends it). */
  set(key: string, tokenHash: string, principal: Principal, validUntilMs?: number): void {
    if (this.ttlMs <= 0 || !this.listening) return;
    // Oldest first out (a Map keeps insertion order): the bound holds however many credentials call.
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { principal, tokenHash, until: Math.min(Date.now() + this.ttlMs, validUntilMs ?? Number.POSITIVE_INFINITY) });
  }

  forget(ended: EndedCredentials): void {
    for (const [key, { principal, tokenHash }] of this.entries) {
      const gone =
        'tokenHash' in ended ? tokenHash === ended.tokenHash : 'userId' in ended ? principal.userId === ended.userId : principal.apiKeyId === ended.apiKeyId;
      if (gone) this.entries.delete(key);
    }
  }
}
