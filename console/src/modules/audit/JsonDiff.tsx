import { useMemo, useState } from 'react';
import { countChanges, type DiffKind, diffJson } from './json-diff';

const SIGN: Record<DiffKind, string> = { added: '+', removed: '−', changed: '~', unchanged: '' };

/** A value as it reads best: strings bare, everything else as JSON; absent as a dash. */
function ValueText({ value, present }: { value: unknown; present: boolean }) {
  if (!present) return <span className="diff-absent">—</span>;
  if (value === null) return <span className="diff-null">null</span>;
  if (typeof value === 'string') return <span className="diff-string">{value === '' ? '""' : value}</span>;
  return <code>{JSON.stringify(value, null, Array.isArray(value) || typeof value !== 'object' ? undefined : 2)}</code>;
}

/**
 * The before/after of an audit entry as a table of keys: added keys green, removed red, changed amber (old
 * and new side by side), unchanged ones folded away. Every row says its kind in text too, not only in colour.
 */
export function JsonDiff({ before, after }: { before: unknown; after: unknown }) {
  const rows = useMemo(() => diffJson(before, after), [before, after]);
  const [showUnchanged, setShowUnchanged] = useState(false);
  const changes = countChanges(rows);
  const unchanged = rows.length - changes;
  if (rows.length === 0) return <p className="muted">This entry records no before or after state.</p>;
  const shown = showUnchanged ? rows : rows.filter((r) => r.kind !== 'unchanged');
  return (
    <div className="json-diff" data-testid="audit-diff">
      <div className="json-diff-summary">
        <span>
          {changes === 0 ? 'No differences' : `${changes} change${changes === 1 ? '' : 's'}`}
          {unchanged > 0 ? `, ${unchanged} unchanged` : ''}
        </span>
        {unchanged > 0 ? (
          <button type="button" className="button button-small" aria-pressed={showUnchanged} onClick={() => setShowUnchanged(!showUnchanged)}>
            {showUnchanged ? 'Hide unchanged' : 'Show unchanged'}
          </button>
        ) : null}
      </div>
      <table className="json-diff-table">
        <thead>
          <tr>
            <th scope="col" className="json-diff-sign">
              <span className="visually-hidden">Change</span>
            </th>
            <th scope="col">Field</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((row) => (
            <tr key={`${row.kind}:${row.path}`} className={`diff-${row.kind}`} data-kind={row.kind} data-path={row.path}>
              <td className="json-diff-sign" aria-hidden="true">
                {SIGN[row.kind]}
              </td>
              <th scope="row" className="json-diff-path">
                <code>{row.path || '(value)'}</code>
                <span className="visually-hidden"> {row.kind}</span>
              </th>
              <td className="json-diff-before">
                <ValueText value={row.before} present={row.kind !== 'added'} />
              </td>
              <td className="json-diff-after">
                <ValueText value={row.after} present={row.kind !== 'removed'} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
