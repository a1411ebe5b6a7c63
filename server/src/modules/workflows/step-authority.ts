import { and, eq, isNull, or, type SQL, sql } from 'drizzle-orm';
import type { Principal } from '../../kernel/auth/principal.js';
import type { Tx } from '../../kernel/db/transaction.js';
import { memberships, roles } from '../access/index.js';
import { approvalRequests, approvalWorkflows, type WorkflowStep } from './schema.js';

/**
 * Who may act on a step. A permission step: whoever holds the permission on the site without the 'own'
 * condition (an own-only grant is about one's own rows, never about judging someone else's), and super
 * admins. A role step: whoever's active membership on the site is that role (by key) — membership only, so
 * super admins without one are not in it.
 */
export interface StepAuthority {
  superAdmin: boolean;
  /** Permission keys held on the site without condition. */
  permissions: ReadonlySet<string>;
  /** The role key of the caller's active membership on the site, if any. */
  roleKey: string | null;
}

export async function stepAuthorityOf(tx: Tx, siteId: string, caller: Principal): Promise<StepAuthority> {
  const ownOnly = caller.ownOnlyOn(siteId);
  const permissions = new Set([...caller.permissionsOn(siteId)].filter((key) => !ownOnly.has(key)));
  return { superAdmin: caller.superAdmin, permissions, roleKey: caller.userId ? await roleKeyOn(tx, siteId, caller.userId) : null };
}

/** The key of the user's active role on the site (null without a membership). */
export async function roleKeyOn(tx: Tx, siteId: string, userId: string): Promise<string | null> {
  const [row] = await tx
    .select({ key: roles.key })
    .from(memberships)
    .innerJoin(roles, eq(roles.id, memberships.roleId))
    .where(and(eq(memberships.siteId, siteId), eq(memberships.userId, userId), isNull(memberships.revokedAt), isNull(roles.deletedAt)))
    .limit(1);
  return row?.key ?? null;
}

export function mayActOn(step: WorkflowStep, authority: StepAuthority): boolean {
  if (step.permission !== undefined) return authority.superAdmin || authority.permissions.has(step.permission);
  return step.role !== undefined && step.role === authority.roleKey;
}

/** "holders of articles.review" / "the editor role": who a step is for, in words. */
export function describeApprovers(step: WorkflowStep): string {
  return step.permission !== undefined ? `holders of ${step.permission}` : `the ${step.role ?? '?'} role`;
}

/** The current step of a request joined with its workflow (`approval_workflows.steps -> current_step - 1`). */
const currentStep = sql`(${approvalWorkflows.steps} -> (${approvalRequests.currentStep} - 1))`;

/** SQL: the request's current step is one the authority may act on (for the inbox's `actionable`). */
export function currentStepActionableBy(authority: StepAuthority): SQL {
  const terms: SQL[] = [];
  if (authority.superAdmin) terms.push(sql`${currentStep} ? 'permission'`);
  else if (authority.permissions.size > 0) terms.push(sql`(${currentStep} ->> 'permission') = any(${sql.param([...authority.permissions])}::text[])`);
  if (authority.roleKey) terms.push(sql`(${currentStep} ->> 'role') = ${authority.roleKey}`);
  return terms.length === 0 ? sql`false` : (or(...terms) as SQL);
}
