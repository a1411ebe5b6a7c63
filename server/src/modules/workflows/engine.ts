import type { AuditActor } from '../../kernel/audit/writer.js';
import type { Principal } from '../../kernel/auth/principal.js';
import type { Tx } from '../../kernel/db/transaction.js';
import { conflict, forbidden, notFound } from '../../kernel/http/problem.js';
import type { Kernel } from '../../kernel/module.js';
import { type RequestEvent, requesterMail } from './notify.js';
import {
  approvalsOnCurrentStep,
  hasApproved,
  insertAction,
  insertRequest,
  latestRequest,
  lockRequest,
  matchingWorkflow,
  peekRequest,
  updateRequest,
  workflowById,
} from './request-store.js';
import { describeApprovers, mayActOn, stepAuthorityOf } from './step-authority.js';
import type { ApprovalActionInput, ApprovalOutcome, ApprovalOutcomeHandler, ApprovalRequest, ApprovalTarget, ApprovalWorkflow, WorkflowStep } from './types.js';

const CATEGORY = 'workflows';
const TARGET_TYPE = 'approval_request';

/** What the engine needs from the kernel: the audit trail and the outbox, written in the caller's transaction. */
type EngineKernel = Pick<Kernel, 'audit' | 'mail'>;

/**
 * Approval workflows, generic over what they approve. One instance is made with the module list and handed to
 * the workflows module (which attaches the kernel when its routes are registered) and to the modules whose
 * content is approved (which register a handler per target type). Every method works in the caller's tenant
 * transaction; the request row is locked (FOR UPDATE) before any decision, so concurrent actions on one
 * request run one after the other and exactly one of them resolves it.
 */
export class WorkflowEngine {
  private kernel: EngineKernel | null = null;
  private readonly targets = new Map<string, ApprovalOutcomeHandler>();

  /** Gives the engine the kernel's audit writer and mailer (the workflows module does this when it registers). */
  attach(kernel: EngineKernel): void {
    this.kernel = { audit: kernel.audit, mail: kernel.mail };
  }

  /**
   * Declares who owns a target type and hears how its requests end. Registering a type twice is a wiring
   * mistake and throws, unless `replace` says it is meant (tests standing in for the owner).
   */
  registerTarget(type: string, handler: ApprovalOutcomeHandler, options: { replace?: boolean } = {}): void {
    if (this.targets.has(type) && !options.replace) throw new Error(`approval target type ${type} is already registered`);
    this.targets.set(type, handler);
  }

  /** The active workflow that applies to the target (lowest priority, then oldest), or null. */
  async workflowFor(tx: Tx, target: ApprovalTarget): Promise<ApprovalWorkflow | null> {
    this.attached();
    return matchingWorkflow(tx, target);
  }

  /**
   * Opens an approval request for the target's current version under the workflow that applies.
   * 409 `no_workflow` when none applies, 409 `approval_already_open` while one is pending.
   */
  async submit(tx: Tx, actor: AuditActor, target: ApprovalTarget): Promise<ApprovalRequest> {
    const { audit } = this.attached();
    if (!this.targets.has(target.type)) throw new Error(`approval target type ${target.type} has no registered handler`);
    const workflow = await matchingWorkflow(tx, target);
    if (!workflow) throw conflict('no_workflow', `No active workflow applies to this ${target.type}.`);
    const request = await insertRequest(tx, { siteId: workflow.siteId, workflowId: workflow.id, target, requestedBy: actor.userId });
    if (!request) throw conflict('approval_already_open', `This ${target.type} already has a pending approval request.`);
    await audit.write(tx, actor, {
      siteId: request.siteId,
      action: 'approval.submitted',
      category: CATEGORY,
      targetType: TARGET_TYPE,
      targetId: request.id,
      after: request,
      metadata: { workflowId: workflow.id, workflowName: workflow.name, targetType: target.type, targetId: target.id, targetVersion: target.version },
    });
    return request;
  }

  /**
   * One person's action on a pending request: approve, reject, request changes, or comment. Approvals count
   * per step as distinct people; the last one needed moves the request to the next step or approves it.
   * Reject and request changes resolve it at once. The requester may comment, never decide (403
   * `own_submission`); anyone else must be named by the current step (403 `not_an_approver`).
   */
  async act(tx: Tx, actor: AuditActor, caller: Principal, requestId: string, input: ApprovalActionInput): Promise<ApprovalRequest> {
    const { audit } = this.attached();
    // The target first, then the request: the same order as the target's owner (which locks its row, then cancels).
    const seen = await peekRequest(tx, requestId);
    if (seen?.status === 'pending') await this.targets.get(seen.targetType)?.lockTarget?.(tx, seen.targetId);
    const request = await lockRequest(tx, requestId);
    if (!request) throw notFound('Approval request', `Approval request ${requestId} was not found.`);
    if (request.status !== 'pending') throw conflict('approval_not_pending', `Approval request ${requestId} is ${request.status}, no longer pending.`);
    const userId = caller.userId;
    if (!userId) throw forbidden('not_an_approver', 'Approval requests are acted on by people; an API key cannot approve, decide or comment.');
    const own = request.requestedBy === userId;
    if (own && input.action !== 'comment') {
      throw forbidden('own_submission', 'You submitted this request: others approve, reject or request changes (you may comment).');
    }
    const workflow = await workflowById(tx, request.siteId, request.workflowId);
    const step = workflow.steps[request.currentStep - 1];
    if (!step) {
      throw conflict('workflow_step_missing', `The workflow no longer has step ${request.currentStep}; cancel the request and submit again.`);
    }
    if (!own && !mayActOn(step, await stepAuthorityOf(tx, request.siteId, caller))) {
      throw forbidden('not_an_approver', `Step ${request.currentStep} (${step.name}) is for ${describeApprovers(step)} on this site.`);
    }
    if (input.action === 'approve' && (await hasApproved(tx, request, userId))) {
      throw conflict('already_approved', `You have already approved step ${request.currentStep} of this request.`);
    }
    const comment = input.comment ?? null;
    await insertAction(tx, request, { action: input.action, actionedBy: userId, comment });

    const { after, events, outcome } = await this.decide(tx, request, workflow, step, input.action);
    for (const { action, metadata } of events) {
      await audit.write(tx, actor, {
        siteId: request.siteId,
        action,
        category: CATEGORY,
        targetType: TARGET_TYPE,
        targetId: request.id,
        before: stateOf(request),
        after: stateOf(after),
        metadata: { ...metadata, step: request.currentStep, comment, targetType: request.targetType, targetId: request.targetId },
      });
    }
    if (outcome) await this.targets.get(request.targetType)?.onResolved(tx, actor, after, outcome);
    // One mail per action, telling where it left the request (the last event is the most telling).
    const last = events[events.length - 1];
    if (last) await this.mailRequester(tx, after, actor.userId, last.event, comment);
    return after;
  }

