import { and, eq } from 'drizzle-orm';
import type { AuditActor, AuditWriter } from '../../kernel/audit/writer.js';
import { sha256Hex } from '../../kernel/crypto/tokens.js';
import type { Tx } from '../../kernel/db/transaction.js';
import { devices } from './schema.js';

/** A device's fingerprint: the client's own stable id when it sends one, else its user agent; hashed. */
export function deviceFingerprint(actor: AuditActor, clientFingerprint?: string | null): string {
  return sha256Hex(clientFingerprint ?? `ua:${actor.userAgent ?? 'unknown'}`);
}

/** Known devices by fingerprint; a device seen for the first time is recorded and audited. */
export async function touchDevice(tx: Tx, audit: AuditWriter, actor: AuditActor, userId: string, fingerprint: string): Promise<{ id: string; isNew: boolean }> {
  const touch = () =>
    tx
      .update(devices)
      .set({ lastSeenAt: new Date().toISOString(), lastIp: actor.ip })
      .where(and(eq(devices.userId, userId), eq(devices.fingerprint, fingerprint)))
      .returning({ id: devices.id });
  const [existing] = await touch();
  if (existing) return { id: existing.id, isNew: false };
  const [created] = await tx
    .insert(devices)
    .values({ userId, fingerprint, userAgent: actor.userAgent?.slice(0, 512) ?? null, platform: platformOf(actor.userAgent), lastIp: actor.ip })
    .onConflictDoNothing()
    .returning({ id: devices.id });
  if (!created) {
    // A concurrent sign-in from the same new device recorded it first.
    const [raced] = await touch();
    return { id: (raced as { id: string }).id, isNew: false };
  }
  const id = created.id;
  await audit.write(tx, { ...actor, userId }, { siteId: null, action: 'auth.new_device', category: 'identity', targetType: 'device', targetId: id });
  return { id, isNew: true };
}

function platformOf(userAgent: string | null): string | null {
  if (!userAgent) return null;
  if (/android/i.test(userAgent)) return 'android';
  if (/iphone|ipad|ios/i.test(userAgent)) return 'ios';
  if (/mac os/i.test(userAgent)) return 'macos';
  if (/windows/i.test(userAgent)) return 'windows';
  if (/linux/i.test(userAgent)) return 'linux';
  return 'other';
}
