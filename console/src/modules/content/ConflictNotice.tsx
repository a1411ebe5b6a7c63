import { useMemo, useState } from 'react';
import { Dialog } from '../../components/Dialog';
import { type DiffLayout, DiffView, LayoutSwitch } from './DiffView';
import { diffTexts, type FieldDiff } from './diff-model';
import { type Draft, draftChanges } from './draft';

/**
 * Shown when a save was refused with 412: someone saved a newer version since this editor loaded its copy.
 * Reload takes their version (dropping these edits); Compare shows their version against the unsaved text;
 * "Save mine anyway" saves over theirs knowingly (their version stays in the history).
 */
export function ConflictNotice({
  theirs,
  theirVersion,
  mine,
  onReload,
  onOverwrite,
  busy,
}: {
  theirs: Draft | null;
  theirVersion: number | null;
  mine: Draft;
  onReload: () => void;
  onOverwrite: () => void;
  busy: boolean;
}) {
  const [comparing, setComparing] = useState(false);
  const [layout, setLayout] = useState<DiffLayout>('split');
  const fields = useMemo<FieldDiff[]>(() => {
    if (!theirs) return [];
    return draftChanges(mine, theirs).map((change) => {
      const lines = diffTexts(change.theirs, change.mine);
      return { field: change.field, lines, added: lines.filter((l) => l.kind === 'added').length, removed: lines.filter((l) => l.kind === 'removed').length };
    });
  }, [mine, theirs]);
  return (
    <div className="cms-conflict" role="alert" data-testid="save-conflict">
      <div>
        <strong>Someone else saved a newer version</strong>
        {theirVersion ? ` (version ${theirVersion})` : ''} while you were editing. Your changes are not saved yet.
      </div>
      <div className="cms-conflict-actions">
        <button type="button" className="button button-small" onClick={() => setComparing(true)} disabled={!theirs}>
          Compare
        </button>
        <button type="button" className="button button-small" onClick={onReload} disabled={busy}>
          Reload their version
        </button>
        <button type="button" className="button button-small button-danger" onClick={onOverwrite} disabled={busy || !theirs}>
          Save mine anyway
        </button>
      </div>
      {comparing ? (
        <Dialog open onOpenChange={(open) => !open && setComparing(false)} title="Their version and your unsaved changes" wide>
          <div className="cms-panel-bar">
            <span className="muted">
              {fields.length} field{fields.length === 1 ? '' : 's'} differ
            </span>
            <LayoutSwitch value={layout} onChange={setLayout} />
          </div>
          <DiffView fields={fields} layout={layout} fromLabel={theirVersion ? `Saved version ${theirVersion}` : 'Saved version'} toLabel="Your changes" />
        </Dialog>
      ) : null}
    </div>
  );
}
