import { uuidv7 } from 'uuidv7';
import { expect } from 'vitest';
import { type AuditActor, systemActor } from '../../src/kernel/audit/writer.js';
import type { Tx } from '../../src/kernel/db/transaction.js';
import {
  type ApprovalOutcome,
  type ApprovalOutcomeHandler,
  type ApprovalRequest,
  type ApprovalTarget,
  type WorkflowEngine,
  workflowEngineOf,
} from '../../src/modules/workflows/index.js';
import { bearer, superAdmin, type TestAdmiral } from './app.js';
import { createUser, signInOk, type TestUser } from './identity.js';

/** A signed-in person holding `role` on the site (granted through the memberships API), with their bearer headers. */
export interface Member {
  user: TestUser;
  headers: { authorization: string };
}

export async function grantRole(admiral: TestAdmiral, siteId: string, userId: string, role: string): Promise<void> {
  const res = await admiral.app.inject({ method: 'POST', url: `/v1/sites/${siteId}/memberships`, headers: superAdmin, payload: { userId, role } });
  expect(res.statusCode, res.body).toBe(201);
}

export async function member(admiral: TestAdmiral, siteId: string, role: string): Promise<Member> {
  const user = await createUser(admiral);
  await grantRole(admiral, siteId, user.id, role);
  return { user, headers: bearer((await signInOk(admiral, user)).token) };
}

/** A custom role on the site granting only what the inbox needs (for role-named steps). */
export async function createRole(admiral: TestAdmiral, siteId: string, key: string, permissions: string[] = ['approvals.read']): Promise<void> {
  const res = await admiral.app.inject({
    method: 'POST',
    url: `/v1/sites/${siteId}/roles`,
    headers: superAdmin,
    payload: { key, name: key, permissions: permissions.map((k) => ({ key: k })) },
  });
  expect(res.statusCode, res.body).toBe(201);
}

export interface WorkflowInput {
  name?: string;
  steps: Array<{ name: string; permission?: string; role?: string; approvals: number }>;
  triggerConditions?: { targetTypes: string[]; categoryIds?: string[] };
  priority?: number;
  isActive?: boolean;
}

/** Creates a workflow through the resource API, as `admin` (a member whose user is recorded as its creator). */
export async function createWorkflow(admiral: TestAdmiral, siteId: string, input: WorkflowInput, admin: Member): Promise<{ id: string }> {
  const res = await admiral.app.inject({
    method: 'POST',
    url: `/v1/sites/${siteId}/workflows`,
    headers: admin.headers,
    payload: { name: input.name ?? `Workflow ${uuidv7().slice(-8)}`, triggerConditions: { targetTypes: ['article'] }, ...input },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string };
}

/** Stands in for cms: records every resolution it hears about. */
export class RecordingTarget implements ApprovalOutcomeHandler {
  readonly resolved: Array<{ requestId: string; outcome: ApprovalOutcome; actorUserId: string | null }> = [];
  /** When set, onResolved waits for it (to hold the deciding transaction open). */
  gate: Promise<void> | null = null;
  entered: (() => void) | null = null;

  async onResolved(_tx: Tx, actor: AuditActor, request: ApprovalRequest, outcome: ApprovalOutcome): Promise<void> {
    this.resolved.push({ requestId: request.id, outcome, actorUserId: actor.userId });
    this.entered?.();
    if (this.gate) await this.gate;
  }
}

export function engineOf(admiral: TestAdmiral): WorkflowEngine {
  return workflowEngineOf(admiral.modules);
}

export const actorFor = (userId: string | null): AuditActor => ({ ...systemActor, userId });

export const articleTarget = (overrides: Partial<ApprovalTarget> = {}): ApprovalTarget => ({
  type: 'article',
  id: uuidv7(),
  version: 1,
  title: 'A headline',
  categoryIds: [],
  ...overrides,
});

/** Submits through the engine in a tenant transaction, as cms does when content is submitted. */
export function submit(admiral: TestAdmiral, siteId: string, userId: string, target: ApprovalTarget): Promise<ApprovalRequest> {
  return admiral.kernel.db.withTenant({ siteId, userId }, (tx) => engineOf(admiral).submit(tx, actorFor(userId), target));
}

export function act(admiral: TestAdmiral, siteId: string, requestId: string, who: Member, payload: { action: string; comment?: string }) {
  return admiral.app.inject({ method: 'POST', url: `/v1/sites/${siteId}/approval-requests/${requestId}/actions`, headers: who.headers, payload });
}

export async function auditActions(
  admiral: TestAdmiral,
  requestId: string,
): Promise<Array<{ action: string; site_id: string; actor_user_id: string | null; target_type: string; metadata: Record<string, unknown> }>> {
  const { rows } = await admiral.db.ownerQuery<{
    action: string;
    site_id: string;
    actor_user_id: string | null;
    target_type: string;
    metadata: Record<string, unknown>;
  }>("SELECT action, site_id, actor_user_id, target_type, metadata FROM audit_logs WHERE target_id = $1 AND action LIKE 'approval.%' ORDER BY site_id, seq", [
    requestId,
  ]);
  return rows;
}

export async function approvalMail(
  admiral: TestAdmiral,
  requestId: string,
): Promise<Array<{ to_address: string; subject: string; text_body: string; kind: string }>> {
  const { rows } = await admiral.db.ownerQuery<{ to_address: string; subject: string; text_body: string; kind: string }>(
    "SELECT to_address, subject, text_body, kind FROM mail_outbox WHERE metadata->>'approvalRequestId' = $1 ORDER BY id",
    [requestId],
  );
  return rows;
}
