/**
 * Where an approval request stands, from the request, its workflow's steps and its action history
 * (docs/content.md, WorkflowEngine.act): which step of how many, how many distinct approvals that step has
 * of how many it needs, and each step's state for the progress list.
 */

export interface WorkflowStepLike {
  name: string;
  permission?: string | null;
  role?: string | null;
  approvals: number;
}

export interface ApprovalActionLike {
  stepNumber: number;
  action: string;
  actionedBy: string | null;
}

export interface RequestLike {
  status: string;
  currentStep: number;
}

export type StepState = 'done' | 'current' | 'waiting' | 'stopped';

export interface StepProgress {
  number: number;
  name: string;
  who: string;
  needed: number;
  approvals: number;
  state: StepState;
}

export interface Progress {
  step: number;
  steps: number;
  approvals: number;
  needed: number;
  list: StepProgress[];
}

/** Distinct people who approved a step (an approval counts once per person, as the engine counts it). */
export function approvalsOn(actions: readonly ApprovalActionLike[], step: number): number {
  return new Set(actions.filter((a) => a.stepNumber === step && a.action === 'approve').map((a) => a.actionedBy ?? 'unknown')).size;
}

export function whoMayAct(step: WorkflowStepLike): string {
  if (step.role) return `role ${step.role}`;
  if (step.permission) return `holders of ${step.permission}`;
  return 'anyone who may review';
}

export function progressOf(request: RequestLike, steps: readonly WorkflowStepLike[], actions: readonly ApprovalActionLike[]): Progress {
  const total = Math.max(steps.length, 1);
  const current = Math.min(Math.max(request.currentStep, 1), total);
  const list = steps.map((step, index): StepProgress => {
    const number = index + 1;
    const needed = Math.max(step.approvals, 1);
    const approvals = approvalsOn(actions, number);
    let state: StepState;
    if (request.status === 'approved') state = 'done';
    else if (number < current) state = 'done';
    else if (number > current) state = 'waiting';
    else state = request.status === 'pending' ? 'current' : 'stopped';
    return { number, name: step.name, who: whoMayAct(step), needed, approvals: Math.min(approvals, needed), state };
  });
  const here = list[current - 1];
  return { step: current, steps: total, approvals: here?.approvals ?? 0, needed: here?.needed ?? 1, list };
}

/** "Step 2 of 3 · 1 of 2 approvals", or how it ended. */
export function progressText(request: RequestLike, progress: Progress): string {
  switch (request.status) {
    case 'approved':
      return `Approved (${progress.steps} step${progress.steps === 1 ? '' : 's'})`;
    case 'rejected':
      return `Rejected at step ${progress.step} of ${progress.steps}`;
    case 'changes_requested':
      return `Changes requested at step ${progress.step} of ${progress.steps}`;
    case 'cancelled':
      return 'Cancelled (the content was edited or withdrawn)';
    default:
      return `Step ${progress.step} of ${progress.steps} · ${progress.approvals} of ${progress.needed} approval${progress.needed === 1 ? '' : 's'}`;
  }
}

export const REQUEST_STATUS_LABELS: Record<string, string> = {
  pending: 'Pending',
  approved: 'Approved',
  rejected: 'Rejected',
  changes_requested: 'Changes requested',
  cancelled: 'Cancelled',
};

export const ACTION_WORDS: Record<string, string> = {
  approve: 'approved',
  reject: 'rejected',
  request_changes: 'requested changes',
  comment: 'commented',
};

/** The sentence for a refused action (403/409 problems of POST …/actions), or null to show the server's own. */
export function actionRefusal(code: string | undefined): string | null {
  switch (code) {
    case 'own_submission':
      return 'You submitted this yourself, and nobody may approve their own submission: someone else has to review it.';
    case 'already_approved':
      return 'You have already approved this step; it needs another person’s approval.';
    case 'approval_not_pending':
      return 'This request is no longer pending: someone resolved it meanwhile.';
    case 'not_an_approver':
      return 'This step is for other reviewers: you do not hold the permission or role it asks for.';
    default:
      return null;
  }
}
