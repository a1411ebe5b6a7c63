/**
 * The content lifecycle as the console shows it (docs/content.md, "Content lifecycle"): status names and
 * colours, and which lifecycle actions a caller is offered for an article or page in a given state. The
 * server decides in the end (a workflow may still answer 409 approval_required); this only hides what can
 * never work.
 */

export const CONTENT_STATUSES = ['draft', 'in_review', 'changes_requested', 'approved', 'scheduled', 'published', 'archived'] as const;
export type ContentStatus = (typeof CONTENT_STATUSES)[number];

export const STATUS_LABELS: Record<ContentStatus, string> = {
  draft: 'Draft',
  in_review: 'In review',
  changes_requested: 'Changes requested',
  approved: 'Approved',
  scheduled: 'Scheduled',
  published: 'Published',
  archived: 'Archived',
};

/** The pill variant of each status (content.css: `.status-<tone>`). */
export const STATUS_TONES: Record<ContentStatus, 'neutral' | 'info' | 'warning' | 'success' | 'accent' | 'muted'> = {
  draft: 'neutral',
  in_review: 'info',
  changes_requested: 'warning',
  approved: 'accent',
  scheduled: 'accent',
  published: 'success',
  archived: 'muted',
};

export const isContentStatus = (value: unknown): value is ContentStatus => typeof value === 'string' && (CONTENT_STATUSES as readonly string[]).includes(value);

export type LifecycleAction = 'submit' | 'publish' | 'schedule' | 'unschedule' | 'unpublish' | 'archive' | 'delete';

export const ACTION_LABELS: Record<LifecycleAction, string> = {
  submit: 'Submit for review',
  publish: 'Publish',
  schedule: 'Schedule…',
  unschedule: 'Unschedule',
  unpublish: 'Unpublish',
  archive: 'Archive',
  delete: 'Delete',
};

/** What the caller may do to this piece of content (ownable permissions already resolved against its author). */
export interface ContentAbilities {
  update: boolean;
  publish: boolean;
  delete: boolean;
}

export interface LifecycleState {
  status: ContentStatus;
  /** A version is live (articles: published_version_no set; pages: some version is_published). */
  live: boolean;
}

const SUBMITTABLE: readonly ContentStatus[] = ['draft', 'changes_requested'];
const PUBLISHABLE: readonly ContentStatus[] = ['draft', 'in_review', 'changes_requested', 'approved', 'archived'];

/**
 * The lifecycle actions offered, in the order the status bar shows them (the first is the primary one).
 * Publishing from a state other than `approved` succeeds only where no workflow applies: the server says so.
 */
export function allowedActions(state: LifecycleState, can: ContentAbilities): LifecycleAction[] {
  const out: LifecycleAction[] = [];
  const { status } = state;
  if (can.update && SUBMITTABLE.includes(status)) out.push('submit');
  if (can.publish && PUBLISHABLE.includes(status)) out.push('publish', 'schedule');
  if (can.publish && status === 'scheduled') out.push('unschedule');
  if (can.publish && state.live) out.push('unpublish');
  if (can.update && status !== 'archived') out.push('archive');
  if (can.delete) out.push('delete');
  // Approved content is ready to go: publishing comes before anything else.
  if (status === 'approved') out.sort((a, b) => (a === 'publish' ? -1 : b === 'publish' ? 1 : 0));
  return out;
}

/** Whether editing this content sends it back to draft (the server cancels the open review and any schedule). */
export function editResetsReview(status: ContentStatus): boolean {
  return status === 'in_review' || status === 'approved' || status === 'scheduled';
}

/** A sentence about the state, for the status bar. */
export function describeState(state: LifecycleState & { publishedVersion?: number | null; version: number; scheduledFor?: string | null }): string {
  const live =
    state.live && state.publishedVersion
      ? state.publishedVersion === state.version
        ? `Version ${state.publishedVersion} is live.`
        : `Version ${state.publishedVersion} is live; version ${state.version} is a newer working copy.`
      : state.live
        ? 'A version is live.'
        : 'Nothing is live.';
  switch (state.status) {
    case 'in_review':
      return `Waiting for review. ${live}`;
    case 'changes_requested':
      return `A reviewer asked for changes. ${live}`;
    case 'approved':
      return `Approved: ready to publish. ${live}`;
    case 'scheduled':
      return `Scheduled to publish${state.scheduledFor ? ` at ${new Date(state.scheduledFor).toLocaleString()}` : ''}. ${live}`;
    case 'archived':
      return 'Archived: nothing is live.';
    default:
      return live;
  }
}

/** Whether a `datetime-local` value is a moment in the future (schedule refuses the past). */
export function isFuture(local: string, now = new Date()): boolean {
  const at = new Date(local);
  return !Number.isNaN(at.getTime()) && at.getTime() > now.getTime();
}

/** `datetime-local` value (local time, minutes) for a Date. */
export function toLocalInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
