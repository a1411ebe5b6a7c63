import type { Static } from '@sinclair/typebox';
import { and, eq, ne, sql } from 'drizzle-orm';
import type { AuditActor, AuditWriter } from '../../kernel/audit/writer.js';
import type { Database, Tx } from '../../kernel/db/transaction.js';
import { conflict, forbidden } from '../../kernel/http/problem.js';
import { memberships } from '../access/schema.js';
import { deviceFingerprint, touchDevice } from '../identity/devices.js';
import { assertAcceptablePassword } from '../identity/password-policy.js';
import { users } from '../identity/schema.js';
import type { IssuedTokens, SessionService } from '../identity/session-service.js';
import { publicUser, type UserService } from '../identity/user-service.js';
import type { Site, SiteService } from '../tenancy/site-service.js';
import type { SetupSchema } from './schemas.js';
import { setupCodeMatches } from './setup-code.js';

/** Serialises concurrent first-run setups: the second waits, then finds the admin and is refused. */
const SETUP_LOCK = sql`SELECT pg_advisory_xact_lock(hashtext('admiral.first-run-setup'))`;

export interface SetupDone extends IssuedTokens {
  user: ReturnType<typeof publicUser>;
  site: Site;
}

/**
 * First run: while no super admin exists, whoever can reach the server — and, in production, knows the setup
 * code printed in its log — may create the first one, the first site and the admin's membership of it, in one
 * transaction. Afterwards it answers 409 for ever.
 */
export class SetupService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditWriter,
    private readonly services: { users: UserService; sites: SiteService; sessions: SessionService },
    /** The code a caller must present (production), or null when none is asked for. */
    private readonly setupCode: string | null,
  ) {}

  get setupCodeRequired(): boolean {
    return this.setupCode !== null;
  }

  async needsSetup(tx: Tx): Promise<boolean> {
    const [admin] = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.isSuperAdmin, true), ne(users.status, 'deleted')))
      .limit(1);
    return !admin;
  }

  async run(actor: AuditActor, input: Static<typeof SetupSchema>): Promise<SetupDone> {
    if (this.setupCode !== null && !setupCodeMatches(this.setupCode, input.setupCode)) {
      throw forbidden('setup_code_invalid', 'The setup code is missing or wrong: Admiral prints it in its log when it starts without an administrator.');
    }
    assertAcceptablePassword(input.admin.password, [input.admin.email], '/admin/password');
    return this.db.asPlatform({}, async (tx) => {
      await tx.execute(SETUP_LOCK);
      if (!(await this.needsSetup(tx))) throw conflict('setup_done', 'Admiral is already set up: sign in instead.');
      const created = await this.services.users.create(tx, actor, {
        email: input.admin.email,
        password: input.admin.password,
        name: input.admin.name ?? null,
        isSuperAdmin: true,
        emailVerified: true,
      });
      const as = { ...actor, userId: created.id };
      const site = await this.services.sites.create(tx, as, { name: input.site.name, slug: input.site.slug });
      await this.grantAdmin(tx, as, site.id, created.id);
      const device = await touchDevice(tx, this.audit, as, created.id, deviceFingerprint(as));
      const issued = await this.services.sessions.create(tx, created.id, {
        ip: actor.ip,
        userAgent: actor.userAgent,
        deviceId: device.id,
        viaCookie: input.cookie,
      });
      await this.audit.write(
        tx,
        { ...as, sessionId: issued.sessionId },
        { siteId: null, action: 'setup.completed', category: 'identity', targetType: 'user', targetId: created.id, metadata: { siteId: site.id } },
      );
      const [fresh] = await tx.select().from(users).where(eq(users.id, created.id));
      return { ...issued, user: publicUser(fresh ?? created), site };
    });
  }

  /** The site's `admin` system role for the new super admin, written in the site's tenant context (then back to platform). */
  private async grantAdmin(tx: Tx, actor: AuditActor, siteId: string, userId: string): Promise<void> {
    await tx.execute(sql`SELECT set_config('app.site_id', ${siteId}, true)`);
    const { rows } = await tx.$client.query<{ id: string }>('SELECT id FROM roles WHERE key = $1 AND site_id IS NULL AND deleted_at IS NULL', ['admin']);
    const roleId = rows[0]?.id;
    if (!roleId) throw new Error('the system role "admin" is missing: run migrations');
    const [membership] = await tx.insert(memberships).values({ siteId, userId, roleId, assignedBy: userId }).returning();
    await this.audit.write(tx, actor, {
      siteId,
      action: 'membership.granted',
      category: 'access',
      targetType: 'membership',
      targetId: membership?.id,
      after: { userId, role: 'admin', siteId },
    });
    await tx.execute(sql`SELECT set_config('app.site_id', '', true)`);
  }
}
