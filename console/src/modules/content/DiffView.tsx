import { useMemo } from 'react';
import { type DiffLine, type FieldDiff, fieldLabel, type SideCell, sideBySide } from './diff-model';

export type DiffLayout = 'split' | 'unified';

const SIGN: Record<DiffLine['kind'], string> = { added: '+', removed: '−', context: ' ', gap: '' };
const KIND_WORD: Record<DiffLine['kind'], string> = { added: 'added', removed: 'removed', context: 'unchanged', gap: '' };

/** Per field, its line diff: two columns (old | new) or one with +/− lines. Kinds are said in text for screen readers too. */
export function DiffView({ fields, layout, fromLabel, toLabel }: { fields: FieldDiff[]; layout: DiffLayout; fromLabel: string; toLabel: string }) {
  if (fields.length === 0) return <p className="muted">No differences.</p>;
  return (
    <div className="cms-diff" data-testid="content-diff">
      {fields.map((field) => (
        <section key={field.field} className="cms-diff-field" aria-label={`${fieldLabel(field.field)} changes`}>
          <h4 className="cms-diff-heading">
            {fieldLabel(field.field)}{' '}
            <span className="cms-diff-counts">
              <span className="cms-diff-plus">+{field.added}</span> <span className="cms-diff-minus">−{field.removed}</span>
            </span>
          </h4>
          {layout === 'split' ? <Split lines={field.lines} fromLabel={fromLabel} toLabel={toLabel} /> : <Unified lines={field.lines} />}
        </section>
      ))}
    </div>
  );
}

function Cell({ cell }: { cell: SideCell | null }) {
  if (!cell) return <td className="cms-diff-no" aria-hidden="true" />;
  return (
    <>
      <td className={`cms-diff-no cms-diff-${cell.kind}`}>{cell.no ?? ''}</td>
      <td className={`cms-diff-text cms-diff-${cell.kind}`}>
        {cell.kind !== 'context' ? <span className="cms-sr">{KIND_WORD[cell.kind]}: </span> : null}
        {cell.text || ' '}
      </td>
    </>
  );
}

function Split({ lines, fromLabel, toLabel }: { lines: DiffLine[]; fromLabel: string; toLabel: string }) {
  const rows = useMemo(() => sideBySide(lines), [lines]);
  return (
    <div className="cms-diff-scroll">
      <table className="cms-diff-table cms-diff-split">
        <colgroup>
          <col className="cms-diff-col-no" />
          <col />
          <col className="cms-diff-col-no" />
          <col />
        </colgroup>
        <thead>
          <tr>
            <th colSpan={2}>{fromLabel}</th>
            <th colSpan={2}>{toLabel}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) =>
            row.gap ? (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity beyond their place
              <tr key={index} className="cms-diff-gap-row">
                <td colSpan={4}>⋯</td>
              </tr>
            ) : (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity beyond their place
              <tr key={index}>
                {row.left ? <Cell cell={row.left} /> : <td colSpan={2} className="cms-diff-empty" />}
                {row.right ? <Cell cell={row.right} /> : <td colSpan={2} className="cms-diff-empty" />}
              </tr>
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}

function Unified({ lines }: { lines: DiffLine[] }) {
  return (
    <div className="cms-diff-scroll">
      <table className="cms-diff-table cms-diff-unified">
        <colgroup>
          <col className="cms-diff-col-no" />
          <col className="cms-diff-col-no" />
          <col className="cms-diff-col-sign" />
          <col />
        </colgroup>
        <tbody>
          {lines.map((line, index) =>
            line.kind === 'gap' ? (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity beyond their place
              <tr key={index} className="cms-diff-gap-row">
                <td colSpan={4}>⋯</td>
              </tr>
            ) : (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity beyond their place
              <tr key={index} className={`cms-diff-${line.kind}`}>
                <td className="cms-diff-no">{line.oldNo ?? ''}</td>
                <td className="cms-diff-no">{line.newNo ?? ''}</td>
                <td className="cms-diff-sign" aria-hidden="true">
                  {SIGN[line.kind]}
                </td>
                <td className="cms-diff-text">
                  {line.kind !== 'context' ? <span className="cms-sr">{KIND_WORD[line.kind]}: </span> : null}
                  {line.text || ' '}
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}

/** The Split / Unified switch. */
export function LayoutSwitch({ value, onChange }: { value: DiffLayout; onChange: (layout: DiffLayout) => void }) {
  return (
    <fieldset className="cms-segmented" aria-label="Diff layout">
      {(['split', 'unified'] as const).map((layout) => (
        <button
          key={layout}
          type="button"
          className={value === layout ? 'cms-segment-on' : undefined}
          aria-pressed={value === layout}
          onClick={() => onChange(layout)}
        >
          {layout === 'split' ? 'Side by side' : 'Unified'}
        </button>
      ))}
    </fieldset>
  );
}
