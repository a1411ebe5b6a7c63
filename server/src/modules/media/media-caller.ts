import type { Principal } from '../../kernel/auth/principal.js';
import { forbidden } from '../../kernel/http/problem.js';

/** Who asks, as the media rules need it: their user, and which permissions they hold only on their own uploads. */
export interface MediaCaller {
  userId: string | null;
  /** Permissions granted with condition 'own' on this site (empty for super admins and unrestricted callers). */
  ownOnly: ReadonlySet<string>;
}

export const systemCaller: MediaCaller = { userId: null, ownOnly: new Set() };

export function mediaCaller(principal: Principal | null, siteId: string): MediaCaller {
  if (!principal || principal.superAdmin) return { userId: principal?.userId ?? null, ownOnly: new Set() };
  return { userId: principal.userId, ownOnly: principal.ownOnlyOn(siteId) };
}

const VERBS: Record<string, string> = {
  'media.upload': 'bring back',
  'media.update': 'edit',
  'media.delete': 'delete or restore',
};

/** An own-only caller acts only on what they uploaded (403 not_owner otherwise). */
export function assertMayAct(caller: MediaCaller, permission: string, asset: { uploadedBy: string | null }): void {
  if (!caller.ownOnly.has(permission)) return;
  if (caller.userId !== null && asset.uploadedBy === caller.userId) return;
  throw forbidden('not_owner', `You may ${VERBS[permission] ?? 'change'} only files you uploaded (${permission} is granted to you on your own files).`);
}
