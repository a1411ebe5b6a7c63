import { and, asc, eq } from 'drizzle-orm';
import type { AuditActor, AuditWriter } from '../../kernel/audit/writer.js';
import { randomToken } from '../../kernel/crypto/tokens.js';
import { type Database, SiteInactiveError, SiteNotFoundError, type Tx } from '../../kernel/db/transaction.js';
import { notFound, ProblemError } from '../../kernel/http/problem.js';
import type { RuleMemberships } from '../access/index.js';
import {
  type AuthService,
  accountRefusal,
  deviceFingerprint,
  type ExternalAccounts,
  type SessionService,
  type SignedIn,
  type TwoFactorChallenge,
  type User,
  type UserService,
  users,
} from '../identity/index.js';
import { sites } from '../tenancy/index.js';
import { callbackUrl, type ProviderAddress, safeRedirectPath, startPath } from './flow-paths.js';
import { type OidcClients, SsoFlowError, type VerifiedIdentity } from './oidc-client.js';
import { accountProviderId, inScope, type ProviderRow } from './provider-service.js';
import { ssoProviders } from './schema.js';
import type { PendingSignIn, SignInStates } from './sign-in-states.js';

export interface SignInOption {
  id: string;
  slug: string;
  name: string;
  siteId: string | null;
  startUrl: string;
}

export interface Started {
  /** The provider's authorization URL, with state, nonce and the PKCE challenge. */
  location: string;
  /** The browser-binding value to (re)set in the flow cookie. */
  browserBinding: string;
}

export type Completed =
  | { kind: 'signed_in'; signedIn: SignedIn; redirectTo: string }
  | { kind: 'two_factor'; challenge: TwoFactorChallenge; redirectTo: string };

/** Where the failure happened, for its audit row. */
interface FailureContext {
  provider?: ProviderAddress & { id: string };
  userId?: string;
}

const BROWSER_BINDING = /^[A-Za-z0-9_-]{43}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1);

/**
 * Single sign-on through OpenID Connect (authorization code flow with PKCE): the redirect to the provider,
 * then the callback, which validates the answer, finds the person (a linked account; else an existing user
 * with the same email, only if the provider verified it; else a new user, when the provider allows it),
 * makes them a member of the provider's site on a first visit, and signs them in like a password would,
 * second factor included. Every refusal is audited as a failed `auth.sign_in`.
 */
