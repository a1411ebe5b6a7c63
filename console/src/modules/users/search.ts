/** The users list's filters, as kept in the URL. All optional; unknown or malformed values are dropped. */
export interface UserSearch {
  q?: string;
  status?: 'active' | 'suspended' | 'deleted';
  banned?: boolean;
  sort?: string;
}

export const USER_SORTS = ['-id', 'id', 'email', '-email', 'createdAt', '-createdAt'] as const;
const STATUSES = ['active', 'suspended', 'deleted'] as const;

const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.slice(0, 200) : undefined);
const oneOf = <T extends string>(value: unknown, allowed: readonly T[]) => (allowed.includes(value as T) ? (value as T) : undefined);
const compact = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

export function userSearchFrom(search: Record<string, unknown>): UserSearch {
  return compact({
    q: text(search.q),
    status: oneOf(search.status, STATUSES),
    banned: typeof search.banned === 'boolean' ? search.banned : search.banned === 'true' ? true : search.banned === 'false' ? false : undefined,
    sort: oneOf(search.sort, USER_SORTS),
  });
}

export const USER_TABS = ['overview', 'sessions', 'devices', 'memberships', 'activity'] as const;
export type UserTab = (typeof USER_TABS)[number];

export function userTabFrom(search: Record<string, unknown>): { tab?: UserTab } {
  return compact({ tab: oneOf(search.tab, USER_TABS) });
}

/** The site members list's filters. */
export interface MemberSearch {
  q?: string;
  roleId?: string;
  history?: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function memberSearchFrom(search: Record<string, unknown>): MemberSearch {
  return compact({
    q: text(search.q),
    roleId: typeof search.roleId === 'string' && UUID.test(search.roleId) ? search.roleId : undefined,
    history: search.history === true || search.history === 'true' ? true : undefined,
  });
}
