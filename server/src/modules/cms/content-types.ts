import type { Tx } from '../../kernel/db/transaction.js';
import type { CONTENT_STATUSES } from './schema.js';

export type ContentStatus = (typeof CONTENT_STATUSES)[number];
export type ContentType = 'article' | 'page';

export interface ContentPermissions {
  read: string;
  create: string;
  update: string;
  delete: string;
  review: string;
  publish: string;
}

/** The workflow state of one article or page, read under a row lock by the transaction that changes it. */
export interface ContentState {
  id: string;
  siteId: string;
  authorId: string | null;
  title: string;
  status: ContentStatus;
  /** The working copy's latest version. */
  versionNo: number;
  /** The version readers get; null when nothing is live. */
  publishedVersionNo: number | null;
  scheduledFor: string | null;
  scheduledBy: string | null;
  publishedAt: string | null;
  categoryIds: string[];
}

/**
 * A change of workflow state. `live`: undefined leaves what readers get alone, a number publishes that version
 * (first publication time kept), null takes the content offline. `schedule` is only kept with status `scheduled`.
 */
export interface StateChange {
  status: ContentStatus;
  live?: number | null;
  schedule?: { at: string; by: string | null };
  /** Set on submit: who asked for the review (null for an API key). Left alone when undefined. */
  submittedBy?: string | null;
}

/** What the lifecycle needs to know about a kind of content (articles, pages): its rows and its permissions. */
export interface ContentKind {
  type: ContentType;
  /** 'Article' / 'Page', for messages. */
  label: string;
  permissions: ContentPermissions;
  /** The row locked FOR UPDATE, or null when it is not on the site. */
  lock(tx: Tx, siteId: string, id: string): Promise<ContentState | null>;
  /** Writes status, schedule and what is live (pages flip `is_published` in the same transaction). */
  applyState(tx: Tx, state: ContentState, change: StateChange): Promise<void>;
  /** The representation the API serves (its ETag is what If-Match names). */
  read(tx: Tx, siteId: string, id: string): Promise<object>;
}

/** A reviewer's decision as the API shows it (a content_reviews row). */
export interface ContentReview {
  id: string;
  versionNo: number;
  reviewerId: string | null;
  decision: 'approve' | 'reject' | 'request_changes';
  notes: string | null;
  approvalRequestId: string | null;
  createdAt: string;
}
