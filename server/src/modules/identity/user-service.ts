import { and, asc, desc, eq, gt, ilike, lt, ne, or, type SQL, sql } from 'drizzle-orm';
import type { AuditActor, AuditWriter } from '../../kernel/audit/writer.js';
import { hashPassword } from '../../kernel/crypto/passwords.js';
import { escapeLike } from '../../kernel/db/like.js';
import type { Tx } from '../../kernel/db/transaction.js';
import { DEFAULT_PAGE_SIZE, decodeCursor, encodeCursor, pageFrom } from '../../kernel/http/pagination.js';
import { conflict, forbidden, notFound, unprocessable } from '../../kernel/http/problem.js';
import { assertAcceptablePassword } from './password-policy.js';
import { accounts, devices, users } from './schema.js';
import type { UserSort } from './schemas.js';
import type { SessionService } from './session-service.js';

export type User = typeof users.$inferSelect;

/** The public shape of a user: no counters, no lock state. */
export function publicUser(user: User) {
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    name: user.name,
    firstName: user.firstName,
    lastName: user.lastName,
    displayName: user.displayName,
    image: user.image,
    status: user.status,
    emailVerified: user.emailVerified,
    isSuperAdmin: user.isSuperAdmin,
    banned: user.banned,
    banReason: user.banReason,
    banExpires: user.banExpires,
    twoFactorEnabled: user.twoFactorEnabled,
    lastLoginAt: user.lastLoginAt,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}

export interface NewUser {
  email: string;
  username?: string | null;
  name?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  displayName?: string | null;
  password?: string;
  isSuperAdmin?: boolean;
  emailVerified?: boolean;
}

export interface UserListQuery {
  limit?: number;
  cursor?: string;
  q?: string;
  status?: User['status'];
  banned?: boolean;
  sort?: UserSort;
}

export interface UserUpdate {
  username?: string | null;
  name?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  displayName?: string | null;
  status?: 'active' | 'suspended';
}

/** The caller of an administrative change, and whether they are a super admin (who alone changes super admins). */
export type UserAdminActor = AuditActor & { superAdmin: boolean };

const SORT_COLUMNS = { id: users.id, email: users.email, createdAt: users.createdAt } as const;

export class UserService {
  constructor(
    private readonly audit: AuditWriter,
    private readonly sessions: SessionService,
  ) {}

  async create(tx: Tx, actor: AuditActor, input: NewUser): Promise<User> {
    const email = input.email.trim().toLowerCase();
    const username = input.username?.trim().toLowerCase() || null;
    if (input.password !== undefined) assertAcceptablePassword(input.password, [email, username]);
    const taken = await tx
      .select({ id: users.id })
      .from(users)
      .where(username ? or(eq(users.email, email), eq(users.username, username)) : eq(users.email, email));
    if (taken.length > 0) throw conflict('user_exists', 'A user with this email or username already exists.');
    const [created] = await tx
      .insert(users)
      .values({
        email,
        username,
        name: input.name ?? null,
        firstName: input.firstName ?? null,
        lastName: input.lastName ?? null,
        displayName: input.displayName ?? null,
        isSuperAdmin: input.isSuperAdmin ?? false,
        emailVerified: input.emailVerified ?? false,
      })
      .returning();
    const user = created as User;
    if (input.password !== undefined) {
      await tx.insert(accounts).values({ userId: user.id, providerId: 'credential', accountId: user.id, passwordHash: await hashPassword(input.password) });
    }
    await this.audit.write(tx, actor, {
      siteId: null,
      action: 'user.created',
      category: 'identity',
      targetType: 'user',
      targetId: user.id,
      after: { ...publicUser(user), password: input.password === undefined ? undefined : 'set' },
    });
    return user;
  }

  async get(tx: Tx, id: string, forUpdate = false): Promise<User> {
    const query = tx.select().from(users).where(eq(users.id, id));
    const [user] = await (forUpdate ? query.for('update') : query);
    if (!user) throw notFound('User', `User ${id} was not found.`);
    return user;
  }

