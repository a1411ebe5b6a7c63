import { and, eq } from 'drizzle-orm';
import type { AuditActor, AuditWriter } from '../../kernel/audit/writer.js';
import type { Tx } from '../../kernel/db/transaction.js';
import { unprocessable } from '../../kernel/http/problem.js';
import { type Authority, assertWithinAuthority } from './authority.js';
import { GrantableCatalog } from './grantable.js';
import { type Membership, MembershipService } from './membership-service.js';
import { RoleService } from './role-service.js';
import { memberships } from './schema.js';
import { ofSite } from './site-scope.js';

/** The configuring administrator's authority was checked when the rule was made; the grant itself is the rule's. */
const RULE_AUTHORITY: Authority = { superAdmin: true, held: new Set(), ownOnly: new Set() };

/**
 * Memberships granted by a rule an administrator configured rather than by a person at the time (single
 * sign-on's just-in-time members): the rule is checked against its author's authority when it is made,
 * and applied later with the audit row naming the rule's actor.
 */
export class RuleMemberships {
  private readonly roles: RoleService;
  private readonly memberships: MembershipService;

  constructor(audit: AuditWriter) {
    // Only roles are looked up here, never granted permissions checked, so the role service needs no catalog.
    this.roles = new RoleService(audit, new GrantableCatalog([]));
    this.memberships = new MembershipService(audit, this.roles);
  }

  /** 422 unless `roleKey` names a role on the site that memberships may hold and that the author could grant. */
  async assertRuleRole(tx: Tx, siteId: string, authority: Authority, roleKey: string, pointer: string): Promise<void> {
    const role = await this.roles.findByKey(tx, siteId, roleKey);
    if (!role) throw unprocessable('unknown_role', `There is no role ${roleKey} on this site.`, [{ in: 'body', pointer, detail: 'no such role' }]);
    if (!role.assignable) {
      throw unprocessable('role_not_assignable', `${role.key} cannot be granted through a membership.`, [{ in: 'body', pointer, detail: 'not assignable' }]);
    }
    assertWithinAuthority(authority, role.permissions, `Granting ${role.key} automatically`);
  }

  /**
   * Grants `roleKey` to a user who has never had a membership on the site. Someone whose membership was
   * revoked gets nothing back this way: a revocation sticks. Null when nothing was granted.
   */
  async grantFirst(tx: Tx, siteId: string, actor: AuditActor, userId: string, roleKey: string): Promise<Membership | null> {
    const [earlier] = await tx
      .select({ id: memberships.id })
      .from(memberships)
      .where(and(eq(memberships.userId, userId), ...ofSite(memberships.siteId, siteId)))
      .limit(1);
    if (earlier) return null;
    return this.memberships.grant(tx, siteId, actor, RULE_AUTHORITY, { userId, role: roleKey });
  }
}
