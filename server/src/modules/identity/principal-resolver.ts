import type { FastifyRequest } from 'fastify';
import type { Principal, PrincipalResolver } from '../../kernel/auth/principal.js';
import { sha256Hex } from '../../kernel/crypto/tokens.js';
import type { Pool } from '../../kernel/db/pool.js';
import { forbidden, unauthorized } from '../../kernel/http/problem.js';
import { readCredential, renewCookieOnReply } from './credentials.js';
import { SESSION_POLICY } from './policy.js';

const none: ReadonlySet<string> = new Set();
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

interface SessionRow {
  session_id: string;
  user_id: string;
  impersonated_by: string | null;
  is_super_admin: boolean;
  permissions: string[];
  own_permissions: string[];
  slid: boolean;
  idle_until: Date;
}

interface ApiKeyRow {
  api_key_id: string;
  site_id: string;
  permissions: string[];
  created_by: string | null;
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

/**
 * Resolves sessions and API keys in one query each, through definer functions the runtime login may call
 * without a transaction; the caller's permissions are loaded for the request's site only.
 */
export function identityResolver(pool: Pool, options: { allowedOrigins: readonly string[] }): PrincipalResolver {
  return {
    async resolve(request) {
      const credential = readCredential(request);
      if (!credential) return null;
      if (credential.kind === 'malformed') throw unauthorized('The credentials are malformed.');
      if (credential.kind === 'api_key') {
        const { rows } = await pool.query<ApiKeyRow>({
          name: 'admiral_resolve_api_key',
          text: 'SELECT * FROM admiral_resolve_api_key($1, $2)',
          values: [credential.prefix, sha256Hex(credential.key)],
        });
        const key = rows[0];
        if (!key) throw unauthorized('The API key is not valid, has expired or was revoked.');
        return {
          kind: 'api_key',
          id: key.api_key_id,
          userId: null,
          apiKeyId: key.api_key_id,
          impersonatorUserId: null,
          sessionId: null,
          superAdmin: false,
          platformPermissions: none,
          ...sitePermissions(key.site_id, key.permissions, []),
        } satisfies Principal;
      }
      if (credential.viaCookie) assertSameOrigin(request, options.allowedOrigins);
      const { rows } = await pool.query<SessionRow>({
        name: 'admiral_resolve_session',
        text: 'SELECT * FROM admiral_resolve_session($1, $2, $3, $4)',
        values: [sha256Hex(credential.token), request.siteId, SESSION_POLICY.idleSeconds, credential.viaCookie],
      });
      const session = rows[0];
      if (!session) throw unauthorized('The session is not valid or has ended. Sign in again.');
      // The cookie's Max-Age follows the session's sliding idle expiry while the console is used.
      if (credential.viaCookie && session.slid) renewCookieOnReply(request, credential.token, (new Date(session.idle_until).getTime() - Date.now()) / 1000);
      return {
        kind: 'user',
        id: session.user_id,
        userId: session.user_id,
        apiKeyId: null,
        impersonatorUserId: session.impersonated_by,
        sessionId: session.session_id,
        superAdmin: session.is_super_admin,
        platformPermissions: none,
        ...sitePermissions(request.siteId, session.permissions, session.own_permissions),
      } satisfies Principal;
    },
  };
}
