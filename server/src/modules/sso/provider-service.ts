import type { Static } from '@sinclair/typebox';
import { and, asc, eq, isNull, type SQL } from 'drizzle-orm';
import type { AuditActor, AuditWriter } from '../../kernel/audit/writer.js';
import type { SecretBox } from '../../kernel/crypto/secret-box.js';
import type { Tx } from '../../kernel/db/transaction.js';
import { assertIfMatch, etagOf } from '../../kernel/http/etag.js';
import { conflict, notFound, unprocessable } from '../../kernel/http/problem.js';
import type { Authority, RuleMemberships } from '../access/index.js';
import type { ExternalAccounts } from '../identity/index.js';
import { callbackUrl } from './flow-paths.js';
import type { SsoProviderCreateSchema, SsoProviderSchema, SsoProviderUpdateSchema } from './provider-schemas.js';
import { ssoProviders } from './schema.js';

export type SsoProvider = Static<typeof SsoProviderSchema>;
export type ProviderRow = typeof ssoProviders.$inferSelect;
type Create = Static<typeof SsoProviderCreateSchema>;
type Update = Static<typeof SsoProviderUpdateSchema>;

/** Which providers a call is about: the platform's (siteId null) or one site's. */
export interface ProviderScope {
  siteId: string | null;
  /** What the caller may grant on the site (site providers: the just-in-time role must be within it). */
  authority?: Authority;
}

const CATEGORY = 'sso';
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The account provider id a provider's subjects are linked under in `accounts`. */
export const accountProviderId = (providerId: string) => `oidc:${providerId}`;

/** The scope's own rows (wall 1; RLS is wall 2). */
export const inScope = (siteId: string | null): SQL => (siteId ? eq(ssoProviders.siteId, siteId) : isNull(ssoProviders.siteId));

/** https only, except on a loopback host outside production (a provider running beside Admiral in development and tests). */
function checkIssuer(raw: string, allowLoopbackHttp: boolean): string {
  const refuse = (detail: string) => unprocessable('invalid_issuer', `The issuer ${detail}.`, [{ in: 'body', pointer: '/issuer', detail }]);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse('is not a URL');
  }
  if (url.protocol !== 'https:' && !(allowLoopbackHttp && url.protocol === 'http:' && LOOPBACK.has(url.hostname))) throw refuse('must use https');
  if (url.username || url.password) throw refuse('must not carry credentials');
  if (url.search || url.hash) throw refuse('must not have a query or fragment');
  return raw;
}

function checkScopes(scopes: readonly string[]): string[] {
  if (!scopes.includes('openid')) {
    throw unprocessable('openid_scope_required', 'The scopes must include openid.', [{ in: 'body', pointer: '/scopes', detail: 'must include openid' }]);
  }
  return [...new Set(scopes)];
}

/**
 * OpenID Connect providers of the platform or of a site: create, read, change, remove. The client secret
 * is sealed on the way in and never comes out; every change is audited (on the site's chain for a site's
 * provider) with the secret left out.
 */
export class ProviderService {
  constructor(
    private readonly audit: AuditWriter,
    private readonly secrets: SecretBox,
    private readonly rules: RuleMemberships,
    private readonly accounts: ExternalAccounts,
    private readonly options: { publicUrl: string | undefined; allowLoopbackHttp: boolean },
  ) {}

