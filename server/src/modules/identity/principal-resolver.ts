import type { FastifyRequest } from 'fastify';
import type { Principal, PrincipalResolver } from '../../kernel/auth/principal.js';
import { sha256Hex } from '../../kernel/crypto/tokens.js';
import type { Pool } from '../../kernel/db/pool.js';
import { forbidden, unauthorized } from '../../kernel/http/problem.js';
import { AuthChangeListener } from './auth-change-listener.js';
import { readCredential, renewCookieOnReply } from './credentials.js';
import { SESSION_POLICY } from './policy.js';
import { PRINCIPAL_CACHE_SECONDS, ResolvedPrincipals } from './principal-cache.js';

const none: ReadonlySet<string> = new Set();
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

interface SessionRow {
  session_id: string;
  user_id: string;
  impersonated_by: string | null;
  impersonation_site_id: string | null;
  is_super_admin: boolean;
  permissions: string[];
  own_permissions: string[];
  slid: boolean;
  valid_until: string | Date | null;
  idle_until: Date;
}

interface ApiKeyRow {
  api_key_id: string;
  site_id: string;
  permissions: string[];
  created_by: string | null;
  valid_until: string | Date | null;
}

function sitePermissions(siteId: string | null, granted: string[], ownOnly: string[]) {
  const all = new Set([...granted, ...ownOnly]);
  const own = new Set(ownOnly.filter((key) => !granted.includes(key)));
  return {
    permissionsOn: (site: string) => (site === siteId ? all : none),
    ownOnlyOn: (site: string) => (site === siteId ? own : none),
  };
}

/**
 * A cookie-authenticated change must come from a page of this origin (or an allowed one): browsers send
 * Origin on every cross-site unsafe request, and SameSite=Strict keeps the cookie off most of them anyway.
 */
function assertSameOrigin(request: FastifyRequest, allowedOrigins: readonly string[]): void {
  if (SAFE_METHODS.has(request.method)) return;
  const origin = request.headers.origin ?? (request.headers.referer ? safeOrigin(request.headers.referer) : undefined);
  const own = `${request.protocol}://${request.headers.host ?? ''}`;
  if (!origin || (origin !== own && !allowedOrigins.includes(origin))) {
    throw forbidden('csrf_rejected', 'A cookie-authenticated change must come from the console’s own origin.');
  }
}

function safeOrigin(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** The identity resolver, with the lifecycle of its change listener (runtime.ts starts and stops it). */
export interface IdentityResolver extends PrincipalResolver {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves once every credential change committed before the call has reached this process's cache. */
  settled(): Promise<void>;
}

export interface IdentityResolverOptions {
  allowedOrigins: readonly string[];
  cacheSeconds?: number;
  /** Where to LISTEN for credential changes; without it resolved callers are never reused. */
  listenUrl?: string;
}

/**
 * Resolves sessions and API keys in one query each, through definer functions the runtime login may call
 * without a transaction; the caller's permissions are loaded for the request's site only. A resolved caller
 * is kept for `cacheSeconds` (default PRINCIPAL_CACHE_SECONDS; 0 resolves every request) while the process
 * hears the database's credential-change announcements (see ResolvedPrincipals, AuthChangeListener).
 */
export function identityResolver(pool: Pool, options: IdentityResolverOptions): IdentityResolver {
  const cache = new ResolvedPrincipals((options.cacheSeconds ?? PRINCIPAL_CACHE_SECONDS) * 1000);
  const listener = options.listenUrl ? new AuthChangeListener(options.listenUrl, cache) : undefined;

  /** A caller and, when the clock alone ends its credential, when. */
  type Resolved = { principal: Principal; validUntil: string | Date | null };

  async function resolveApiKey(prefix: string, keyHash: string): Promise<Resolved> {
    const { rows } = await pool.query<ApiKeyRow>({
      name: 'admiral_resolve_api_key',
      text: 'SELECT * FROM admiral_resolve_api_key($1, $2)',
      values: [prefix, keyHash],
    });
    const key = rows[0];
    if (!key) throw unauthorized('The API key is not valid, has expired or was revoked.');
    const principal: Principal = {
      kind: 'api_key',
      id: key.api_key_id,
      userId: null,
      apiKeyId: key.api_key_id,
      impersonatorUserId: null,
      impersonationSiteId: null,
      sessionId: null,
      superAdmin: false,
      platformPermissions: none,
      ...sitePermissions(key.site_id, key.permissions, []),
    };
    return { principal, validUntil: key.valid_until };
  }

  async function resolveSession(request: FastifyRequest, token: string, tokenHash: string, viaCookie: boolean): Promise<Resolved> {
    const { rows } = await pool.query<SessionRow>({
      name: 'admiral_resolve_session',
      text: 'SELECT * FROM admiral_resolve_session($1, $2, $3, $4)',
      values: [tokenHash, request.siteId, SESSION_POLICY.idleSeconds, viaCookie],
    });
    const session = rows[0];
    if (!session) throw unauthorized('The session is not valid or has ended. Sign in again.');
    // The cookie's Max-Age follows the session's sliding idle expiry while the console is used.
    if (viaCookie && session.slid) renewCookieOnReply(request, token, (new Date(session.idle_until).getTime() - Date.now()) / 1000);
    const principal: Principal = {
      kind: 'user',
      id: session.user_id,
      userId: session.user_id,
      apiKeyId: null,
      impersonatorUserId: session.impersonated_by,
      impersonationSiteId: session.impersonation_site_id,
      sessionId: session.session_id,
      superAdmin: session.is_super_admin,
      platformPermissions: none,
      ...sitePermissions(request.siteId, session.permissions, session.own_permissions),
    };
    return { principal, validUntil: session.valid_until };
  }

  return {
    start: async () => listener?.start(),
    stop: async () => (listener ? listener.stop() : cache.close()),
    settled: async () => listener?.settled(),
    async resolve(request) {
      const credential = readCredential(request);
      if (!credential) return null;
      if (credential.kind === 'malformed') throw unauthorized('The credentials are malformed.');
      if (credential.kind === 'session' && credential.viaCookie) assertSameOrigin(request, options.allowedOrigins);
      const secret = credential.kind === 'api_key' ? credential.key : credential.token;
      const hash = sha256Hex(secret);
      // A cookie's session and the same token as a bearer header resolve differently (the bearer token expires sooner).
      const kind = credential.kind === 'api_key' ? 'key' : credential.viaCookie ? 'cookie' : 'bearer';
      const cacheKey = `${kind}:${hash}:${request.siteId ?? ''}`;
      const cached = cache.get(cacheKey);
      if (cached) return cached;
      const { principal, validUntil } =
        credential.kind === 'api_key'
          ? await resolveApiKey(credential.prefix, hash)
          : await resolveSession(request, credential.token, hash, credential.viaCookie);
      cache.set(cacheKey, hash, principal, validUntil === null ? undefined : new Date(validUntil).getTime());
      return principal;
    },
  };
}
