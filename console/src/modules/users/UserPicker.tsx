import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import { api, unwrap } from '../../lib/api';
import type { User } from './user-api';

export type PickedUser = Pick<User, 'id' | 'email' | 'name'>;

/**
 * Finds a user by email, username or name (GET /v1/users?q=…, so super admins only): a combobox whose
 * options follow the typing; arrow keys move, Enter picks, Escape closes.
 */
export function UserPicker({
  label,
  value,
  onChange,
  excludeId,
  error,
  hint,
}: {
  label: string;
  value: PickedUser | null;
  onChange: (user: PickedUser | null) => void;
  excludeId?: string;
  error?: string;
  hint?: string;
}) {
  const id = useId();
  const [text, setText] = useState('');
  const [term, setTerm] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  useEffect(() => {
    const timer = setTimeout(() => setTerm(text.trim()), 200);
    return () => clearTimeout(timer);
  }, [text]);
  const results = useQuery({
    queryKey: ['users', 'picker', term],
    enabled: term.length > 0,
    queryFn: () => unwrap(api.GET('/v1/users', { params: { query: { q: term, limit: 8 } } })),
    staleTime: 30_000,
  });
  const options = (results.data?.data ?? []).filter((u) => u.id !== excludeId);
  const pick = (user: PickedUser) => {
    onChange({ id: user.id, email: user.email, name: user.name });
    setText('');
    setTerm('');
    setOpen(false);
  };
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;

  return (
    <div className={`field users-picker${error ? ' field-invalid' : ''}`}>
      <label htmlFor={`${id}-input`}>{label}</label>
      {value ? (
        <div className="users-picked">
          <span>
            <strong>{value.name ?? value.email}</strong>
            {value.name ? <span className="muted"> {value.email}</span> : null}
          </span>
          <button type="button" className="button button-small" onClick={() => onChange(null)} aria-label={`Clear ${label.toLowerCase()}`}>
            Change
          </button>
        </div>
      ) : (
        <>
          <input
            id={`${id}-input`}
            className="input"
            role="combobox"
            aria-expanded={open && options.length > 0}
            aria-controls={`${id}-list`}
            aria-autocomplete="list"
            aria-activedescendant={open && options[active] ? `${id}-option-${active}` : undefined}
            aria-invalid={error ? true : undefined}
            aria-describedby={describedBy}
            autoComplete="off"
            placeholder="Type an email, username or name"
            value={text}
            onChange={(event) => {
              setText(event.target.value);
              setOpen(true);
              setActive(0);
            }}
            onBlur={() => setTimeout(() => setOpen(false), 150)}
            onKeyDown={(event) => {
              if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
                event.preventDefault();
                setOpen(true);
                const step = event.key === 'ArrowDown' ? 1 : -1;
                setActive((index) => (options.length === 0 ? 0 : (index + step + options.length) % options.length));
              } else if (event.key === 'Enter' && open && options[active]) {
                event.preventDefault();
                pick(options[active]);
              } else if (event.key === 'Escape') {
                setOpen(false);
              }
            }}
          />
          {open && term ? (
            <div className="users-options" id={`${id}-list`} role="listbox" aria-label={`${label} suggestions`}>
              {results.isFetching && options.length === 0 ? <div className="users-option muted">Searching…</div> : null}
              {!results.isFetching && options.length === 0 ? <div className="users-option muted">No user matches “{term}”</div> : null}
              {options.map((user, index) => (
                <div
                  key={user.id}
                  id={`${id}-option-${index}`}
                  role="option"
                  tabIndex={-1}
                  aria-selected={index === active}
                  className="users-option"
                  onMouseDown={(event) => event.preventDefault()}
                  onClick={() => pick(user)}
                  onKeyDown={(event) => {
                    if (event.key === 'Enter') pick(user);
                  }}
                >
                  <strong>{user.name ?? user.email}</strong>
                  {user.name ? <span className="muted"> {user.email}</span> : null}
                </div>
              ))}
            </div>
          ) : null}
        </>
      )}
      {hint ? (
        <div className="field-hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
      {error ? (
        <div className="field-error" id={`${id}-error`}>
          {error}
        </div>
      ) : null}
    </div>
  );
}
