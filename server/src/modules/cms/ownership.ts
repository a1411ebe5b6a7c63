import type { Principal } from '../../kernel/auth/principal.js';
import { forbidden } from '../../kernel/http/problem.js';

/**
 * Ownable permissions (create/update/delete) may be granted only for the caller's own content (condition
 * `own`). Such a caller changes only what they authored; everyone with the permission unconditionally, and
 * super admins, change anything.
 */
export function assertOwner(caller: Principal | null, siteId: string, permission: string, authorId: string | null, noun: string): void {
  if (!caller || caller.superAdmin || !caller.ownOnlyOn(siteId).has(permission)) return;
  if (caller.userId !== null && caller.userId === authorId) return;
  throw forbidden('not_owner', `You hold ${permission} only for your own ${noun}s, and this ${noun} is someone else's.`);
}

/** The author of new content: the calling user (an API key creates content without an author). */
export function authorOf(caller: Principal | null): string | null {
  return caller?.userId ?? null;
}
