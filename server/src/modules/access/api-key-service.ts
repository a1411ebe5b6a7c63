import type { Static } from '@sinclair/typebox';
import { and, desc, eq, isNull, lt, type SQL, sql } from 'drizzle-orm';
import type { AuditActor, AuditWriter } from '../../kernel/audit/writer.js';
import type { Tx } from '../../kernel/db/transaction.js';
import { DEFAULT_PAGE_SIZE, decodeCursor, idCursor, pageFrom } from '../../kernel/http/pagination.js';
import { conflict, notFound, unprocessable } from '../../kernel/http/problem.js';
import { credentialsEnded } from '../identity/index.js';
import type { ApiKeyCreateSchema, ApiKeyListQuerySchema, ApiKeySchema, ApiKeyWithSecretSchema } from './api-key-schemas.js';
import { newApiKey } from './api-key-secret.js';
import { type Authority, assertWithinAuthority } from './authority.js';
import type { GrantableCatalog } from './grantable.js';
import { apiKeys } from './schema.js';
import { ofSite } from './site-scope.js';
import type { RoleGrant } from './system-roles.js';

export type ApiKey = Static<typeof ApiKeySchema>;
export type ApiKeyWithSecret = Static<typeof ApiKeyWithSecretSchema>;
type ApiKeyRow = typeof apiKeys.$inferSelect;

const CATEGORY = 'access';
/** A fresh prefix colliding with an existing one is astronomically unlikely; a few draws settle it. */
const PREFIX_ATTEMPTS = 3;

const unconditional = (keys: readonly string[]): RoleGrant[] => keys.map((key) => ({ key, condition: null }));

/** The public view: everything but the secret's hash. */
function toApiKey(row: ApiKeyRow, now = Date.now()): ApiKey {
  const { secretHash: _never, ...rest } = row;
  const status = row.revokedAt !== null ? 'revoked' : row.expiresAt !== null && Date.parse(row.expiresAt) <= now ? 'expired' : 'active';
  return { ...rest, status };
}

/**
 * Machine credentials for one site. The whole key is returned once, at creation or rotation; the database
 * keeps its prefix and SHA-256 only. A key grants at most what its creator holds on the site.
 */
export class ApiKeyService {
  constructor(
    private readonly audit: AuditWriter,
    private readonly catalog: GrantableCatalog,
  ) {}

