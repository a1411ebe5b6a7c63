import type { FastifyRequest } from 'fastify';
import { unauthorized } from '../http/problem.js';

/**
 * Who is calling. The identity module resolves real principals (sessions, API keys); the kernel only
 * needs to know how to ask what they may do.
 */
export interface Principal {
  kind: 'user' | 'api_key' | 'system';
  /** Stable id for scoping (idempotency keys, rate limits): the user's or the key's id. */
  id: string;
  userId: string | null;
  apiKeyId: string | null;
  impersonatorUserId: string | null;
  /** A site-bound impersonation (started by a site administrator): the only site the caller may act on. */
  impersonationSiteId: string | null;
  sessionId: string | null;
  /** Platform-wide authority: every permission on every site, and platform routes. */
  superAdmin: boolean;
  /** Permission keys granted on a site (empty when the principal has no membership there). */
  permissionsOn(siteId: string): ReadonlySet<string>;
  /** The subset of permissionsOn(siteId) granted only for rows the caller owns (condition 'own'). */
  ownOnlyOn(siteId: string): ReadonlySet<string>;
  /** Permission keys granted at the platform level (routes outside any site). */
  platformPermissions: ReadonlySet<string>;
}

/** Turns a request's credentials into a principal; null when it carries none. Throws a 401 problem for bad ones. */
export interface PrincipalResolver {
  resolve(request: FastifyRequest): Promise<Principal | null>;
}

/** A resolver that recognises no credentials: every non-public route answers 401. */
export const noCredentials: PrincipalResolver = { resolve: async () => null };

export interface StaticPrincipalSpec {
  id: string;
  superAdmin?: boolean;
  kind?: Principal['kind'];
  sites?: Record<string, readonly string[]>;
  /** Per site, permissions granted only on the caller's own rows (also listed in `sites`). */
  own?: Record<string, readonly string[]>;
  platform?: readonly string[];
}

export function staticPrincipal(spec: StaticPrincipalSpec): Principal {
  const sites = new Map(Object.entries(spec.sites ?? {}).map(([site, keys]) => [site, new Set(keys)]));
  const own = new Map(Object.entries(spec.own ?? {}).map(([site, keys]) => [site, new Set(keys)]));
  const none: ReadonlySet<string> = new Set();
  return {
    kind: spec.kind ?? 'user',
    id: spec.id,
    userId: (spec.kind ?? 'user') === 'user' ? spec.id : null,
    apiKeyId: spec.kind === 'api_key' ? spec.id : null,
    impersonatorUserId: null,
    impersonationSiteId: null,
    sessionId: null,
    superAdmin: spec.superAdmin ?? false,
    permissionsOn: (siteId) => sites.get(siteId) ?? none,
    ownOnlyOn: (siteId) => own.get(siteId) ?? none,
    platformPermissions: new Set(spec.platform ?? []),
  };
}

/** Asks each resolver in turn; the first that recognises the credentials answers. */
export function chainResolvers(...resolvers: PrincipalResolver[]): PrincipalResolver {
  return {
    async resolve(request) {
      for (const resolver of resolvers) {
        const principal = await resolver.resolve(request);
        if (principal) return principal;
      }
      return null;
    },
  };
}

/**
 * Bearer tokens mapped to fixed principals. Used by tests and benchmarks until (and beside) the identity
 * module; never configured by `admiral serve`.
 */
export function staticTokenResolver(tokens: Record<string, Principal>, options: { fallThrough?: boolean } = {}): PrincipalResolver {
  const table = new Map(Object.entries(tokens));
  return {
    async resolve(request) {
      const header = request.headers.authorization;
      if (!header) return null;
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      const principal = match?.[1] ? table.get(match[1]) : undefined;
      if (!principal) {
        if (options.fallThrough) return null;
        throw unauthorized('The bearer token is not valid.');
      }
      return principal;
    },
  };
}
