import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useConfirm } from '../../components/ConfirmDialog';
import { Dialog } from '../../components/Dialog';
import { ErrorState, Loading } from '../../components/States';
import { toast } from '../../components/Toasts';
import { describeError, isProblem } from '../../lib/api';
import { formatDateTime, formatRelative } from '../../lib/format';
import { UserName } from '../audit/Actor';
import { type Content, getDiff, restoreVersion, type Version, type Versioned } from './content-api';
import { type DiffLayout, DiffView, LayoutSwitch } from './DiffView';
import { fieldDiffs } from './diff-model';
import type { KindInfo } from './kinds';

/**
 * The version history: every saved version, newest first, with the live one marked. Pick two to compare
 * them (the server's diff, side by side or unified); restore any older one as a new version (confirmed).
 */
export function HistoryPanel({
  info,
  siteId,
  content,
  etag,
  versions,
  liveVersion,
  canRestore,
  dirty,
  onRestored,
}: {
  info: KindInfo;
  siteId: string;
  content: Content;
  etag: string | null;
  versions: { data?: Version[]; isLoading: boolean; error: unknown; refetch: () => void };
  liveVersion: number | null;
  canRestore: boolean;
  dirty: boolean;
  onRestored: (next: Versioned<Content>) => void;
}) {
  const confirm = useConfirm();
  const [picked, setPicked] = useState<number[]>([]);
  const [comparing, setComparing] = useState<[number, number] | null>(null);
  const toggle = (version: number) => setPicked((old) => (old.includes(version) ? old.filter((v) => v !== version) : [...old, version].slice(-2)));

  const restore = useMutation({
    mutationFn: (version: number) => restoreVersion(siteId, info, content.id, version, etag),
    onSuccess: (next, version) => {
      onRestored(next);
      setPicked([]);
      toast({ title: `Version ${version} restored`, description: `It is now version ${next.data.version}, the working copy.`, variant: 'success' });
    },
    onError: (error) =>
      toast({
        title: 'Not restored',
        description: isProblem(error, 412) ? 'Someone else saved a newer version meanwhile. Reload and try again.' : describeError(error),
        variant: 'error',
      }),
  });

  const askRestore = async (version: number) => {
    const ok = await confirm({
      title: `Restore version ${version}?`,
      description: `Its content becomes a new version ${content.version + 1} of this ${info.label.toLowerCase()}. Nothing is lost: version ${content.version} stays in the history.${
        dirty ? ' Your unsaved changes in the editor will be discarded.' : ''
      }`,
      confirmLabel: `Restore version ${version}`,
    });
    if (ok) restore.mutate(version);
  };

  const compare = () => {
    const [a, b] = [...picked].sort((x, y) => x - y);
    if (a !== undefined && b !== undefined) setComparing([a, b]);
  };

  return (
    <div className="cms-history">
      <div className="cms-panel-bar">
        <span className="muted">
          {picked.length === 2 ? `Versions ${[...picked].sort((a, b) => a - b).join(' and ')} picked` : 'Pick two versions to compare.'}
        </span>
        <button type="button" className="button button-small" disabled={picked.length !== 2} onClick={compare}>
          Compare
        </button>
      </div>
      {versions.isLoading ? <Loading /> : null}
      {versions.error ? <ErrorState error={versions.error} onRetry={versions.refetch} /> : null}
      <ol className="cms-versions" aria-label="Versions">
        {(versions.data ?? []).map((version) => (
          <li key={version.version} className={`cms-version${picked.includes(version.version) ? ' cms-version-picked' : ''}`}>
            <label className="cms-version-pick">
              <input
                type="checkbox"
                checked={picked.includes(version.version)}
                onChange={() => toggle(version.version)}
                aria-label={`Pick version ${version.version}`}
              />
              <strong>v{version.version}</strong>
            </label>
            <div className="cms-version-body">
              <div className="cms-version-line">
                {version.version === content.version ? <span className="status-badge status-neutral">Working copy</span> : null}
                {version.version === liveVersion ? <span className="status-badge status-success">Live</span> : null}
                <time dateTime={version.createdAt ?? undefined} title={formatDateTime(version.createdAt)} className="muted">
                  {formatRelative(version.createdAt)}
                </time>
              </div>
              <div className="cms-version-line muted">
                {version.editedBy ? <UserName id={version.editedBy} /> : 'unknown'}
                {version.note ? <span className="cms-version-note"> · {version.note}</span> : null}
              </div>
            </div>
            {canRestore && version.version !== content.version ? (
              <button type="button" className="button button-small" onClick={() => void askRestore(version.version)} disabled={restore.isPending}>
                Restore
              </button>
            ) : null}
          </li>
        ))}
      </ol>
      {comparing ? (
        <CompareDialog info={info} siteId={siteId} id={content.id} from={comparing[0]} to={comparing[1]} onClose={() => setComparing(null)} />
      ) : null}
    </div>
  );
}

function CompareDialog({ info, siteId, id, from, to, onClose }: { info: KindInfo; siteId: string; id: string; from: number; to: number; onClose: () => void }) {
  const [layout, setLayout] = useState<DiffLayout>('split');
  const diff = useQuery({
    queryKey: [info.plural, siteId, id, 'diff', from, to],
    queryFn: () => getDiff(siteId, info, id, from, to),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const fields = diff.data ? fieldDiffs(diff.data) : [];
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()} title={`Version ${from} → version ${to}`} wide>
      <div className="cms-panel-bar">
        <span className="muted">
          {fields.length} field{fields.length === 1 ? '' : 's'} changed
        </span>
        <LayoutSwitch value={layout} onChange={setLayout} />
      </div>
      {diff.isLoading ? <Loading /> : null}
      {diff.error ? <ErrorState error={diff.error} onRetry={() => void diff.refetch()} /> : null}
      {diff.data ? <DiffView fields={fields} layout={layout} fromLabel={`Version ${from}`} toLabel={`Version ${to}`} /> : null}
    </Dialog>
  );
}
