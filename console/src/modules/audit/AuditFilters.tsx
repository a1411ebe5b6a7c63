import { type FormEvent, type ReactNode, useEffect, useId, useState } from 'react';
import { useMe } from '../../app/session';
import { type AuditSearch, UUID } from './audit-api';

/** `2024-05-01T10:30` in local time, for <input type="datetime-local">, from an ISO date-time. */
export function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

const fromLocalInput = (value: string): string | undefined => {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
};

type Draft = Record<'actor' | 'action' | 'targetType' | 'targetId' | 'from' | 'to' | 'result', string>;

const draftOf = (search: AuditSearch): Draft => ({
  actor: search.actor ?? '',
  action: search.action ?? '',
  targetType: search.targetType ?? '',
  targetId: search.targetId ?? '',
  from: toLocalInput(search.from),
  to: toLocalInput(search.to),
  result: search.result ?? '',
});

function problemsOf(draft: Draft): Partial<Record<keyof Draft, string>> {
  const problems: Partial<Record<keyof Draft, string>> = {};
  if (draft.actor.trim() && !UUID.test(draft.actor.trim())) problems.actor = 'A user id (UUID): pick “Only me”, or copy it from an entry.';
  if (draft.action.includes('*') && !/^[^*]+\*$/.test(draft.action.trim())) problems.action = 'A * may only end a prefix, as in site.*';
  if (draft.from && draft.to && new Date(draft.from) >= new Date(draft.to)) problems.to = 'Must be after “From”.';
  return problems;
}

const isActive = (search: AuditSearch) => Object.entries(search).some(([key, value]) => key !== 'entry' && value !== undefined);

/**
 * The filter bar: actor, action (exact or `prefix.*`), target, time range, result. Applied together (Enter
 * or "Apply"); the filters live in the URL, so a filtered view can be reloaded, shared and exported.
 */
export function AuditFilters({ search, actions, onApply }: { search: AuditSearch; actions: string[]; onApply: (next: AuditSearch) => void }) {
  const me = useMe();
  const id = useId();
  const [draft, setDraft] = useState<Draft>(() => draftOf(search));
  const [submitted, setSubmitted] = useState(false);
  // A change of the URL (back button, "Clear", a link) shows in the fields.
  const searchKey = JSON.stringify(search);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key stands for `search` (a new object on every render)
  useEffect(() => setDraft(draftOf(search)), [searchKey]);
  const problems = submitted ? problemsOf(draft) : {};
  const set = (key: keyof Draft) => (value: string) => setDraft((d) => ({ ...d, [key]: value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (Object.keys(problemsOf(draft)).length > 0) return;
    setSubmitted(false);
    const trim = (v: string) => v.trim() || undefined;
    onApply({
      actor: trim(draft.actor)?.toLowerCase(),
      action: trim(draft.action),
      targetType: trim(draft.targetType),
      targetId: trim(draft.targetId),
      from: fromLocalInput(draft.from),
      to: fromLocalInput(draft.to),
      result: draft.result === 'succeeded' || draft.result === 'failed' ? draft.result : undefined,
    });
  };

  const field = (key: keyof Draft, label: string, input: ReactNode, extra?: ReactNode) => (
    <div className={`audit-filter${problems[key] ? ' field-invalid' : ''}`} data-filter={key}>
      <label htmlFor={`${id}-${key}`}>{label}</label>
      {input}
      {extra}
      {problems[key] ? (
        <div className="field-error" id={`${id}-${key}-error`}>
          {problems[key]}
        </div>
      ) : null}
    </div>
  );
  const inputProps = (key: keyof Draft) => ({
    id: `${id}-${key}`,
    className: 'input',
    value: draft[key],
    onChange: (e: { target: { value: string } }) => set(key)(e.target.value),
    'aria-invalid': problems[key] ? true : undefined,
    'aria-describedby': problems[key] ? `${id}-${key}-error` : undefined,
  });

  return (
    <form className="audit-filters" aria-label="Filter the audit log" onSubmit={submit} noValidate>
      {field('action', 'Action', <input {...inputProps('action')} list={`${id}-actions`} placeholder="e.g. site.*" autoComplete="off" />)}
      <datalist id={`${id}-actions`}>
        {actions.map((a) => (
          <option key={a} value={a} />
        ))}
      </datalist>
      {field(
        'actor',
        'Actor (user id)',
        <input {...inputProps('actor')} placeholder="any" autoComplete="off" spellCheck={false} />,
        <button type="button" className="button button-link button-small audit-filter-me" onClick={() => set('actor')(me.user.id)}>
          Only me
        </button>,
      )}
      {field('targetType', 'Target type', <input {...inputProps('targetType')} placeholder="site, user, role…" autoComplete="off" />)}
      {field('targetId', 'Target id', <input {...inputProps('targetId')} placeholder="any" autoComplete="off" spellCheck={false} />)}
      {field('from', 'From', <input {...inputProps('from')} type="datetime-local" />)}
      {field('to', 'To (before)', <input {...inputProps('to')} type="datetime-local" />)}
      {field(
        'result',
        'Result',
        <select {...inputProps('result')}>
          <option value="">Any</option>
          <option value="succeeded">Succeeded</option>
          <option value="failed">Failed</option>
        </select>,
      )}
      <div className="audit-filter-actions">
        <button type="submit" className="button button-primary">
          Apply filters
        </button>
        {isActive(search) ? (
          <button type="button" className="button" onClick={() => onApply({})}>
            Clear
          </button>
        ) : null}
      </div>
    </form>
  );
}
