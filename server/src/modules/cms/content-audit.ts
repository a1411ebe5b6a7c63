import type { AuditActor, AuditWriter } from '../../kernel/audit/writer.js';
import type { Tx } from '../../kernel/db/transaction.js';
import type { ContentKind, ContentState, StateChange } from './content-types.js';

export const AUDIT_CATEGORY = 'cms';

/** The workflow facts an audit row records (content lives in the versions; the audit says what happened). */
export function stateSummary(state: Pick<ContentState, 'status' | 'versionNo' | 'publishedVersionNo' | 'scheduledFor'>) {
  return { status: state.status, versionNo: state.versionNo, publishedVersionNo: state.publishedVersionNo, scheduledFor: state.scheduledFor };
}

/** The summary after `change` is applied to `state`. */
export function summaryAfter(state: ContentState, change: StateChange) {
  return {
    status: change.status,
    versionNo: state.versionNo,
    publishedVersionNo: change.live === undefined ? state.publishedVersionNo : change.live,
    scheduledFor: change.status === 'scheduled' ? (change.schedule?.at ?? null) : null,
  };
}

/** `article.published`, `page.archived`, …: one row per change, in the change's transaction. */
export function auditContent(
  audit: AuditWriter,
  tx: Tx,
  actor: AuditActor,
  kind: ContentKind,
  siteId: string,
  id: string,
  verb: string,
  entry: { before?: unknown; after?: unknown; metadata?: Record<string, unknown>; description?: string } = {},
): Promise<void> {
  return audit.write(tx, actor, {
    siteId,
    action: `${kind.type}.${verb}`,
    category: AUDIT_CATEGORY,
    targetType: kind.type,
    targetId: id,
    ...entry,
  });
}