  async list(tx: Tx, siteId: string, query: Static<typeof ApiKeyListQuerySchema>): Promise<{ data: ApiKey[]; nextCursor: string | null }> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const conditions: SQL[] = ofSite(apiKeys.siteId, siteId);
    if (!query.includeRevoked) conditions.push(isNull(apiKeys.revokedAt));
    if (query.cursor) conditions.push(lt(apiKeys.id, decodeCursor(query.cursor, '-id').id));
    const rows = await tx
      .select()
      .from(apiKeys)
      .where(and(...conditions))
      .orderBy(desc(apiKeys.id))
      .limit(limit + 1);
    const page = pageFrom(rows, limit, idCursor);
    return { data: page.data.map((row) => toApiKey(row)), nextCursor: page.nextCursor };
  }

  async get(tx: Tx, siteId: string, apiKeyId: string): Promise<ApiKey> {
    return toApiKey(await this.row(tx, siteId, apiKeyId, false));
  }

  async create(tx: Tx, siteId: string, actor: AuditActor, authority: Authority, input: Static<typeof ApiKeyCreateSchema>): Promise<ApiKeyWithSecret> {
    const grants = unconditional(input.permissions);
    this.catalog.assertGrantable(grants, (index) => `/permissions/${index}`);
    assertWithinAuthority(authority, grants, 'This API key');
    const expiresAt = input.expiresAt ?? null;
    if (expiresAt !== null && Date.parse(expiresAt) <= Date.now()) {
      throw unprocessable('invalid_expiry', 'expiresAt must be in the future.', [{ in: 'body', pointer: '/expiresAt', detail: 'must be in the future' }]);
    }
    const { row, key } = await this.insert(tx, { siteId, name: input.name, permissions: [...input.permissions], expiresAt, createdBy: actor.userId });
    const created = toApiKey(row);
    await this.audit.write(tx, actor, { siteId, action: 'api_key.created', category: CATEGORY, targetType: 'api_key', targetId: created.id, after: created });
    return { ...created, key };
  }

  /**
   * Revokes the key and issues a new one with the same name, permissions and expiry (rotated_from_id set).
   * One audit row: before is the old key, after the new one.
   */
  async rotate(tx: Tx, siteId: string, actor: AuditActor, authority: Authority, apiKeyId: string): Promise<ApiKeyWithSecret> {
    const old = await this.row(tx, siteId, apiKeyId, true);
    const before = toApiKey(old);
    if (before.status === 'revoked') throw conflict('api_key_revoked', `API key ${apiKeyId} was revoked; create a new one.`);
    if (before.status === 'expired') throw conflict('api_key_expired', `API key ${apiKeyId} has expired; create a new one.`);
    assertWithinAuthority(authority, unconditional(old.permissions), 'Rotating this API key');
    await this.stampRevoked(tx, siteId, actor, apiKeyId);
    const { row, key } = await this.insert(tx, {
      siteId,
      name: old.name,
      permissions: old.permissions,
      expiresAt: old.expiresAt,
      createdBy: actor.userId,
      rotatedFromId: old.id,
    });
    const created = toApiKey(row);
    await this.audit.write(tx, actor, {
      siteId,
      action: 'api_key.rotated',
      category: CATEGORY,
      targetType: 'api_key',
      targetId: created.id,
      before,
      after: created,
      metadata: { revokedKeyId: old.id },
    });
    return { ...created, key };
  }

  async revoke(tx: Tx, siteId: string, actor: AuditActor, authority: Authority, apiKeyId: string): Promise<ApiKey> {
    const old = await this.row(tx, siteId, apiKeyId, true);
    if (old.revokedAt !== null) throw conflict('api_key_revoked', `API key ${apiKeyId} was already revoked at ${old.revokedAt}.`);
    assertWithinAuthority(authority, unconditional(old.permissions), 'Revoking this API key');
    const after = toApiKey(await this.stampRevoked(tx, siteId, actor, apiKeyId));
    await this.audit.write(tx, actor, {
      siteId,
      action: 'api_key.revoked',
      category: CATEGORY,
      targetType: 'api_key',
      targetId: apiKeyId,
      before: { status: toApiKey(old).status, revokedAt: null, revokedBy: null },
      after: { status: after.status, revokedAt: after.revokedAt, revokedBy: after.revokedBy },
    });
    return after;
  }

  private async row(tx: Tx, siteId: string, apiKeyId: string, forUpdate: boolean): Promise<ApiKeyRow> {
    const query = tx
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.id, apiKeyId), ...ofSite(apiKeys.siteId, siteId)));
    const [row] = await (forUpdate ? query.for('update') : query);
    if (!row) throw notFound('API key', `API key ${apiKeyId} was not found.`);
    return row;
  }

  private async stampRevoked(tx: Tx, siteId: string, actor: AuditActor, apiKeyId: string): Promise<ApiKeyRow> {
    const [row] = await tx
      .update(apiKeys)
      .set({ revokedAt: sql`now()` as unknown as string, revokedBy: actor.userId })
      .where(and(eq(apiKeys.id, apiKeyId), ...ofSite(apiKeys.siteId, siteId)))
      .returning();
    credentialsEnded({ apiKeyId });
    return row as ApiKeyRow;
  }

  private async insert(tx: Tx, values: Omit<typeof apiKeys.$inferInsert, 'prefix' | 'secretHash'>): Promise<{ row: ApiKeyRow; key: string }> {
    for (let attempt = 0; attempt < PREFIX_ATTEMPTS; attempt++) {
      const { key, prefix, secretHash } = newApiKey();
      const [row] = await tx
        .insert(apiKeys)
        .values({ ...values, prefix, secretHash })
        .onConflictDoNothing({ target: apiKeys.prefix })
        .returning();
      if (row) return { row, key };
    }
    throw new Error('could not draw an unused API key prefix');
  }
}
