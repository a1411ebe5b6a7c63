import type { Static } from '@sinclair/typebox';
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { AuditActor, AuditWriter } from '../../kernel/audit/writer.js';
import type { Tx } from '../../kernel/db/transaction.js';
import { assertIfMatch, etagOf } from '../../kernel/http/etag.js';
import { conflict, notFound } from '../../kernel/http/problem.js';
import { type Authority, assertWithinAuthority } from './authority.js';
import type { GrantableCatalog } from './grantable.js';
import type { RoleCreateSchema, RoleGrantInputSchema, RoleSchema, RoleUpdateSchema } from './role-schemas.js';
import { memberships, rolePermissions, roles } from './schema.js';
import { ofSite, ofSiteOrSystem } from './site-scope.js';
import { byKey, type RoleGrant, SYSTEM_ROLE_KEYS, SYSTEM_ROLES } from './system-roles.js';

export type Role = Static<typeof RoleSchema>;
type RoleRow = typeof roles.$inferSelect;

const CATEGORY = 'access';
const systemOrder = (key: string) => SYSTEM_ROLES.findIndex((r) => r.key === key);

/** Request items → grants: a missing condition means everywhere on the site. */
export const toGrants = (items: ReadonlyArray<Static<typeof RoleGrantInputSchema>>): RoleGrant[] =>
  items.map((item) => ({ key: item.key, condition: item.condition ?? null }));

const grantPointer = (index: number) => `/permissions/${index}/key`;

/**
 * Roles: the system roles (read-only here; code keeps them in step with the catalog) and the site's
 * custom roles. Nobody creates or reshapes a role to grant more than they hold themselves.
 */
export class RoleService {
  constructor(
    private readonly audit: AuditWriter,
    private readonly catalog: GrantableCatalog,
  ) {}

  /** System roles first (least to most powerful), then the site's custom roles by key. */
  async list(tx: Tx, siteId: string): Promise<Role[]> {
    const rows = await tx
      .select()
      .from(roles)
      .where(and(isNull(roles.deletedAt), ...ofSiteOrSystem(roles.siteId, siteId)))
      .orderBy(asc(roles.key));
    rows.sort((a, b) => Number(a.siteId !== null) - Number(b.siteId !== null) || (a.siteId === null ? systemOrder(a.key) - systemOrder(b.key) : 0));
    const grants = await this.grantsOf(
      tx,
      rows.map((r) => r.id),
    );
    return rows.map((row) => toRole(row, grants.get(row.id) ?? []));
  }

  async get(tx: Tx, siteId: string, roleId: string): Promise<Role> {
    const row = await this.row(tx, siteId, roleId);
    return toRole(row, (await this.grantsOf(tx, [row.id])).get(row.id) ?? []);
  }

  /** A role a membership may name by key: a system role or one of the site's, locked against deletion while the grant commits. */
  async findByKey(tx: Tx, siteId: string, key: string): Promise<Role | undefined> {
    const [row] = await tx
      .select()
      .from(roles)
      .where(and(eq(roles.key, key), isNull(roles.deletedAt), ...ofSiteOrSystem(roles.siteId, siteId)))
      .orderBy(sql`${roles.siteId} nulls first`)
      .limit(1);
    if (!row) return undefined;
    // A system role never goes away; a custom one is share-locked so a concurrent delete waits for this grant.
    const locked =
      row.siteId === null
        ? row
        : (
            await tx
              .select()
              .from(roles)
              .where(and(eq(roles.id, row.id), isNull(roles.deletedAt)))
              .for('share')
          )[0];
    return locked ? toRole(locked, (await this.grantsOf(tx, [locked.id])).get(locked.id) ?? []) : undefined;
  }

  async create(tx: Tx, siteId: string, actor: AuditActor, authority: Authority, input: Static<typeof RoleCreateSchema>): Promise<Role> {
    const grants = toGrants(input.permissions);
    this.catalog.assertGrantable(grants, grantPointer);
    assertWithinAuthority(authority, grants, 'This role');
    if (SYSTEM_ROLE_KEYS.has(input.key)) throw conflict('role_key_taken', `${input.key} is a system role; choose another key.`);
    const [row] = await tx
      .insert(roles)
      .values({ siteId, key: input.key, name: input.name, description: input.description ?? null })
      .onConflictDoNothing()
      .returning();
    if (!row) throw conflict('role_key_taken', `This site already has a role ${input.key}.`);
    await this.writeGrants(tx, row, grants);
    const role = toRole(row, sortGrants(grants));
    await this.audit.write(tx, actor, { siteId, action: 'role.created', category: CATEGORY, targetType: 'role', targetId: role.id, after: role });
    return role;
  }

  async update(tx: Tx, siteId: string, actor: AuditActor, roleId: string, input: Static<typeof RoleUpdateSchema>, ifMatch: string | undefined): Promise<Role> {
    const before = await this.lockCustom(tx, siteId, roleId, ifMatch);
    const [row] = await tx
      .update(roles)
      .set(input)
      .where(and(eq(roles.id, roleId), ...ofSite(roles.siteId, siteId)))
      .returning();
    const after = toRole(row as RoleRow, before.permissions);
    const changed = (Object.keys(input) as Array<keyof typeof input>).filter((k) => before[k] !== after[k]);
    await this.audit.write(tx, actor, {
      siteId,
      action: 'role.updated',
      category: CATEGORY,
      targetType: 'role',
      targetId: roleId,
      before: Object.fromEntries(changed.map((k) => [k, before[k]])),
      after: Object.fromEntries(changed.map((k) => [k, after[k]])),
    });
    return after;
  }

