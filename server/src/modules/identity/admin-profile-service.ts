import type { Static } from '@sinclair/typebox';
import { and, eq, ne, sql } from 'drizzle-orm';
import type { AuditActor, AuditWriter } from '../../kernel/audit/writer.js';
import type { Tx } from '../../kernel/db/transaction.js';
import { assertIfMatch, etagOf } from '../../kernel/http/etag.js';
import { forbidden, notFound, preconditionFailed, unprocessable } from '../../kernel/http/problem.js';
import type { AdminProfilePutSchema } from './admin-profile-schemas.js';
import { adminProfiles, users } from './schema.js';

export type AdminProfile = typeof adminProfiles.$inferSelect;
export type AdminProfileInput = Static<typeof AdminProfilePutSchema>;

/** Serializes changes to manager links, so two concurrent edits cannot close a loop neither saw. */
const MANAGER_CHAIN_LOCK = sql`select pg_advisory_xact_lock(hashtext('admiral.admin_profiles.manager_chain'))`;

/** How far up a manager chain is followed (a loop is found long before; this only bounds a corrupt table). */
const MAX_CHAIN = 1000;

const CATEGORY = 'identity';

/**
 * Staff profiles (seed 001 admin_users): one per user, upserted whole. The manager is another existing user,
 * never the user, and never someone who (through their own managers) reports to the user.
 */
export class AdminProfileService {
  constructor(private readonly audit: AuditWriter) {}

  /** The user's profile, or null; 404 when the user does not exist. */
  async find(tx: Tx, userId: string): Promise<AdminProfile | null> {
    await this.assertUser(tx, userId);
    return this.row(tx, userId);
  }

  async row(tx: Tx, userId: string, forUpdate = false): Promise<AdminProfile | null> {
    const query = tx.select().from(adminProfiles).where(eq(adminProfiles.userId, userId));
    const [row] = await (forUpdate ? query.for('update') : query);
    return row ?? null;
  }

  /** Creates or replaces the profile. `created` tells which (201 or 200). */
  async put(
    tx: Tx,
    actor: AuditActor & { superAdmin: boolean },
    userId: string,
    input: AdminProfileInput,
    ifMatch: string | undefined,
  ): Promise<{ profile: AdminProfile; created: boolean }> {
    const managerUserId = input.managerUserId ?? null;
    // First, before any row lock: the profile's foreign key share-locks the manager's user row.
    if (managerUserId) await tx.execute(MANAGER_CHAIN_LOCK);
    await this.assertUser(tx, userId, true);
    const before = await this.row(tx, userId, true);
    this.assertPrecondition(before, ifMatch);
    const next = { department: input.department ?? null, managerUserId, accessLevel: input.accessLevel ?? 1 };
    if (actor.userId === userId && !actor.superAdmin && next.accessLevel !== (before?.accessLevel ?? 1)) {
      throw forbidden('cannot_change_own_access_level', 'You cannot change your own access level; ask another administrator.');
    }
    if (managerUserId) await this.assertManager(tx, userId, managerUserId);
    const [profile] = before
      ? await tx.update(adminProfiles).set(next).where(eq(adminProfiles.userId, userId)).returning()
      : await tx
          .insert(adminProfiles)
          .values({ userId, ...next })
          .returning();
    const after = profile as AdminProfile;
    await this.audit.write(tx, actor, {
      siteId: null,
      action: before ? 'admin_profile.updated' : 'admin_profile.created',
      category: CATEGORY,
      targetType: 'user',
      targetId: userId,
      before: before ? fields(before) : undefined,
      after: fields(after),
    });
    return { profile: after, created: before === null };
  }

  async remove(tx: Tx, actor: AuditActor, userId: string, ifMatch: string | undefined): Promise<void> {
    await this.assertUser(tx, userId);
    const before = await this.row(tx, userId, true);
    if (!before) throw notFound('Admin profile', `User ${userId} has no admin profile.`);
    this.assertPrecondition(before, ifMatch);
    await tx.delete(adminProfiles).where(eq(adminProfiles.userId, userId));
    await this.audit.write(tx, actor, {
      siteId: null,
      action: 'admin_profile.deleted',
      category: CATEGORY,
      targetType: 'user',
      targetId: userId,
      before: fields(before),
    });
  }

  private async assertUser(tx: Tx, userId: string, forUpdate = false): Promise<void> {
    // Locked for writes, so concurrent PUTs of one user's first profile queue instead of colliding (NO KEY UPDATE
    // leaves foreign-key checks of profiles naming this user as their manager free to proceed).
    const query = tx.select({ id: users.id }).from(users).where(eq(users.id, userId));
    const [user] = await (forUpdate ? query.for('no key update') : query);
    if (!user) throw notFound('User', `User ${userId} was not found.`);
  }

  /** `If-Match` names the profile as read; with no profile yet, any If-Match fails (RFC 9110 §13.1.1). */
  private assertPrecondition(current: AdminProfile | null, ifMatch: string | undefined): void {
    if (ifMatch === undefined) return;
    if (!current) throw preconditionFailed('The user has no admin profile yet, so If-Match cannot match; send the PUT without it.');
    assertIfMatch(ifMatch, etagOf(current));
  }

  private async assertManager(tx: Tx, userId: string, managerUserId: string): Promise<void> {
    if (managerUserId === userId) {
      throw unprocessable('manager_is_self', 'A user cannot be their own manager.', [
        { in: 'body', pointer: '/managerUserId', detail: 'is the user themself' },
      ]);
    }
    const [manager] = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.id, managerUserId), ne(users.status, 'deleted')));
    if (!manager) {
      throw unprocessable('unknown_manager', `There is no user ${managerUserId}.`, [{ in: 'body', pointer: '/managerUserId', detail: 'no such user' }]);
    }
    // Walk up from the new manager: reaching the user means the user would (indirectly) manage themself.
    const { rows } = await tx.$client.query<{ loops: boolean }>(
      `WITH RECURSIVE chain(user_id, depth) AS (
         SELECT $1::uuid, 0
         UNION ALL
         SELECT p.manager_user_id, c.depth + 1 FROM chain c JOIN admin_profiles p ON p.user_id = c.user_id
         WHERE p.manager_user_id IS NOT NULL AND c.user_id <> $2::uuid AND c.depth < $3
       )
       SELECT exists(SELECT 1 FROM chain WHERE user_id = $2::uuid) AS loops`,
      [managerUserId, userId, MAX_CHAIN],
    );
    if (rows[0]?.loops) {
      throw unprocessable('manager_cycle', `User ${managerUserId} already reports (directly or through others) to this user; that would make a loop.`, [
        { in: 'body', pointer: '/managerUserId', detail: 'reports to this user' },
      ]);
    }
  }
}

/** What the audit records (timestamps say nothing about the change). */
function fields(profile: AdminProfile) {
  return { department: profile.department, managerUserId: profile.managerUserId, accessLevel: profile.accessLevel };
}
