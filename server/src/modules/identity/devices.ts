import { and, eq, ne } from 'drizzle-orm';
import type { AuditActor, AuditWriter } from '../../kernel/audit/writer.js';
import { sha256Hex } from '../../kernel/crypto/tokens.js';
import type { Tx } from '../../kernel/db/transaction.js';
import type { Mailer } from '../../kernel/mail/mailer.js';
import { newDeviceMail, type SignInSeen } from './mail-templates.js';
import { devices } from './schema.js';

/** Tells the user about a sign-in from a new device (enqueues the notice in the sign-in's transaction). */
export type NewDeviceNotifier = (tx: Tx, seen: SignInSeen) => Promise<void>;

/** The notice by mail to `user`. */
export function mailNewDevice(mailer: Mailer, publicUrl: string | undefined, user: { id: string; email: string }): NewDeviceNotifier {
  return async (tx, seen) => {
    const { subject, text } = newDeviceMail(seen, publicUrl);
    await mailer.enqueue(tx, { to: user.email, subject, text, kind: 'new_device', metadata: { userId: user.id } });
  };
}

/** A device's fingerprint: the client's own stable id when it sends one, else its user agent; hashed. */
export function deviceFingerprint(actor: AuditActor, clientFingerprint?: string | null): string {
  return sha256Hex(clientFingerprint ?? `ua:${actor.userAgent ?? 'unknown'}`);
}

/**
 * Known devices by fingerprint; a device seen for the first time is recorded and audited, and `notify` is told
 * when the user already had another device. The account's very first device is not news: it is the sign-in
 * that set the account up, and a notice about it would only teach people to ignore the real ones.
 */
export async function touchDevice(
  tx: Tx,
  audit: AuditWriter,
  actor: AuditActor,
  userId: string,
  fingerprint: string,
  notify?: NewDeviceNotifier,
): Promise<{ id: string; isNew: boolean }> {
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
  const [other] = await tx
    .select({ id: devices.id })
    .from(devices)
    .where(and(eq(devices.userId, userId), ne(devices.id, id)))
    .limit(1);
  const notified = other !== undefined && notify !== undefined;
  await audit.write(
    tx,
    { ...actor, userId },
    { siteId: null, action: 'auth.new_device', category: 'identity', targetType: 'device', targetId: id, metadata: { firstDevice: !other, notified } },
  );
  if (notified) await notify(tx, { platform: platformOf(actor.userAgent), userAgent: actor.userAgent, ip: actor.ip, at: new Date() });
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
