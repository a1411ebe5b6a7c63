import { and, eq } from 'drizzle-orm';
import type { AuditActor, AuditWriter } from '../../kernel/audit/writer.js';
import { verifyPassword } from '../../kernel/crypto/passwords.js';
import { generateTotpSecret, otpauthUri } from '../../kernel/crypto/totp.js';
import type { Database, Tx } from '../../kernel/db/transaction.js';
import { conflict, forbidden, ProblemError } from '../../kernel/http/problem.js';
import { countFailure } from './lockout.js';
import { committing, Refusal } from './refusal.js';
import { accounts, twoFactors, users } from './schema.js';
import type { TwoFactorCodes } from './two-factor-codes.js';

export const TOTP_ISSUER = 'Admiral';

export interface Enrolment {
  /** The shared secret, base32 (for typing into an authenticator). */
  secret: string;
  /** The same as an `otpauth://totp/…` URI (for a QR code). */
  otpauthUri: string;
}

/** Proof that the caller may turn two-factor off: their password or a current code. */
export type DisableProof = { password: string } | { code: string };

export const invalidCode = () => forbidden('invalid_two_factor_code', 'The two-factor code is not correct (or was already used).');

/** Turning TOTP two-factor on (enrol, then confirm with a first code) and off. Every step is audited. */
export class TwoFactorService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditWriter,
    private readonly codes: TwoFactorCodes,
  ) {}

  /** Starts (or restarts) enrolment with a new secret. Not active until confirmed. */
  async begin(tx: Tx, actor: AuditActor, userId: string): Promise<Enrolment> {
    const [user] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
    if (!user) throw new ProblemError(404, 'not_found', 'User not found.');
    if (user.twoFactorEnabled) throw conflict('two_factor_already_enabled', 'Two-factor is already on; turn it off first to enrol a new authenticator.');
    const secret = generateTotpSecret();
    const secretEnc = this.codes.seal(secret);
    await tx
      .insert(twoFactors)
      .values({ userId, secretEnc })
      .onConflictDoUpdate({ target: twoFactors.userId, set: { secretEnc, confirmedAt: null, lastUsedStep: null } });
    await this.audit.write(tx, actor, {
      siteId: null,
      action: 'user.two_factor_enrolment_started',
      category: 'identity',
      targetType: 'user',
      targetId: userId,
    });
    return { secret, otpauthUri: otpauthUri({ secret, account: user.email, issuer: TOTP_ISSUER }) };
  }

  /** Activates a pending enrolment with a first code; returns the recovery codes (shown this once). */
  async confirm(actor: AuditActor, userId: string, code: string): Promise<string[]> {
    return committing(this.db, { userId }, async (tx) => {
      const [pending] = await tx
        .select({ userId: twoFactors.userId, confirmedAt: twoFactors.confirmedAt })
        .from(twoFactors)
        .where(eq(twoFactors.userId, userId));
      if (!pending || pending.confirmedAt) {
        throw conflict('no_pending_two_factor', 'There is no two-factor enrolment to confirm; start one with POST /v1/me/two-factor.');
      }
      if (!(await this.codes.acceptTotp(tx, userId, code, 'pending'))) {
        await this.audit.write(tx, actor, this.failure('user.two_factor_enabled', userId, 'wrong_code'));
        return new Refusal(invalidCode());
      }
      await tx.update(twoFactors).set({ confirmedAt: new Date().toISOString() }).where(eq(twoFactors.userId, userId));
      await tx.update(users).set({ twoFactorEnabled: true }).where(eq(users.id, userId));
      const recoveryCodes = await this.codes.issueRecoveryCodes(tx, userId);
      await this.audit.write(tx, actor, {
        siteId: null,
        action: 'user.two_factor_enabled',
        category: 'identity',
        targetType: 'user',
        targetId: userId,
        before: { twoFactorEnabled: false },
        after: { twoFactorEnabled: true },
        metadata: { codesIssued: recoveryCodes.length },
      });
      return recoveryCodes;
    });
  }

  /** Turns two-factor off after checking the password or a current code; a wrong proof counts toward lockout. */
  async disable(actor: AuditActor, userId: string, proof: DisableProof): Promise<void> {
    const passwordHash = 'password' in proof ? await this.passwordHashOf(userId) : null;
    // The argon2 verification runs outside the transaction: it takes a hashing slot, not a connection.
    const passwordOk = 'password' in proof && passwordHash !== null && (await verifyPassword(passwordHash, proof.password));
    return committing(this.db, { userId }, async (tx) => {
      const [user] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
      if (!user?.twoFactorEnabled) throw conflict('two_factor_not_enabled', 'Two-factor is not on.');
      const ok = 'password' in proof ? passwordOk : await this.codes.acceptTotp(tx, userId, proof.code, 'confirmed');
      if (!ok) {
        const lockedUntil = await countFailure(tx, userId);
        const reason = 'password' in proof ? 'wrong_password' : 'wrong_code';
        await this.audit.write(tx, actor, { ...this.failure('user.two_factor_disabled', userId, reason), metadata: { lockedUntil } });
        return new Refusal('password' in proof ? forbidden('wrong_password', 'The password is not correct.') : invalidCode());
      }
      await this.codes.remove(tx, userId);
      await tx.update(users).set({ twoFactorEnabled: false }).where(eq(users.id, userId));
      await this.audit.write(tx, actor, {
        siteId: null,
        action: 'user.two_factor_disabled',
        category: 'identity',
        targetType: 'user',
        targetId: userId,
        before: { twoFactorEnabled: true },
        after: { twoFactorEnabled: false },
        metadata: { provedWith: 'password' in proof ? 'password' : 'totp' },
      });
    });
  }

  private async passwordHashOf(userId: string): Promise<string | null> {
    const [row] = await this.db.asPlatform({ userId }, (tx) =>
      tx
        .select({ hash: accounts.passwordHash })
        .from(accounts)
        .where(and(eq(accounts.userId, userId), eq(accounts.providerId, 'credential'))),
    );
    return row?.hash ?? null;
  }

  private failure(action: string, userId: string, error: string) {
    return { siteId: null, action, category: 'identity', targetType: 'user', targetId: userId, success: false, error } as const;
  }
}
