import { describe, expect, it } from 'vitest';
import { actionRefusal, progressOf, progressText } from './progress';

const steps = [
  { name: 'Copy desk', permission: 'articles.review', approvals: 2 },
  { name: 'Legal', role: 'editor', approvals: 1 },
];

describe('approval request progress', () => {
  it('counts distinct approvers on the current step and marks earlier steps done', () => {
    const actions = [
      { stepNumber: 1, action: 'approve', actionedBy: 'u1' },
      { stepNumber: 1, action: 'approve', actionedBy: 'u2' },
      { stepNumber: 2, action: 'comment', actionedBy: 'u3' },
      { stepNumber: 2, action: 'approve', actionedBy: 'u3' },
    ];
    const progress = progressOf({ status: 'pending', currentStep: 2 }, steps, actions);
    expect(progress.list.map((s) => [s.state, s.approvals, s.needed, s.who])).toEqual([
      ['done', 2, 2, 'holders of articles.review'],
      ['current', 1, 1, 'role editor'],
    ]);
    expect(progressText({ status: 'pending', currentStep: 2 }, progress)).toBe('Step 2 of 2 · 1 of 1 approval');
  });

  it('does not count one person twice, and says how a resolved request ended', () => {
    const actions = [
      { stepNumber: 1, action: 'approve', actionedBy: 'u1' },
      { stepNumber: 1, action: 'approve', actionedBy: 'u1' },
    ];
    const pending = progressOf({ status: 'pending', currentStep: 1 }, steps, actions);
    expect(progressText({ status: 'pending', currentStep: 1 }, pending)).toBe('Step 1 of 2 · 1 of 2 approvals');
    const rejected = progressOf({ status: 'rejected', currentStep: 1 }, steps, actions);
    expect(rejected.list.map((s) => s.state)).toEqual(['stopped', 'waiting']);
    expect(progressText({ status: 'rejected', currentStep: 1 }, rejected)).toBe('Rejected at step 1 of 2');
    expect(progressOf({ status: 'approved', currentStep: 2 }, steps, []).list.map((s) => s.state)).toEqual(['done', 'done']);
  });

  it('explains own_submission in words', () => {
    expect(actionRefusal('own_submission')).toMatch(/nobody may approve their own submission/);
    expect(actionRefusal('not_an_approver')).toMatch(/for other reviewers/);
    expect(actionRefusal('approval_not_pending')).toMatch(/no longer pending/);
    expect(actionRefusal('something_else')).toBeNull();
  });
});
