/** What the harness tells a server child at start (JSON in BENCH_CHILD_CONFIG). */
export interface ChildConfig {
  /** Owner/superuser URL of the bench database (the bare server and migrations use it). */
  ownerUrl: string;
  /** Admiral's runtime login (non-owner, RLS applies). */
  runtimeUrl: string;
  runtimePassword: string;
  /** ADMIRAL_SECRET for Admiral's config (≥ 32 characters). */
  secret: string;
  /** Same pool size for both servers. */
  poolMax: number;
  siteId: string;
  /** Bearer token → a non-super-admin principal with `permissions` on siteId. */
  token: string;
  /** What the fixed principal holds on siteId (the seeded session user's role and API key hold the same). */
  permissions: string[];
  principalId: string;
}

export const CHILD_CONFIG_ENV = 'BENCH_CHILD_CONFIG';

/** Child → harness. */
export type ChildMessage = { type: 'ready'; port: number } | { type: 'cpu'; id: number; user: number; system: number } | { type: 'failed'; message: string };

/** Harness → child. */
export type ParentMessage = { type: 'cpu'; id: number } | { type: 'stop' };

export function isChildMessage(value: unknown): value is ChildMessage {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

export function isParentMessage(value: unknown): value is ParentMessage {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