export class SsoService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditWriter,
    private readonly deps: {
      states: SignInStates;
      clients: OidcClients;
      accounts: ExternalAccounts;
      users: UserService;
      sessions: SessionService;
      auth: AuthService;
      rules: RuleMemberships;
      publicUrl: string | undefined;
    },
  ) {}

  /** The enabled providers a sign-in page offers: the platform's, and a site's when `site` (slug or id) names one. */
  async options(site: string | undefined): Promise<SignInOption[]> {
    if (!this.deps.publicUrl) return [];
    const option = (row: ProviderRow): SignInOption => ({ id: row.id, slug: row.slug, name: row.name, siteId: row.siteId, startUrl: startPath(row) });
    const enabled = (siteId: string | null) => (tx: Tx) =>
      tx
        .select()
        .from(ssoProviders)
        .where(and(inScope(siteId), eq(ssoProviders.enabled, true)))
        .orderBy(asc(ssoProviders.name), asc(ssoProviders.id));
    const platform = await this.db.asPlatform({}, async (tx) => {
      const rows = await enabled(null)(tx);
      if (site === undefined) return { rows, siteId: null };
      const [found] = await tx
        .select({ id: sites.id, status: sites.status })
        .from(sites)
        .where(UUID.test(site) ? eq(sites.id, site.toLowerCase()) : eq(sites.slug, site));
      if (found?.status !== 'active') throw notFound('Site', `There is no active site ${site}.`);
      return { rows, siteId: found.id };
    });
    const own = platform.siteId ? await this.db.withTenant({ siteId: platform.siteId }, enabled(platform.siteId)) : [];
    return [...own, ...platform.rows].map(option);
  }

  /** Starts a sign-in: records it and answers where to send the browser. */
  async start(address: ProviderAddress, redirect: string | undefined, browserBinding: string | undefined, actor: AuditActor): Promise<Started> {
    let provider: ProviderRow | undefined;
    try {
      if (!this.deps.publicUrl) throw new SsoFlowError('sso_not_configured', 'PUBLIC_URL is not set');
      const redirectTo = safeRedirectPath(redirect);
      if (redirectTo === null) throw new SsoFlowError('invalid_redirect');
      const binding = browserBinding && BROWSER_BINDING.test(browserBinding) ? browserBinding : randomToken('', 32);
      const nonce = randomToken('', 32);
      const codeVerifier = randomToken('', 48);
      const { row, state } = await this.inScope(address.siteId, async (tx) => {
        const row = await this.usableProvider(tx, address);
        const state = await this.deps.states.issue(tx, { providerId: row.id, browserBinding: binding, nonce, codeVerifier, redirectTo });
        return { row, state };
      });
      provider = row;
      const redirectUri = callbackUrl(this.deps.publicUrl, row) as string;
      const url = await this.deps.clients.authorizationUrl(row, { redirectUri, scopes: row.scopes, state, nonce, codeVerifier });
      return { location: url.toString(), browserBinding: binding };
    } catch (error) {
      throw await this.failed(error, actor, { provider });
    }
  }

  /** The provider's answer: validates it, finds or creates the person, and signs them in (or asks for the second factor). */
  async complete(address: ProviderAddress, query: Record<string, string>, browserBinding: string | undefined, actor: AuditActor): Promise<Completed> {
    const context: FailureContext = {};
    try {
      if (!this.deps.publicUrl) throw new SsoFlowError('sso_not_configured', 'PUBLIC_URL is not set');
      const state = query.state;
      if (!state) throw new SsoFlowError('invalid_state', 'no_state');
      // The spend commits before anything else happens, so this callback can never be replayed.
      const { row, pending } = await this.inScope(address.siteId, async (tx) => {
        const [row] = await tx
          .select()
          .from(ssoProviders)
          .where(and(inScope(address.siteId), eq(ssoProviders.slug, address.slug)));
        return { row, pending: await this.deps.states.spend(tx, state, browserBinding) };
      });
      if (row) context.provider = row;
      const flow = this.checkPending(row, pending);
      const redirectUri = new URL(callbackUrl(this.deps.publicUrl, flow.provider) as string);
      for (const [key, value] of Object.entries(query)) redirectUri.searchParams.append(key, value);
      const identity = await this.deps.clients.exchange(flow.provider, {
        callback: redirectUri,
        state,
        nonce: flow.pending.nonce,
        codeVerifier: flow.pending.codeVerifier,
      });
      const userId = await this.db.asPlatform({}, (tx) => this.resolveUser(tx, actor, flow.provider, identity, context));
      context.userId = userId;
      await this.welcome(flow.provider, userId, actor);
      const via = { method: 'oidc' as const, providerId: flow.provider.id };
      const outcome = await this.db
        .asPlatform({ userId }, (tx) => this.deps.auth.signInVouched(tx, actor, userId, deviceFingerprint(actor), via))
        .catch((error: unknown) => {
          throw error instanceof ProblemError && error.code === 'invalid_credentials' ? new SsoFlowError('invalid_credentials', 'refused_at_sign_in') : error;
        });
      return 'token' in outcome
        ? { kind: 'signed_in', signedIn: outcome, redirectTo: flow.pending.redirectTo }
        : { kind: 'two_factor', challenge: outcome, redirectTo: flow.pending.redirectTo };
    } catch (error) {
      throw await this.failed(error, actor, context);
    }
  }

  private checkPending(row: ProviderRow | undefined, pending: PendingSignIn | null): { provider: ProviderRow; pending: PendingSignIn } {
    if (!pending) throw new SsoFlowError('invalid_state', 'unknown_used_expired_or_other_browser');
    if (!row || pending.providerId !== row.id) throw new SsoFlowError('invalid_state', 'provider_mismatch');
    if (!row.enabled) throw new SsoFlowError('provider_unavailable', 'provider_disabled');
    return { provider: row, pending };
  }

  /**
   * The user the identity signs in as: the account linked to the provider's subject; else the user with the
   * same email, when the provider verified it; else a new user, when the provider allows just-in-time users.
   */
  private async resolveUser(tx: Tx, actor: AuditActor, provider: ProviderRow, identity: VerifiedIdentity, context: FailureContext): Promise<string> {
    const accountProvider = accountProviderId(provider.id);
    const linked = await this.deps.accounts.userOf(tx, accountProvider, identity.subject);
    let user: User;
    let how: 'account' | 'email' | 'created';
    if (linked) {
      user = linked;
      how = 'account';
    } else {
      const email = this.acceptableEmail(provider, identity);
      const [existing] = await tx.select().from(users).where(eq(users.email, email));
      if (existing) {
        context.userId = existing.id;
        await this.assertLinkable(tx, provider, existing);
        user = existing;
        how = 'email';
      } else {
        if (!provider.allowJit) throw new SsoFlowError('no_account', 'no_matching_user');
        user = await this.deps.users.create(tx, actor, { email, name: identity.name, emailVerified: true });
        how = 'created';
      }
    }
    context.userId = user.id;
    const refusal = accountRefusal(user);
    if (refusal) throw new SsoFlowError('invalid_credentials', refusal);
    if (provider.siteId && user.isSuperAdmin) throw new SsoFlowError('account_not_allowed', 'super_admin_through_site_provider');
    await this.deps.accounts.link(tx, user.id, accountProvider, identity.subject, identity.tokens);
    let claimed: Record<string, unknown> = {};
    if (how === 'email' && !user.emailVerified) {
      const { passwordRemoved } = await this.deps.accounts.claimUnverified(tx, user.id);
      const sessionsEnded = await this.deps.sessions.revokeAll(tx, user.id, 'claimed_by_verified_email');
      claimed = { unverifiedAccountClaimed: true, signInMethodRemoved: passwordRemoved, sessionsEnded };
    }
    if (how !== 'account') {
      await this.audit.write(
        tx,
        { ...actor, userId: user.id },
        {
          siteId: null,
          action: 'user.sso_linked',
          category: 'identity',
          targetType: 'user',
          targetId: user.id,
          metadata: {
            providerId: provider.id,
            providerSiteId: provider.siteId,
            subject: identity.subject,
            by: how === 'email' ? 'verified_email' : 'created',
            ...claimed,
          },
        },
      );
    }
    return user.id;
  }

  /** An email the provider verified, in an allowed domain: the only kind that may link to or create a user. */
  private acceptableEmail(provider: ProviderRow, identity: VerifiedIdentity): string {
    if (!identity.email) throw new SsoFlowError('email_missing', 'no_email_claim');
    if (!identity.emailVerified) throw new SsoFlowError('email_not_verified', 'email_verified_not_true');
    if (provider.allowedEmailDomains.length > 0 && !provider.allowedEmailDomains.includes(domainOf(identity.email))) {
      throw new SsoFlowError('email_domain_not_allowed', `domain_${domainOf(identity.email)}`);
    }
    return identity.email;
  }

  /**
   * A site's provider is run by that site's administrators, so it may take over (by email) only accounts
   * that reach nothing beyond that site: never a super admin, never a member of another site.
   */
  private async assertLinkable(tx: Tx, provider: ProviderRow, user: User): Promise<void> {
    if (!provider.siteId) return;
    if (user.isSuperAdmin) throw new SsoFlowError('account_not_linkable', 'super_admin');
    const { rows } = await tx.$client.query<{ elsewhere: boolean }>('SELECT admiral_user_has_memberships_elsewhere($1, $2) AS elsewhere', [
      user.id,
      provider.siteId,
    ]);
    if (rows[0]?.elsewhere) throw new SsoFlowError('account_not_linkable', 'member_of_other_sites');
  }

  /** A site provider with just-in-time members makes a first-time visitor a member with its default role. */
  private async welcome(provider: ProviderRow, userId: string, actor: AuditActor): Promise<void> {
    if (!provider.siteId || !provider.allowJit || !provider.defaultRole) return;
    const role = provider.defaultRole;
    const siteId = provider.siteId;
    // The grant is the provider's rule, not the person's own doing: assigned_by stays empty.
    const ruleActor = { ...actor, userId: null, sessionId: null };
    try {
      await this.db.withTenant({ siteId, userId }, (tx) => this.deps.rules.grantFirst(tx, siteId, ruleActor, userId, role));
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error;
      if (error.code === 'membership_exists') return; // granted concurrently
      // The default role was deleted (or made unassignable) after the provider was set up: say so, do not guess.
      throw new SsoFlowError('provider_misconfigured', `default_role_${error.code}`);
    }
  }

  private async usableProvider(tx: Tx, address: ProviderAddress): Promise<ProviderRow> {
    const [row] = await tx
      .select()
      .from(ssoProviders)
      .where(and(inScope(address.siteId), eq(ssoProviders.slug, address.slug)));
    if (!row) throw new SsoFlowError('provider_unavailable', 'unknown_provider');
    if (!row.enabled) throw new SsoFlowError('provider_unavailable', 'provider_disabled');
    return row;
  }

  private inScope<T>(siteId: string | null, fn: (tx: Tx) => Promise<T>): Promise<T> {
    const run = siteId ? this.db.withTenant({ siteId }, fn) : this.db.asPlatform({}, fn);
    return run.catch((error: unknown) => {
      if (error instanceof SiteNotFoundError || error instanceof SiteInactiveError) throw new SsoFlowError('site_unavailable', error.message);
      throw error;
    });
  }

  /** Records the failure (a failed `auth.sign_in` on the platform chain) and answers it as a flow error. */
  private async failed(error: unknown, actor: AuditActor, context: FailureContext): Promise<SsoFlowError> {
    const failure = error instanceof SsoFlowError ? error : new SsoFlowError('server_error', error instanceof Error ? error.message.slice(0, 200) : 'unknown');
    const userId = context.userId ?? null;
    await this.db
      .asPlatform({}, (tx) =>
        this.audit.write(
          tx,
          { ...actor, userId },
          {
            siteId: null,
            action: 'auth.sign_in',
            category: 'identity',
            targetType: userId ? 'user' : undefined,
            targetId: userId ?? undefined,
            success: false,
            error: failure.reason.slice(0, 500),
            metadata: { method: 'oidc', code: failure.code, providerId: context.provider?.id, providerSiteId: context.provider?.siteId },
          },
        ),
      )
      .catch(() => {}); // the database may be what failed; the refusal still reaches the browser
    if (!(error instanceof SsoFlowError)) Object.assign(failure, { cause: error });
    return failure;
  }
}