  view(row: ProviderRow): SsoProvider {
    return {
      id: row.id,
      siteId: row.siteId,
      slug: row.slug,
      name: row.name,
      issuer: row.issuer,
      clientId: row.clientId,
      hasClientSecret: row.clientSecretEnc.length > 0,
      scopes: row.scopes,
      enabled: row.enabled,
      allowJit: row.allowJit,
      defaultRole: row.defaultRole,
      allowedEmailDomains: row.allowedEmailDomains,
      callbackUrl: callbackUrl(this.options.publicUrl, row),
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }

  async list(tx: Tx, scope: ProviderScope): Promise<SsoProvider[]> {
    const rows = await tx.select().from(ssoProviders).where(inScope(scope.siteId)).orderBy(asc(ssoProviders.slug));
    return rows.map((row) => this.view(row));
  }

  async get(tx: Tx, scope: ProviderScope, id: string): Promise<SsoProvider> {
    return this.view(await this.row(tx, scope, id));
  }

  async create(tx: Tx, scope: ProviderScope, actor: AuditActor, input: Create): Promise<SsoProvider> {
    const defaultRole = scope.siteId ? (input.defaultRole ?? 'registered') : (input.defaultRole ?? null);
    await this.checkDefaultRole(tx, scope, defaultRole, input.allowJit ?? false);
    const [taken] = await tx
      .select({ id: ssoProviders.id })
      .from(ssoProviders)
      .where(and(inScope(scope.siteId), eq(ssoProviders.slug, input.slug)));
    if (taken) throw conflict('slug_taken', `A single sign-on provider with the slug ${input.slug} already exists here.`);
    const [row] = await tx
      .insert(ssoProviders)
      .values({
        siteId: scope.siteId,
        slug: input.slug,
        name: input.name,
        issuer: checkIssuer(input.issuer, this.options.allowLoopbackHttp),
        clientId: input.clientId,
        clientSecretEnc: this.secrets.seal(input.clientSecret),
        scopes: checkScopes(input.scopes ?? ['openid', 'email', 'profile']),
        enabled: input.enabled ?? true,
        allowJit: input.allowJit ?? false,
        defaultRole,
        allowedEmailDomains: [...new Set(input.allowedEmailDomains ?? [])],
      })
      .returning();
    const provider = this.view(row as ProviderRow);
    await this.write(tx, scope, actor, 'sso_provider.created', provider.id, { after: provider });
    return provider;
  }

  async update(tx: Tx, scope: ProviderScope, actor: AuditActor, id: string, input: Update, ifMatch: string | undefined): Promise<SsoProvider> {
    const current = await this.row(tx, scope, id, true);
    const before = this.view(current);
    assertIfMatch(ifMatch, etagOf(before));
    const changes: Partial<typeof ssoProviders.$inferInsert> = {};
    if (input.name !== undefined) changes.name = input.name;
    if (input.issuer !== undefined) changes.issuer = checkIssuer(input.issuer, this.options.allowLoopbackHttp);
    if (input.clientId !== undefined) changes.clientId = input.clientId;
    if (input.clientSecret !== undefined) changes.clientSecretEnc = this.secrets.seal(input.clientSecret);
    if (input.scopes !== undefined) changes.scopes = checkScopes(input.scopes);
    if (input.enabled !== undefined) changes.enabled = input.enabled;
    if (input.allowJit !== undefined) changes.allowJit = input.allowJit;
    if (input.defaultRole !== undefined) changes.defaultRole = input.defaultRole;
    if (input.allowedEmailDomains !== undefined) changes.allowedEmailDomains = [...new Set(input.allowedEmailDomains)];
    if (input.defaultRole !== undefined || input.allowJit !== undefined) {
      const role = input.defaultRole !== undefined ? input.defaultRole : current.defaultRole;
      await this.checkDefaultRole(tx, scope, role, input.allowJit ?? current.allowJit);
    }
    const [row] = await tx
      .update(ssoProviders)
      .set(changes)
      .where(and(eq(ssoProviders.id, id), inScope(scope.siteId)))
      .returning();
    const after = this.view(row as ProviderRow);
    await this.write(tx, scope, actor, 'sso_provider.updated', id, { before, after, metadata: { changed: Object.keys(input) } });
    return after;
  }

  /** Removes the provider, its sign-ins in flight and every account linked through it (users who have no other way in cannot sign in). */
  async remove(tx: Tx, scope: ProviderScope, actor: AuditActor, id: string, ifMatch: string | undefined): Promise<void> {
    const current = await this.row(tx, scope, id, true);
    const before = this.view(current);
    assertIfMatch(ifMatch, etagOf(before));
    await tx.delete(ssoProviders).where(and(eq(ssoProviders.id, id), inScope(scope.siteId)));
    const unlinked = await this.accounts.unlinkAll(tx, accountProviderId(id));
    await this.write(tx, scope, actor, 'sso_provider.deleted', id, { before, metadata: { accountsUnlinked: unlinked } });
  }

  /** Platform providers grant no role; a site provider's role must exist, be assignable and within its author's authority. */
  private async checkDefaultRole(tx: Tx, scope: ProviderScope, role: string | null, allowJit: boolean): Promise<void> {
    if (!scope.siteId) {
      if (role !== null) {
        throw unprocessable('default_role_not_allowed', 'Platform-wide providers grant no role; set defaultRole on a site provider.', [
          { in: 'body', pointer: '/defaultRole', detail: 'must be null on a platform provider' },
        ]);
      }
      return;
    }
    if (role === null) {
      if (allowJit) {
        throw unprocessable('default_role_required', 'Just-in-time members need a default role.', [
          { in: 'body', pointer: '/defaultRole', detail: 'required when allowJit is true' },
        ]);
      }
      return;
    }
    if (!scope.authority) throw new Error('a site provider change needs the caller’s authority');
    await this.rules.assertRuleRole(tx, scope.siteId, scope.authority, role, '/defaultRole');
  }

  private async row(tx: Tx, scope: ProviderScope, id: string, forUpdate = false): Promise<ProviderRow> {
    const query = tx
      .select()
      .from(ssoProviders)
      .where(and(eq(ssoProviders.id, id), inScope(scope.siteId)));
    const [row] = await (forUpdate ? query.for('update') : query);
    if (!row) throw notFound('Single sign-on provider', `Single sign-on provider ${id} was not found.`);
    return row;
  }

  private write(
    tx: Tx,
    scope: ProviderScope,
    actor: AuditActor,
    action: string,
    id: string,
    detail: { before?: unknown; after?: unknown; metadata?: Record<string, unknown> },
  ) {
    return this.audit.write(tx, actor, { siteId: scope.siteId, action, category: CATEGORY, targetType: 'sso_provider', targetId: id, ...detail });
  }
}