  /**
   * One page of users, filtered (status, banned, `q` in email/username/name) and in a stable keyset order:
   * `-id` (newest first, the default), `email` or `createdAt`, either way, ties broken by id.
   */
  async list(tx: Tx, query: UserListQuery) {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const sort = query.sort ?? '-id';
    const descending = sort.startsWith('-');
    const field = (descending ? sort.slice(1) : sort) as 'id' | 'email' | 'createdAt';
    const column = SORT_COLUMNS[field];
    const conditions: SQL[] = [];
    if (query.status) conditions.push(eq(users.status, query.status));
    if (query.banned !== undefined) conditions.push(eq(users.banned, query.banned));
    if (query.q) {
      const pattern = `%${escapeLike(query.q)}%`;
      conditions.push(or(ilike(users.email, pattern), ilike(users.username, pattern), ilike(users.name, pattern)) as SQL);
    }
    if (query.cursor) {
      const cursor = decodeCursor(query.cursor, sort);
      const beyond = descending ? lt : gt;
      conditions.push(
        field === 'id'
          ? beyond(users.id, cursor.id)
          : (or(beyond(column, String(cursor.value)), and(eq(column, String(cursor.value)), beyond(users.id, cursor.id))) as SQL),
      );
    }
    const order = descending ? desc : asc;
    const rows = await tx
      .select()
      .from(users)
      .where(and(...conditions))
      .orderBy(...(field === 'id' ? [order(users.id)] : [order(column), order(users.id)]))
      .limit(limit + 1);
    const page = pageFrom(rows, limit, (last) => encodeCursor({ sort, value: field === 'id' ? last.id : last[field], id: last.id }));
    return { data: page.data.map(publicUser), nextCursor: page.nextCursor };
  }

  /**
   * Changes profile fields and the status (active / suspended). Suspending ends every session. Only a super
   * admin changes a super admin, and nobody suspends themself.
   */
  async update(tx: Tx, actor: UserAdminActor, id: string, input: UserUpdate, precondition?: (before: User) => Promise<void>): Promise<User> {
    const before = await this.get(tx, id, true);
    await precondition?.(before);
    if (before.isSuperAdmin && !actor.superAdmin) throw forbidden('super_admin_required', 'Only a super admin can change a super admin.');
    if (before.status === 'deleted') throw conflict('user_deleted', 'This user was deleted and cannot be changed.');
    if (input.status && input.status !== 'active' && actor.userId === id) {
      throw unprocessable('cannot_suspend_self', 'You cannot suspend yourself.', [{ in: 'body', pointer: '/status', detail: 'not your own account' }]);
    }
    const changes: Partial<typeof users.$inferInsert> = {};
    for (const key of ['name', 'firstName', 'lastName', 'displayName', 'status'] as const) {
      if (input[key] !== undefined) Object.assign(changes, { [key]: input[key] });
    }
    if (input.username !== undefined) {
      const username = input.username?.trim().toLowerCase() || null;
      if (username && username !== before.username) {
        const [taken] = await tx
          .select({ id: users.id })
          .from(users)
          .where(and(or(eq(users.username, username), eq(users.email, username)), ne(users.id, id)));
        if (taken) throw conflict('username_taken', 'Another user has this username.');
      }
      changes.username = username;
    }
    const [after] = (await tx.update(users).set(changes).where(eq(users.id, id)).returning()) as [User];
    const ended = after.status !== 'active' && before.status === 'active' ? await this.sessions.revokeAll(tx, id, `status_${after.status}`) : 0;
    const changed = Object.keys(changes) as Array<keyof typeof changes>;
    await this.audit.write(tx, actor, {
      siteId: null,
      action: 'user.updated',
      category: 'identity',
      targetType: 'user',
      targetId: id,
      before: Object.fromEntries(changed.map((key) => [key, before[key as keyof User]])),
      after: Object.fromEntries(changed.map((key) => [key, after[key as keyof User]])),
      metadata: ended > 0 ? { sessionsEnded: ended } : undefined,
    });
    return after;
  }

