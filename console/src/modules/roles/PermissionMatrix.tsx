import { useEffect, useId, useRef, useState } from 'react';
import type { Condition, ModuleGroup } from './permission-catalog';

export type Draft = ReadonlyMap<string, Condition>;

const NOT_HELD = 'You do not hold this permission on this site, so you cannot grant it.';
const NOT_HELD_EVERYWHERE = 'You hold this permission only on your own rows, so you can grant it only on own rows.';

/**
 * A role's permissions as a checklist grouped by module: one row per site permission, a module-wide toggle,
 * and for permissions whose records have an owner, a choice between all rows and the holder's own. What the
 * caller may not grant is disabled (with the reason as its title); `editable: false` makes it read-only.
 */
export function PermissionMatrix({
  groups,
  value,
  onChange,
  editable,
  canGrant,
  label,
}: {
  groups: ModuleGroup[];
  value: Draft;
  onChange: (next: Draft) => void;
  editable: boolean;
  canGrant: (key: string, condition: Condition) => boolean;
  label: string;
}) {
  const [filter, setFilter] = useState('');
  const filterId = useId();
  const needle = filter.trim().toLowerCase();
  const shown = groups
    .map((g) => ({ ...g, permissions: g.permissions.filter((p) => !needle || p.key.includes(needle) || p.description.toLowerCase().includes(needle)) }))
    .filter((g) => g.permissions.length > 0);

  const addable = (key: string) => canGrant(key, 'own') || canGrant(key, 'all');
  const set = (key: string, condition: Condition | null) => {
    const next = new Map(value);
    if (condition === null) next.delete(key);
    else next.set(key, condition);
    onChange(next);
  };
  const bestCondition = (key: string): Condition => (canGrant(key, 'all') ? 'all' : 'own');

  return (
    <div className="matrix-editor">
      <div className="matrix-toolbar">
        <label htmlFor={filterId} className="access-sr-only">
          Filter permissions
        </label>
        <input
          id={filterId}
          className="input matrix-filter"
          type="search"
          placeholder="Filter permissions"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
        <span className="muted" aria-live="polite">
          {value.size} granted
        </span>
      </div>
      <div className="matrix-scroll">
        <table className="matrix matrix-edit" aria-label={label}>
          <thead>
            <tr>
              <th scope="col">Permission</th>
              <th scope="col">What it allows</th>
              <th scope="col" className="matrix-where">
                Applies to
              </th>
            </tr>
          </thead>
          {shown.map((group) => {
            const grantable = group.permissions.filter((p) => value.has(p.key) || addable(p.key));
            const granted = group.permissions.filter((p) => value.has(p.key)).length;
            const allOn = grantable.length > 0 && grantable.every((p) => value.has(p.key));
            return (
              <tbody key={group.module} data-module={group.module}>
                <tr className="matrix-group">
                  <th scope="rowgroup" colSpan={3}>
                    <span className="matrix-check">
                      <GroupToggle
                        checked={allOn}
                        indeterminate={!allOn && granted > 0}
                        disabled={!editable || grantable.length === 0}
                        label={`All of ${group.label}`}
                        onChange={(on) => {
                          const next = new Map(value);
                          for (const p of grantable) {
                            if (on && !next.has(p.key)) next.set(p.key, bestCondition(p.key));
                            if (!on) next.delete(p.key);
                          }
                          onChange(next);
                        }}
                      />
                      <span>{group.label}</span>
                    </span>
                    <span className="muted matrix-count">
                      {granted} of {group.permissions.length}
                    </span>
                  </th>
                </tr>
                {group.permissions.map((p) => {
                  const condition = value.get(p.key);
                  const checked = condition !== undefined;
                  const blocked = !checked && !addable(p.key);
                  return (
                    <tr key={p.key} className={checked ? 'matrix-on' : undefined}>
                      <td>
                        <label className="matrix-check" title={blocked ? NOT_HELD : undefined}>
                          <input
                            type="checkbox"
                            checked={checked}
                            disabled={!editable || blocked}
                            onChange={(e) => set(p.key, e.target.checked ? bestCondition(p.key) : null)}
                          />
                          <code>{p.key}</code>
                        </label>
                      </td>
                      <td className="matrix-description">{p.description}</td>
                      <td className="matrix-where">
                        {p.ownable ? (
                          <select
                            className="input access-input-small"
                            aria-label={`Where ${p.key} applies`}
                            value={condition ?? 'all'}
                            disabled={!editable || !checked}
                            onChange={(e) => set(p.key, e.target.value as Condition)}
                          >
                            <option value="all" disabled={!canGrant(p.key, 'all')} title={canGrant(p.key, 'all') ? undefined : NOT_HELD_EVERYWHERE}>
                              All rows
                            </option>
                            <option value="own">Own rows only</option>
                          </select>
                        ) : (
                          <span className="muted">{checked ? 'All rows' : '—'}</span>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            );
          })}
        </table>
        {shown.length === 0 ? <p className="muted matrix-none">No permission matches “{filter}”.</p> : null}
      </div>
    </div>
  );
}

function GroupToggle({
  checked,
  indeterminate,
  disabled,
  label,
  onChange,
}: {
  checked: boolean;
  indeterminate: boolean;
  disabled: boolean;
  label: string;
  onChange: (on: boolean) => void;
}) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = indeterminate;
  }, [indeterminate]);
  return <input ref={ref} type="checkbox" aria-label={label} checked={checked} disabled={disabled} onChange={(e) => onChange(e.target.checked)} />;
}
