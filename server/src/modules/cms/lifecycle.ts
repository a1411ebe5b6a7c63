import type { AuditActor, AuditWriter } from '../../kernel/audit/writer.js';
import type { Principal } from '../../kernel/auth/principal.js';
import type { Tx } from '../../kernel/db/transaction.js';
import type { ApprovalOutcome, ApprovalRequest, Approvals, ApprovalTarget } from './approvals.js';
import { auditContent, stateSummary, summaryAfter } from './content-audit.js';
import { checkIfMatch, invalidStatus } from './content-problems.js';
import type { ContentKind, ContentState, ContentStatus, StateChange } from './content-types.js';
import { contentKinds, lockOrNotFound } from './kinds.js';
import { assertOwner } from './ownership.js';

/** Statuses from which content may be submitted for review. */
const SUBMITTABLE: ReadonlySet<ContentStatus> = new Set(['draft', 'changes_requested', 'approved']);
/** Statuses an edit sends back to draft (the review, approval or schedule was for the content as it was). */
const RESET_BY_EDIT: ReadonlySet<ContentStatus> = new Set(['in_review', 'approved', 'scheduled']);

const STATUS_OF_OUTCOME: Record<ApprovalOutcome, ContentStatus> = { approved: 'approved', rejected: 'draft', changes_requested: 'changes_requested' };

/**
 * The review side of the content lifecycle shared by articles and pages: submit, what an edit does to the
 * status, archiving, and what a resolved approval request does. Every change is audited in its transaction.
 */
export class ContentLifecycle {
  constructor(
    private readonly audit: AuditWriter,
    private readonly approvals: Approvals,
  ) {}

  /** Tells the workflow engine how resolved requests move articles and pages. */
  registerTargets(): void {
    for (const kind of Object.values(contentKinds)) {
      this.approvals.registerTarget(kind.type, {
        onResolved: (tx, actor, request, outcome) => this.resolved(tx, actor, kind, request, outcome),
        // Content row first, request second: the order every content change takes (lock, then cancel the request).
        lockTarget: async (tx, targetId) => {
          const siteId = await currentSite(tx);
          if (siteId) await kind.lock(tx, siteId, targetId);
        },
      });
    }
  }

  target(kind: ContentKind, state: ContentState): ApprovalTarget {
    return { type: kind.type, id: state.id, version: state.versionNo, title: state.title, categoryIds: state.categoryIds };
  }

  /** `draft | changes_requested | approved` → `in_review`; opens an approval request when a workflow applies. */
  async submit(tx: Tx, actor: AuditActor, caller: Principal | null, kind: ContentKind, siteId: string, id: string, ifMatch?: string): Promise<void> {
    const state = await lockOrNotFound(tx, kind, siteId, id);
    if (ifMatch !== undefined) checkIfMatch(ifMatch, await kind.read(tx, siteId, id));
    assertOwner(caller, siteId, kind.permissions.update, state.authorId, kind.type);
    if (!SUBMITTABLE.has(state.status)) {
      throw invalidStatus(`Only draft, changes_requested or approved content can be submitted; this ${kind.type} is ${state.status}.`);
    }
    const target = this.target(kind, state);
    const workflow = await this.approvals.workflowFor(tx, target);
    const request = workflow ? await this.approvals.submit(tx, actor, target) : null;
    const change: StateChange = { status: 'in_review', submittedBy: actor.userId };
    await kind.applyState(tx, state, change);
    await auditContent(this.audit, tx, actor, kind, siteId, id, 'submitted', {
      before: stateSummary(state),
      after: summaryAfter(state, change),
      metadata: { versionNo: state.versionNo, workflowId: workflow?.id ?? null, approvalRequestId: request?.id ?? null },
    });
  }

  /**
   * A save changed the content (state is as it was before the save, versionNo the new version). In review,
   * approved or scheduled content goes back to draft and its request is cancelled; published content keeps its
   * published version live while the working copy is a draft again; archived content becomes a draft.
   */
  async afterEdit(tx: Tx, actor: AuditActor, kind: ContentKind, state: ContentState, versionNo: number): Promise<ContentStatus> {
    if (RESET_BY_EDIT.has(state.status)) {
      await this.approvals.cancel(tx, actor, kind.type, state.id, `The ${kind.type} was edited (version ${versionNo}).`);
    }
    const status: ContentStatus = state.status === 'changes_requested' ? 'changes_requested' : 'draft';
    if (status !== state.status) await kind.applyState(tx, { ...state, versionNo }, { status });
    return status;
  }

  /** Nothing live, no schedule, no open request: `archived`. */
  async archive(tx: Tx, actor: AuditActor, caller: Principal | null, kind: ContentKind, siteId: string, id: string, ifMatch?: string): Promise<void> {
    const state = await lockOrNotFound(tx, kind, siteId, id);
    if (ifMatch !== undefined) checkIfMatch(ifMatch, await kind.read(tx, siteId, id));
    assertOwner(caller, siteId, kind.permissions.update, state.authorId, kind.type);
    if (state.status === 'archived') throw invalidStatus(`The ${kind.type} is already archived.`);
    await this.approvals.cancel(tx, actor, kind.type, id, `The ${kind.type} was archived.`);
    const change: StateChange = { status: 'archived', live: null };
    await kind.applyState(tx, state, change);
    await auditContent(this.audit, tx, actor, kind, siteId, id, 'archived', { before: stateSummary(state), after: summaryAfter(state, change) });
  }

  /** Before content is deleted: its open or approved request is cancelled (the request stays as history). */
  async beforeDelete(tx: Tx, actor: AuditActor, kind: ContentKind, id: string): Promise<void> {
    await this.approvals.cancel(tx, actor, kind.type, id, `The ${kind.type} was deleted.`);
  }

  /** The engine resolved a request about this content: approved → approved, rejected → draft, changes → changes_requested. */
  private async resolved(tx: Tx, actor: AuditActor, kind: ContentKind, request: ApprovalRequest, outcome: ApprovalOutcome): Promise<void> {
    const state = await kind.lock(tx, request.siteId, request.targetId);
    // Deleted, edited or withdrawn since it was submitted: the request no longer speaks for the content.
    if (state?.status !== 'in_review') return;
    if (request.targetVersion !== null && request.targetVersion !== state.versionNo) return;
    const change: StateChange = { status: STATUS_OF_OUTCOME[outcome] };
    await kind.applyState(tx, state, change);
    await auditContent(this.audit, tx, actor, kind, state.siteId, state.id, 'approval_resolved', {
      before: stateSummary(state),
      after: summaryAfter(state, change),
      metadata: { approvalRequestId: request.id, outcome, versionNo: state.versionNo },
    });
  }
}

/** The site of the tenant transaction (the engine names a target by id alone; RLS binds it to this site). */
async function currentSite(tx: Tx): Promise<string | null> {
  const { rows } = await tx.$client.query<{ site: string | null }>("SELECT nullif(current_setting('app.site_id', true), '') AS site");
  return rows[0]?.site ?? null;
}
