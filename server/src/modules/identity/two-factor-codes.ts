import { randomBytes } from 'node:crypto';
import { and, count, eq, isNotNull, isNull } from 'drizzle-orm';
import type { SecretBox } from '../../kernel/crypto/secret-box.js';
import { sha256Hex } from '../../kernel/crypto/tokens.js';
import { base32Encode, verifyTotp } from '../../kernel/crypto/totp.js';
import type { Tx } from '../../kernel/db/transaction.js';
import { recoveryCodes, twoFactors } from './schema.js';

export const RECOVERY_CODE_COUNT = 10;

/** What proves the second factor: a code from the authenticator, or one of the recovery codes. */
export type TwoFactorProof = { code: string } | { recoveryCode: string };

export interface ProofAccepted {
  method: 'totp' | 'recovery_code';
  /** Unused recovery codes left (after a recovery code was spent). */
  codesLeft?: number;
}

/** 80 random bits as 16 base32 characters in groups of four (`abcd-efgh-ijkl-mnop`). */
export function newRecoveryCode(): string {
  return (base32Encode(randomBytes(10)).toLowerCase().match(/.{4}/g) ?? []).join('-');
}

/** Recovery codes are compared by digest; case, spaces and dashes do not matter. */
export const recoveryCodeHash = (code: string) => sha256Hex(`admiral:recovery-code:${code.replace(/[\s-]/g, '').toLowerCase()}`);

/** Reads and checks a user's second factor: the sealed TOTP secret, its replay guard, the recovery codes. */
export class TwoFactorCodes {
  constructor(private readonly secrets: SecretBox) {}

  seal(secret: string): string {
    return this.secrets.seal(secret);
  }

  /**
   * Checks an authenticator code against the user's confirmed (or, when enrolling, pending) secret. A code's
   * time step, and every earlier one, is refused once a code was accepted: no replay within its window.
   */
  async acceptTotp(tx: Tx, userId: string, code: string, state: 'confirmed' | 'pending'): Promise<boolean> {
    const [row] = await tx
      .select()
      .from(twoFactors)
      .where(and(eq(twoFactors.userId, userId), state === 'confirmed' ? isNotNull(twoFactors.confirmedAt) : isNull(twoFactors.confirmedAt)))
      .for('update');
    if (!row) return false;
    const step = verifyTotp(this.secrets.open(row.secretEnc), code, { lastUsedStep: row.lastUsedStep });
    if (step === null) return false;
    await tx.update(twoFactors).set({ lastUsedStep: step }).where(eq(twoFactors.userId, userId));
    return true;
  }

  /** Spends one unused recovery code and returns how many are left; null when it is unknown or already used. */
  async spendRecoveryCode(tx: Tx, userId: string, code: string): Promise<number | null> {
    const [spent] = await tx
      .update(recoveryCodes)
      .set({ usedAt: new Date().toISOString() })
      .where(and(eq(recoveryCodes.userId, userId), eq(recoveryCodes.codeHash, recoveryCodeHash(code)), isNull(recoveryCodes.usedAt)))
      .returning({ id: recoveryCodes.id });
    if (!spent) return null;
    const [left] = await tx
      .select({ n: count() })
      .from(recoveryCodes)
      .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
    return left?.n ?? 0;
  }

  /** Accepts either proof for a user whose two-factor is active; null when it does not hold. */
  async accept(tx: Tx, userId: string, proof: TwoFactorProof): Promise<ProofAccepted | null> {
    if ('code' in proof) return (await this.acceptTotp(tx, userId, proof.code, 'confirmed')) ? { method: 'totp' } : null;
    const codesLeft = await this.spendRecoveryCode(tx, userId, proof.recoveryCode);
    return codesLeft === null ? null : { method: 'recovery_code', codesLeft };
  }

  /** Replaces the user's recovery codes with new ones; returns them in clear, once. */
  async issueRecoveryCodes(tx: Tx, userId: string): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
    await tx.insert(recoveryCodes).values(codes.map((code) => ({ userId, codeHash: recoveryCodeHash(code) })));
    return codes;
  }

  /** Forgets the authenticator and the recovery codes. */
  async remove(tx: Tx, userId: string): Promise<void> {
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
    await tx.delete(twoFactors).where(eq(twoFactors.userId, userId));
  }
}
