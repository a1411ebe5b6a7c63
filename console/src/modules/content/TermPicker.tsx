import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { listTerms } from './content-api';

/**
 * Categories or tags of the site: the chosen ones as removable chips, the rest in a select to add from.
 * Ids the list does not know (a term deleted meanwhile) still show, by id, so saving does not drop them silently.
 */
export function TermPicker({
  siteId,
  kind,
  label,
  value,
  onChange,
  disabled,
}: {
  siteId: string;
  kind: 'categories' | 'tags';
  label: string;
  value: string[];
  onChange: (ids: string[]) => void;
  disabled?: boolean;
}) {
  const id = useId();
  const terms = useQuery({ queryKey: [kind, siteId, 'picker'], queryFn: () => listTerms(siteId, kind), staleTime: 60_000 });
  const byId = new Map((terms.data ?? []).map((t) => [t.id, t]));
  const remaining = (terms.data ?? []).filter((t) => !value.includes(t.id));
  return (
    <div className="field cms-terms" data-pointer={`/${kind === 'categories' ? 'categoryIds' : 'tagIds'}`}>
      <label htmlFor={id}>{label}</label>
      <ul className="cms-term-chips" aria-label={`Chosen ${label.toLowerCase()}`}>
        {value.map((termId) => (
          <li key={termId} className="cms-term-chip">
            <span>{byId.get(termId)?.name ?? <code>{termId.slice(0, 8)}…</code>}</span>
            <button
              type="button"
              className="cms-term-remove"
              aria-label={`Remove ${byId.get(termId)?.name ?? termId}`}
              disabled={disabled}
              onClick={() => onChange(value.filter((v) => v !== termId))}
            >
              ×
            </button>
          </li>
        ))}
        {value.length === 0 ? <li className="muted cms-term-none">None</li> : null}
      </ul>
      <select
        id={id}
        className="input"
        value=""
        disabled={disabled || remaining.length === 0}
        onChange={(e) => e.target.value && onChange([...value, e.target.value])}
      >
        <option value="">
          {terms.isLoading
            ? 'Loading…'
            : terms.error
              ? `Could not load ${label.toLowerCase()}`
              : (terms.data ?? []).length === 0
                ? `This site has no ${label.toLowerCase()} yet`
                : remaining.length
                  ? `Add ${kind === 'tags' ? 'a tag' : 'a category'}…`
                  : `All ${label.toLowerCase()} chosen`}
        </option>
        {remaining.map((term) => (
          <option key={term.id} value={term.id}>
            {term.name}
          </option>
        ))}
      </select>
    </div>
  );
}
