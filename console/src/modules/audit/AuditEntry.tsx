import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { CopyButton } from '../../components/CopyButton';
import { Drawer } from '../../components/Drawer';
import { ErrorState, Loading } from '../../components/States';
import { formatDateTime } from '../../lib/format';
import { Actor, UserName } from './Actor';
import { type AuditChain, type AuditLog, auditKey, getAuditEntry } from './audit-api';
import { JsonDiff } from './JsonDiff';

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children ?? <span className="muted">—</span>}</dd>
    </>
  );
}

const isEmpty = (value: unknown) => value === null || value === undefined || (typeof value === 'object' && Object.keys(value as object).length === 0);

/** One audit entry: who, what, on what, from where; the before/after diff; its place in the hash chain. */
export function AuditEntryDrawer({
  chain,
  entryId,
  known,
  onClose,
  onFilter,
}: {
  chain: AuditChain;
  entryId: string | undefined;
  /** The row as the list has it (shown at once; the entry is still fetched, for deep links). */
  known: AuditLog | undefined;
  onClose: () => void;
  /** Narrow the list to entries like this one (same action, actor or target). */
  onFilter: (filter: { action?: string; actor?: string; targetType?: string; targetId?: string }) => void;
}) {
  const entry = useQuery({
    queryKey: [...auditKey(chain), 'entry', entryId],
    enabled: entryId !== undefined,
    queryFn: () => getAuditEntry(chain, entryId as string),
    initialData: known,
    staleTime: Number.POSITIVE_INFINITY, // entries never change (the table is append-only)
  });
  const row = entry.data;
  return (
    <Drawer
      open={entryId !== undefined}
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
      title={row ? row.action : 'Audit entry'}
      description={row ? `Entry #${row.seq} · ${formatDateTime(row.createdAt)}` : undefined}
    >
      {entry.isLoading ? <Loading /> : null}
      {entry.error ? <ErrorState error={entry.error} onRetry={() => void entry.refetch()} /> : null}
      {row ? (
        <div className="audit-entry" data-testid="audit-entry">
          {row.success ? null : (
            <div className="form-error" role="note">
              <strong>Failed.</strong> {row.error ?? 'No reason recorded.'}
            </div>
          )}
          {row.description ? <p className="audit-entry-description">{row.description}</p> : null}
          <dl className="audit-facts">
            <Row label="Action">
              <code>{row.action}</code>{' '}
              <button type="button" className="button button-link button-small" onClick={() => onFilter({ action: row.action })}>
                Show all like this
              </button>
            </Row>
            <Row label="Category">{row.category}</Row>
            <Row label="Actor">
              <Actor userId={row.actorUserId} apiKeyId={row.actorApiKeyId} />
              {row.actorUserId ? (
                <>
                  {' '}
                  <button type="button" className="button button-link button-small" onClick={() => onFilter({ actor: row.actorUserId ?? undefined })}>
                    Their entries
                  </button>
                </>
              ) : null}
            </Row>
            {row.impersonatorUserId ? (
              <Row label="Impersonated by">
                <UserName id={row.impersonatorUserId} />
              </Row>
            ) : null}
            <Row label="Target">
              {row.targetType ? (
                <>
                  {row.targetType} <code className="audit-id">{row.targetId}</code>{' '}
                  <button
                    type="button"
                    className="button button-link button-small"
                    onClick={() => onFilter({ targetType: row.targetType ?? undefined, targetId: row.targetId ?? undefined })}
                  >
                    History of this {row.targetType}
                  </button>
                </>
              ) : null}
            </Row>
            <Row label="Result">{row.success ? <span className="pill pill-success">succeeded</span> : <span className="pill pill-danger">failed</span>}</Row>
            <Row label="When">
              <time dateTime={row.createdAt}>{formatDateTime(row.createdAt)}</time> <span className="muted">({row.createdAt})</span>
            </Row>
            <Row label="IP address">{row.ip}</Row>
            <Row label="User agent">{row.userAgent ? <span className="audit-ua">{row.userAgent}</span> : null}</Row>
            <Row label="Request id">{row.requestId ? <code>{row.requestId}</code> : null}</Row>
            <Row label="Session">{row.sessionId ? <code>{row.sessionId}</code> : null}</Row>
          </dl>

          <section className="audit-section" aria-labelledby="audit-diff-title">
            <h3 id="audit-diff-title">Before and after</h3>
            <JsonDiff before={row.before} after={row.after} />
          </section>

          {isEmpty(row.metadata) ? null : (
            <section className="audit-section" aria-labelledby="audit-metadata-title">
              <h3 id="audit-metadata-title">Metadata</h3>
              <pre className="audit-json">{JSON.stringify(row.metadata, null, 2)}</pre>
            </section>
          )}

          <section className="audit-section" aria-labelledby="audit-chain-title">
            <h3 id="audit-chain-title">Place in the chain</h3>
            <dl className="audit-facts audit-hashes">
              <Row label="Entry id">
                <code className="audit-id">{row.id}</code> <CopyButton value={row.id} />
              </Row>
              <Row label="Hash">
                <code className="audit-hash">{row.hash}</code>
              </Row>
              <Row label="Previous hash">
                <code className="audit-hash">{row.prevHash}</code>
              </Row>
            </dl>
          </section>
        </div>
      ) : null}
    </Drawer>
  );
}