  /**
   * Cancels the target's pending or approved request (its content changed, so the approval no longer holds).
   * A no-op when the latest request is neither.
   */
  async cancel(tx: Tx, actor: AuditActor, targetType: string, targetId: string, reason: string): Promise<void> {
    const { audit } = this.attached();
    const request = await latestRequest(tx, targetType, targetId, true);
    if (!request || (request.status !== 'pending' && request.status !== 'approved')) return;
    const after = await updateRequest(tx, request, { status: 'cancelled', resolved: true });
    await audit.write(tx, actor, {
      siteId: request.siteId,
      action: 'approval.cancelled',
      category: CATEGORY,
      targetType: TARGET_TYPE,
      targetId: request.id,
      before: stateOf(request),
      after: stateOf(after),
      metadata: { reason, targetType, targetId },
    });
    await this.mailRequester(tx, after, actor.userId, { kind: 'cancelled', reason }, null);
  }

  /** The target's newest request, whatever its status. */
  async latest(tx: Tx, targetType: string, targetId: string): Promise<ApprovalRequest | null> {
    this.attached();
    return latestRequest(tx, targetType, targetId);
  }

  /** True when the target's newest request is approved, for exactly this version. */
  async isApproved(tx: Tx, targetType: string, targetId: string, version: number | null): Promise<boolean> {
    const latest = await this.latest(tx, targetType, targetId);
    return latest?.status === 'approved' && latest.targetVersion === version;
  }

  /** What an action does to the (locked, pending) request: its new state, what to record, and how it ended if it did. */
  private async decide(
    tx: Tx,
    request: ApprovalRequest,
    workflow: ApprovalWorkflow,
    step: WorkflowStep,
    action: ApprovalActionInput['action'],
  ): Promise<{ after: ApprovalRequest; events: ActionEvent[]; outcome: ApprovalOutcome | null }> {
    let after = request;
    const events: ActionEvent[] = [];
    let outcome: ApprovalOutcome | null = null;
    switch (action) {
      case 'approve': {
        const approvals = await approvalsOnCurrentStep(tx, request);
        const stepMetadata = { step: request.currentStep, stepName: step.name, approvals, required: step.approvals };
        const next = workflow.steps[request.currentStep];
        if (approvals < step.approvals) {
          events.push({
            action: 'approval.approved',
            event: { kind: 'approved_step', step, stepNumber: request.currentStep, approvals },
            metadata: stepMetadata,
          });
        } else if (next) {
          after = await updateRequest(tx, request, { currentStep: request.currentStep + 1 });
          events.push({ action: 'approval.approved', event: { kind: 'step_advanced', step, stepNumber: request.currentStep, next }, metadata: stepMetadata });
          events.push({ action: 'approval.step_advanced', event: { kind: 'step_advanced', step, stepNumber: request.currentStep, next } });
        } else {
          after = await updateRequest(tx, request, { status: 'approved', resolved: true });
          outcome = 'approved';
          events.push({ action: 'approval.approved', event: { kind: 'approved' }, metadata: { ...stepMetadata, resolved: true } });
        }
        break;
      }
      case 'reject':
        after = await updateRequest(tx, request, { status: 'rejected', resolved: true });
        outcome = 'rejected';
        events.push({ action: 'approval.rejected', event: { kind: 'rejected' } });
        break;
      case 'request_changes':
        after = await updateRequest(tx, request, { status: 'changes_requested', resolved: true });
        outcome = 'changes_requested';
        events.push({ action: 'approval.changes_requested', event: { kind: 'changes_requested' } });
        break;
      case 'comment':
        events.push({ action: 'approval.commented', event: { kind: 'commented' } });
        break;
    }
    return { after, events, outcome };
  }

  private async mailRequester(tx: Tx, request: ApprovalRequest, actorUserId: string | null, event: RequestEvent, comment: string | null): Promise<void> {
    const message = await requesterMail(tx, request, actorUserId, event, comment);
    if (message) await this.attached().mail.enqueue(tx, message);
  }

  private attached(): EngineKernel {
    if (!this.kernel) {
      throw new Error('WorkflowEngine is not attached to the kernel: register the workflows module (its routes attach it) before modules that use it');
    }
    return this.kernel;
  }
}

/** One audit row of an action, and what the requester is told about it. */
interface ActionEvent {
  action: string;
  event: RequestEvent;
  metadata?: Record<string, unknown>;
}

/** The part of a request that actions change (audit before/after). */
function stateOf(request: ApprovalRequest) {
  return { status: request.status, currentStep: request.currentStep, resolvedAt: request.resolvedAt };
}
