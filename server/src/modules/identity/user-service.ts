import { and, desc, eq, ilike, lt, or, type SQL, sql } from 'drizzle-orm';
import type { AuditActor, AuditWriter } from '../../kernel/audit/writer.js';
import { hashPassword } from '../../kernel/crypto/passwords.js';
import { escapeLike } from '../../kernel/db/like.js';
import type { Tx } from '../../kernel/db/transaction.js';
import { DEFAULT_PAGE_SIZE, decodeCursor, encodeCursor, idCursor, pageFrom } from '../../kernel/http/pagination.js';
import { conflict, notFound, unprocessable } from '../../kernel/http/problem.js';
import { assertAcceptablePassword } from './password-policy.js';
import { accounts, users } from './schema.js';
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

  async list(tx: Tx, query: { limit?: number; cursor?: string; q?: string; status?: User['status']; banned?: boolean }) {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const conditions: SQL[] = [];
    if (query.status) conditions.push(eq(users.status, query.status));
    if (query.banned !== undefined) conditions.push(eq(users.banned, query.banned));
    if (query.q) {
      const pattern = `%${escapeLike(query.q)}%`;
      conditions.push(or(ilike(users.email, pattern), ilike(users.username, pattern), ilike(users.name, pattern)) as SQL);
    }
    if (query.cursor) conditions.push(lt(users.id, decodeCursor(query.cursor, '-id').id));
    const rows = await tx
      .select()
      .from(users)
      .where(and(...conditions))
      .orderBy(desc(users.id))
      .limit(limit + 1);
    const page = pageFrom(rows, limit, idCursor);
    return { data: page.data.map(publicUser), nextCursor: page.nextCursor };
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
