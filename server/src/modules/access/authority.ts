import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../kernel/auth/principal.js';
import { forbidden } from '../../kernel/http/problem.js';
import type { RoleGrant } from './system-roles.js';

/** What the caller holds on a site: nobody hands out (or takes away) more than that. */
export interface Authority {
  superAdmin: boolean;
  /** Every key the caller holds on the site, conditional or not. */
  held: ReadonlySet<string>;
  /** The subset held only on the caller's own rows. */
  ownOnly: ReadonlySet<string>;
}

export function authorityOf(principal: Principal, siteId: string): Authority {
  return { superAdmin: principal.superAdmin, held: principal.permissionsOn(siteId), ownOnly: principal.ownOnlyOn(siteId) };
}

/** The authority of a guarded tenant route's caller (the access hook has resolved the principal and the site). */
export function authorityOfRequest(request: FastifyRequest): Authority {
  if (!request.principal || !request.siteId) throw new Error('a guarded tenant route ran without a principal or a site');
  return authorityOf(request.principal, request.siteId);
}

/** The grants the caller does not hold: an unconditional grant needs an unconditional holding, an 'own' one any holding. */
export function beyondAuthority(authority: Authority, grants: readonly RoleGrant[]): RoleGrant[] {
  if (authority.superAdmin) return [];
  return grants.filter((g) => !authority.held.has(g.key) || (g.condition === null && authority.ownOnly.has(g.key)));
}

/** 403 permission_escalation unless the caller holds every grant (super admins hold everything). */
export function assertWithinAuthority(authority: Authority, grants: readonly RoleGrant[], what: string): void {
  const missing = beyondAuthority(authority, grants);
  if (missing.length === 0) return;
  const names = missing.map((g) => (g.condition ? `${g.key} (${g.condition})` : g.key));
  throw forbidden(
    'permission_escalation',
    `${what} needs permissions you do not hold on this site: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ` and ${names.length - 10} more` : ''}.`,
  );
}