  /** The devices a user signed in from, most recently seen first. */
  async devices(tx: Tx, id: string) {
    await this.get(tx, id);
    return tx
      .select({
        id: devices.id,
        platform: devices.platform,
        userAgent: devices.userAgent,
        trusted: devices.trusted,
        riskState: devices.riskState,
        lastIp: devices.lastIp,
        lastSeenAt: devices.lastSeenAt,
        createdAt: devices.createdAt,
      })
      .from(devices)
      .where(eq(devices.userId, id))
      .orderBy(desc(devices.lastSeenAt), desc(devices.id))
      .limit(200);
  }

  /** A user's active memberships on every site (read past the sites' RLS by a definer function), by site name. */
  async memberships(tx: Tx, id: string) {
    await this.get(tx, id);
    const { rows } = await tx.$client.query<{
      site_id: string;
      site_name: string;
      site_slug: string;
      site_status: string;
      role_key: string;
      role_name: string;
    }>('SELECT site_id, site_name, site_slug, site_status, role_key, role_name FROM admiral_user_memberships($1)', [id]);
    return rows.map((r) => ({
      site: { id: r.site_id, name: r.site_name, slug: r.site_slug, status: r.site_status },
      role: { key: r.role_key, name: r.role_name },
    }));
  }

  /** Ends every session of a user (an administrator's action), audited with how many ended. */
  async revokeSessions(tx: Tx, actor: AuditActor, id: string): Promise<number> {
    await this.get(tx, id, true);
    const ended = await this.sessions.revokeAll(tx, id, 'revoked_by_admin');
    await this.audit.write(tx, actor, {
      siteId: null,
      action: 'session.revoked_all',
      category: 'identity',
      targetType: 'user',
      targetId: id,
      metadata: { sessionsEnded: ended },
    });
    return ended;
  }

  /** Bans a user (optionally until a time, after which the ban lifts itself) and ends their sessions. */
  async ban(tx: Tx, actor: AuditActor, id: string, input: { reason: string; expiresAt?: string | null }): Promise<User> {
    if (actor.userId === id) throw unprocessable('cannot_ban_self', 'You cannot ban yourself.');
    if (input.expiresAt && Date.parse(input.expiresAt) <= Date.now()) {
      throw unprocessable('ban_expiry_in_past', 'The ban must end in the future.', [{ in: 'body', pointer: '/expiresAt', detail: 'must be in the future' }]);
    }
    const before = await this.get(tx, id, true);
    const [after] = await tx
      .update(users)
      .set({ banned: true, banReason: input.reason, banExpires: input.expiresAt ?? null })
      .where(eq(users.id, id))
      .returning();
    const ended = await this.sessions.revokeAll(tx, id, 'banned');
    await this.audit.write(tx, actor, {
      siteId: null,
      action: 'user.banned',
      category: 'identity',
      targetType: 'user',
      targetId: id,
      before: { banned: before.banned, banReason: before.banReason, banExpires: before.banExpires },
      after: { banned: true, banReason: input.reason, banExpires: input.expiresAt ?? null },
      metadata: { sessionsEnded: ended },
    });
    return after as User;
  }

  async unban(tx: Tx, actor: AuditActor, id: string): Promise<User> {
    const before = await this.get(tx, id, true);
    if (!before.banned) throw conflict('not_banned', 'This user is not banned.');
    const [after] = await tx.update(users).set({ banned: false, banReason: null, banExpires: null }).where(eq(users.id, id)).returning();
    await this.audit.write(tx, actor, {
      siteId: null,
      action: 'user.unbanned',
      category: 'identity',
      targetType: 'user',
      targetId: id,
      before: { banned: true, banReason: before.banReason, banExpires: before.banExpires },
      after: { banned: false },
    });
    return after as User;
  }

  /** Lifts bans whose expiry has passed (the scheduled job); each lift is audited. */
  async liftExpiredBans(tx: Tx, actor: AuditActor): Promise<number> {
    const lifted = await tx
      .update(users)
      .set({ banned: false, banReason: null, banExpires: null })
      .where(and(eq(users.banned, true), sql`${users.banExpires} <= now()`))
      .returning({ id: users.id });
    for (const { id } of lifted) {
      await this.audit.write(tx, actor, {
        siteId: null,
        action: 'user.ban_expired',
        category: 'identity',
        targetType: 'user',
        targetId: id,
        after: { banned: false },
      });
    }
    return lifted.length;
  }
}
