import type { Static } from '@sinclair/typebox';
import { and, desc, eq, ilike, isNull, lt, ne, or, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { AuditActor, AuditWriter } from '../../kernel/audit/writer.js';
import { escapeLike } from '../../kernel/db/like.js';
import type { Tx } from '../../kernel/db/transaction.js';
import { DEFAULT_PAGE_SIZE, decodeCursor, idCursor, pageFrom } from '../../kernel/http/pagination.js';
import { badRequest, conflict, notFound, unprocessable } from '../../kernel/http/problem.js';
import { users } from '../identity/schema.js';
import { type Authority, assertWithinAuthority } from './authority.js';
import type { MembershipCreateSchema, MembershipListQuerySchema, MembershipSchema } from './membership-schemas.js';
import type { RoleService } from './role-service.js';
import { memberships, roles } from './schema.js';
import { ofSite } from './site-scope.js';

export type Membership = Static<typeof MembershipSchema>;

const CATEGORY = 'access';

const assigner = alias(users, 'assigner');
const revoker = alias(users, 'revoker');

const columns = {
  id: memberships.id,
  siteId: memberships.siteId,
  userId: memberships.userId,
  roleId: memberships.roleId,
  roleKey: roles.key,
  assignedBy: memberships.assignedBy,
  assignedAt: memberships.assignedAt,
  revokedBy: memberships.revokedBy,
  revokedAt: memberships.revokedAt,
  user: { id: users.id, email: users.email, name: users.name },
  assignedByUser: { id: assigner.id, email: assigner.email, name: assigner.name },
  revokedByUser: { id: revoker.id, email: revoker.email, name: revoker.name },
  createdAt: memberships.createdAt,
  updatedAt: memberships.updatedAt,
};

type MembershipRow = { [K in keyof typeof columns]: Membership[K] };
const toMembership = (row: MembershipRow): Membership => ({ ...row, active: row.revokedAt === null });

/**
 * Who holds which role on the site. A grant inserts a row, a revoke stamps it; rows are never deleted or
 * changed after that, so the table is the history. At most one active membership per (user, site).
 */
export class MembershipService {
  constructor(
    private readonly audit: AuditWriter,
    private readonly roles: RoleService,
  ) {}

  async list(tx: Tx, siteId: string, query: Static<typeof MembershipListQuerySchema>): Promise<{ data: Membership[]; nextCursor: string | null }> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const conditions: SQL[] = ofSite(memberships.siteId, siteId);
    if (query.userId) conditions.push(eq(memberships.userId, query.userId));
    if (query.roleId) conditions.push(eq(memberships.roleId, query.roleId));
    if (query.q) {
      const pattern = `%${escapeLike(query.q)}%`;
      conditions.push(or(ilike(users.email, pattern), ilike(users.username, pattern), ilike(users.name, pattern)) as SQL);
    }
    if (!query.includeRevoked) conditions.push(isNull(memberships.revokedAt));
    if (query.cursor) conditions.push(lt(memberships.id, decodeCursor(query.cursor, '-id').id));
    const rows = await this.select(tx)
      .where(and(...conditions))
      .orderBy(desc(memberships.id))
      .limit(limit + 1);
    const page = pageFrom(rows, limit, idCursor);
    return { data: page.data.map(toMembership), nextCursor: page.nextCursor };
  }

  async get(tx: Tx, siteId: string, membershipId: string, forUpdate = false): Promise<Membership> {
    const query = this.select(tx).where(and(eq(memberships.id, membershipId), ...ofSite(memberships.siteId, siteId)));
    const [row] = await (forUpdate ? query.for('update', { of: memberships }) : query);
    if (!row) throw notFound('Membership', `Membership ${membershipId} was not found.`);
    return toMembership(row);
  }

  /** Grants a role. 409 membership_exists while the user holds an active membership here: revoke it first. */
  async grant(tx: Tx, siteId: string, actor: AuditActor, authority: Authority, input: Static<typeof MembershipCreateSchema>): Promise<Membership> {
    const user = await this.grantee(tx, input);
    const role = await this.roles.findByKey(tx, siteId, input.role);
    if (!role) throw unprocessable('unknown_role', `There is no role ${input.role} on this site.`, [{ in: 'body', pointer: '/role', detail: 'no such role' }]);
    if (!role.assignable) {
      throw unprocessable('role_not_assignable', `${role.key} cannot be granted through a membership.`, [
        { in: 'body', pointer: '/role', detail: 'not assignable' },
      ]);
    }
    assertWithinAuthority(authority, role.permissions, `Granting ${role.key}`);
    const [inserted] = await tx
      .insert(memberships)
      .values({ siteId, userId: user.id, roleId: role.id, assignedBy: actor.userId })
      .onConflictDoNothing({ target: [memberships.siteId, memberships.userId], where: sql`revoked_at is null` })
      .returning({ id: memberships.id });
    if (!inserted)
      throw conflict('membership_exists', `User ${input.email ?? user.id} already has an active membership on this site; revoke it to grant another role.`);
    const membership = await this.get(tx, siteId, inserted.id);
    await this.audit.write(tx, actor, {
      siteId,
      action: 'membership.granted',
      category: CATEGORY,
      targetType: 'membership',
      targetId: membership.id,
      after: membership,
    });
    return membership;
  }

  /**
   * Whom a site administrator may impersonate through this membership: its user, while it is active and its
   * role grants nothing the caller does not hold here (403 permission_escalation otherwise).
   */
  async impersonationTarget(tx: Tx, siteId: string, authority: Authority, membershipId: string): Promise<string> {
    const membership = await this.get(tx, siteId, membershipId);
    if (!membership.active) throw conflict('membership_revoked', `Membership ${membershipId} was revoked at ${membership.revokedAt}.`);
    const role = await this.roles.get(tx, siteId, membership.roleId);
    assertWithinAuthority(authority, role.permissions, `Impersonating a ${membership.roleKey}`);
    return membership.userId;
  }

  /** Revokes: stamps revoked_at/by; the row stays as history. 409 if it is already revoked. */
  async revoke(tx: Tx, siteId: string, actor: AuditActor, authority: Authority, membershipId: string): Promise<Membership> {
    const before = await this.get(tx, siteId, membershipId, true);
    if (!before.active) throw conflict('membership_revoked', `Membership ${membershipId} was already revoked at ${before.revokedAt}.`);
    const role = await this.roles.get(tx, siteId, before.roleId);
    assertWithinAuthority(authority, role.permissions, `Revoking ${before.roleKey}`);
    await tx
      .update(memberships)
      .set({ revokedAt: sql`now()` as unknown as string, revokedBy: actor.userId })
      .where(and(eq(memberships.id, membershipId), ...ofSite(memberships.siteId, siteId)));
    const after = await this.get(tx, siteId, membershipId);
    await this.audit.write(tx, actor, {
      siteId,
      action: 'membership.revoked',
      category: CATEGORY,
      targetType: 'membership',
      targetId: membershipId,
      before: { active: before.active, revokedAt: before.revokedAt, revokedBy: before.revokedBy },
      after: { active: after.active, revokedAt: after.revokedAt, revokedBy: after.revokedBy },
      metadata: { userId: before.userId, role: before.roleKey },
    });
    return after;
  }

  /** The user a grant names, by id or by email address (exactly one); deleted users cannot be granted anything. */
  private async grantee(tx: Tx, input: Static<typeof MembershipCreateSchema>): Promise<{ id: string }> {
    if ((input.userId === undefined) === (input.email === undefined)) {
      throw badRequest('validation_failed', 'Name the user by userId or by email (one of them).', [
        { in: 'body', pointer: input.userId === undefined ? '/userId' : '/email', detail: 'send either userId or email' },
      ]);
    }
    const pointer = input.userId === undefined ? '/email' : '/userId';
    const [user] = await tx
      .select({ id: users.id })
      .from(users)
      .where(
        and(input.userId !== undefined ? eq(users.id, input.userId) : eq(users.email, (input.email ?? '').trim().toLowerCase()), ne(users.status, 'deleted')),
      );
    if (!user) throw unprocessable('unknown_user', `There is no user ${input.userId ?? input.email}.`, [{ in: 'body', pointer, detail: 'no such user' }]);
    return user;
  }

  private select(tx: Tx) {
    return tx
      .select(columns)
      .from(memberships)
      .innerJoin(roles, eq(roles.id, memberships.roleId))
      .innerJoin(users, eq(users.id, memberships.userId))
      .leftJoin(assigner, eq(assigner.id, memberships.assignedBy))
      .leftJoin(revoker, eq(revoker.id, memberships.revokedBy));
  }
}