  /** Replaces the role's permission set. The caller must hold both what it granted and what it will grant. */
  async replacePermissions(
    tx: Tx,
    siteId: string,
    actor: AuditActor,
    authority: Authority,
    roleId: string,
    items: ReadonlyArray<Static<typeof RoleGrantInputSchema>>,
    ifMatch: string | undefined,
  ): Promise<Role> {
    const grants = toGrants(items);
    this.catalog.assertGrantable(grants, grantPointer);
    const before = await this.lockCustom(tx, siteId, roleId, ifMatch);
    assertWithinAuthority(authority, before.permissions, 'Changing this role');
    assertWithinAuthority(authority, grants, 'This role');
    await tx.delete(rolePermissions).where(and(eq(rolePermissions.roleId, roleId), ...ofSite(rolePermissions.siteId, siteId)));
    const [row] = await tx
      .update(roles)
      .set({ updatedAt: sql`now()` as unknown as string })
      .where(and(eq(roles.id, roleId), ...ofSite(roles.siteId, siteId)))
      .returning();
    await this.writeGrants(tx, row as RoleRow, grants);
    const after = toRole(row as RoleRow, sortGrants(grants));
    await this.audit.write(tx, actor, {
      siteId,
      action: 'role.permissions_replaced',
      category: CATEGORY,
      targetType: 'role',
      targetId: roleId,
      before: { permissions: before.permissions },
      after: { permissions: after.permissions },
    });
    return after;
  }

  /**
   * Deletes a custom role no active membership holds. The row stays (stamped deleted_at, its key freed) so
   * revoked memberships still name their role; its permissions go.
   */
  async remove(tx: Tx, siteId: string, actor: AuditActor, roleId: string, ifMatch: string | undefined): Promise<void> {
    const before = await this.lockCustom(tx, siteId, roleId, ifMatch);
    const [holder] = await tx
      .select({ id: memberships.id })
      .from(memberships)
      .where(and(eq(memberships.roleId, roleId), isNull(memberships.revokedAt), ...ofSite(memberships.siteId, siteId)))
      .limit(1);
    if (holder) throw conflict('role_in_use', `Role ${before.key} is held by active memberships; revoke them first.`);
    await tx.delete(rolePermissions).where(and(eq(rolePermissions.roleId, roleId), ...ofSite(rolePermissions.siteId, siteId)));
    await tx
      .update(roles)
      .set({ deletedAt: sql`now()` as unknown as string })
      .where(and(eq(roles.id, roleId), ...ofSite(roles.siteId, siteId)));
    await this.audit.write(tx, actor, { siteId, action: 'role.deleted', category: CATEGORY, targetType: 'role', targetId: roleId, before });
  }

  private async row(tx: Tx, siteId: string, roleId: string): Promise<RoleRow> {
    const [row] = await tx
      .select()
      .from(roles)
      .where(and(eq(roles.id, roleId), isNull(roles.deletedAt), ...ofSiteOrSystem(roles.siteId, siteId)));
    if (!row) throw notFound('Role', `Role ${roleId} was not found.`);
    return row;
  }

  /** The site's custom role, locked for a change; 409 for a system role, 412 when If-Match is stale. */
  private async lockCustom(tx: Tx, siteId: string, roleId: string, ifMatch: string | undefined): Promise<Role> {
    const visible = await this.row(tx, siteId, roleId);
    if (visible.siteId === null) throw conflict('system_role_read_only', `${visible.key} is a system role: Admiral manages it, and it cannot be changed.`);
    const [row] = await tx
      .select()
      .from(roles)
      .where(and(eq(roles.id, roleId), isNull(roles.deletedAt), ...ofSite(roles.siteId, siteId)))
      .for('update');
    if (!row) throw notFound('Role', `Role ${roleId} was not found.`);
    const role = toRole(row, (await this.grantsOf(tx, [row.id])).get(row.id) ?? []);
    assertIfMatch(ifMatch, etagOf(role));
    return role;
  }

  private async grantsOf(tx: Tx, roleIds: string[]): Promise<Map<string, RoleGrant[]>> {
    const byRole = new Map<string, RoleGrant[]>();
    if (roleIds.length === 0) return byRole;
    const rows = await tx.select().from(rolePermissions).where(inArray(rolePermissions.roleId, roleIds));
    for (const row of rows) {
      const list = byRole.get(row.roleId) ?? [];
      list.push({ key: row.permissionKey, condition: row.condition });
      byRole.set(row.roleId, list);
    }
    for (const [roleId, list] of byRole) byRole.set(roleId, sortGrants(list));
    return byRole;
  }

  private async writeGrants(tx: Tx, role: RoleRow, grants: RoleGrant[]): Promise<void> {
    if (grants.length === 0) return;
    await tx.insert(rolePermissions).values(grants.map((g) => ({ roleId: role.id, siteId: role.siteId, permissionKey: g.key, condition: g.condition })));
  }
}

const sortGrants = (grants: RoleGrant[]): RoleGrant[] => [...grants].sort(byKey);

function toRole(row: RoleRow, permissions: RoleGrant[]): Role {
  const system = row.siteId === null;
  return {
    id: row.id,
    siteId: row.siteId,
    key: row.key,
    name: row.name,
    description: row.description,
    system,
    assignable: system ? (SYSTEM_ROLES.find((r) => r.key === row.key)?.assignable ?? false) : true,
    permissions,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
