import type { Static } from '@sinclair/typebox';
import { eq } from 'drizzle-orm';
import type { AuditActor, AuditWriter } from '../../kernel/audit/writer.js';
import { hashPassword } from '../../kernel/crypto/passwords.js';
import type { Database, Tx } from '../../kernel/db/transaction.js';
import { conflict, forbidden } from '../../kernel/http/problem.js';
import type { Mailer } from '../../kernel/mail/mailer.js';
import {
  assertAcceptablePassword,
  emailNotConfirmed,
  normalizeEmail,
  normalizeUsername,
  type Registration,
  type Registrations,
  users,
} from '../identity/index.js';
import { type SignUpSettings, signUpSettings, sites } from '../tenancy/index.js';
import type { Membership } from './membership-service.js';
import type { RuleMemberships } from './rule-memberships.js';
import { existingAccountMail } from './sign-up-mail.js';
import type { SignUpSchema } from './sign-up-schemas.js';

type Outcome = 'created' | 'restarted' | 'exists';

const closed = () => forbidden('sign_up_closed', 'This site does not allow signing up; ask its administrators for an invitation.');

/**
 * Self sign-up on a site that allows it (settings.signUp), and joining it with an existing account. The
 * membership is granted by the site's configured terms, not by a person: the role comes from
 * settings.signUp.defaultRole, one of the least privileged system roles.
 *
 * A sign-up answers the same whether or not the address already has an account: a new address gets an
 * account (and, where the site requires it, a confirmation mail); an address that signed up before and never
 * confirmed has its sign-up restarted; any other known address gets a mail saying it already has an account.
 * Every path hashes the password once, so timing tells nothing either.
 */
export class SignUpService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditWriter,
    private readonly registrations: Registrations,
    private readonly memberships: RuleMemberships,
    private readonly mailer: Mailer,
    private readonly publicUrl: string | undefined,
  ) {}

  async signUp(siteId: string, input: Static<typeof SignUpSchema>, actor: AuditActor): Promise<{ verificationRequired: boolean }> {
    const email = normalizeEmail(input.email);
    const username = normalizeUsername(input.username);
    // Refusals first, before any hashing: a closed site, a weak password, a taken username (none depends on the address).
    await this.db.withTenant({ siteId }, async (tx) => {
      await this.openTerms(tx, siteId);
      assertAcceptablePassword(input.password, [email, username]);
      await this.registrations.assertUsernameFree(tx, username, email);
    });
    const registration: Registration = { email, username, name: input.name?.trim() || null, passwordHash: await hashPassword(input.password) };
    const { terms, outcome, siteName } = await this.db.withTenant({ siteId }, async (tx) => {
      // Read again: the terms may have changed while the password was being hashed.
      const { terms, name } = await this.openTerms(tx, siteId);
      return { terms, siteName: name, outcome: await this.register(tx, siteId, terms, registration, actor) };
    });
    if (outcome === 'exists') await this.tellExistingAccount(email, siteId, siteName, actor);
    return { verificationRequired: terms.requireEmailVerification };
  }

  /** A signed-in user joins a site that allows sign-up, with its default role (a revoked membership stays revoked). */
  async join(siteId: string, userId: string, actor: AuditActor): Promise<Membership> {
    return this.db.withTenant({ siteId, userId }, async (tx) => {
      const { terms } = await this.openTerms(tx, siteId);
      const [user] = await tx.select({ emailVerified: users.emailVerified }).from(users).where(eq(users.id, userId));
      if (terms.requireEmailVerification && !user?.emailVerified) throw emailNotConfirmed();
      const membership = await this.memberships.grantFirst(tx, siteId, actor, userId, terms.defaultRole);
      if (!membership) throw conflict('membership_exists', 'You have (or had) a membership on this site; a revoked one is not restored by joining.');
      return membership;
    });
  }

  private async register(tx: Tx, siteId: string, terms: SignUpSettings, registration: Registration, actor: AuditActor): Promise<Outcome> {
    const existing = await this.registrations.findByEmail(tx, registration.email);
    if (existing && !existing.awaitingConfirmation) return 'exists';
    let userId: string;
    if (existing) {
      await this.registrations.restart(tx, actor, siteId, existing, registration);
      userId = existing.id;
    } else {
      const user = await this.registrations.create(tx, actor, siteId, registration);
      if (!user) return 'exists'; // a concurrent sign-up of the same address won
      userId = user.id;
    }
    await this.memberships.grantFirst(tx, siteId, { ...actor, userId }, userId, terms.defaultRole);
    // A restarted sign-up is confirmed whatever this site requires: it was started where confirmation is required.
    if (terms.requireEmailVerification || existing) await this.registrations.sendConfirmation(tx, actor, siteId, userId);
    return existing ? 'restarted' : 'created';
  }

  /** Mails the address's owner (if the account is active) that they already have an account; recorded on the platform's chain. */
  private async tellExistingAccount(email: string, siteId: string, siteName: string, actor: AuditActor): Promise<void> {
    await this.db.asPlatform({}, async (tx) => {
      const [user] = await tx.select({ id: users.id, status: users.status }).from(users).where(eq(users.email, email));
      if (!user) return;
      // An account that cannot sign in (suspended, deleted) has nothing to be told to sign in to.
      const notified = user.status === 'active';
      if (notified) {
        const mail = existingAccountMail(siteName, this.publicUrl);
        await this.mailer.enqueue(tx, { to: email, ...mail, kind: 'sign_up_existing_account', metadata: { userId: user.id, siteId } });
      }
      await this.audit.write(tx, actor, {
        siteId: null,
        action: 'auth.sign_up_existing_account',
        category: 'identity',
        targetType: 'user',
        targetId: user.id,
        success: false,
        error: 'email_taken',
        metadata: { siteId, notified },
      });
    });
  }

  /** The site's sign-up terms; 403 sign_up_closed unless it allows signing up. */
  private async openTerms(tx: Tx, siteId: string): Promise<{ terms: SignUpSettings; name: string }> {
    const [site] = await tx.select({ settings: sites.settings, name: sites.name }).from(sites).where(eq(sites.id, siteId));
    const terms = signUpSettings(site?.settings);
    if (!site || !terms.enabled) throw closed();
    return { terms, name: site.name };
  }
}
