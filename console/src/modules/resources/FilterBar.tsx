import * as DropdownMenu from '@radix-ui/react-dropdown-menu';
import { useEffect, useRef, useState } from 'react';
import type { FilterMeta, ResourceMeta } from './meta';

/**
 * The filter builder: "Add filter" offers the resource's declared filter fields; each active filter is a
 * chip with its value (select for enums and yes/no, text otherwise) and a remove button.
 */
export function FilterBar({
  resource,
  filters,
  onChange,
}: {
  resource: ResourceMeta;
  filters: Record<string, string>;
  onChange: (filters: Record<string, string>) => void;
}) {
  // Filters added but without a value yet (text ones): shown, not sent.
  const [pending, setPending] = useState<string[]>([]);
  const active = [...Object.keys(filters), ...pending.filter((name) => !(name in filters))];
  const available = resource.filters.filter((f) => !active.includes(f.name));
  const set = (name: string, value: string | null) => {
    setPending((p) => p.filter((n) => n !== name));
    const next = { ...filters };
    if (value === null || value === '') delete next[name];
    else next[name] = value;
    onChange(next);
  };
  const add = (filter: FilterMeta) => {
    if (filter.kind === 'boolean') set(filter.name, 'true');
    else if (filter.enum?.length) set(filter.name, String(filter.enum[0]));
    else setPending((p) => [...p, filter.name]);
  };
  if (resource.filters.length === 0) return null;
  return (
    <fieldset className="filter-bar" aria-label="Filters">
      {active.map((name) => {
        const filter = resource.filters.find((f) => f.name === name);
        if (!filter) return null;
        return <FilterChip key={name} filter={filter} value={filters[name] ?? ''} onValue={(value) => set(name, value)} onRemove={() => set(name, null)} />;
      })}
      {available.length > 0 ? (
        <DropdownMenu.Root>
          <DropdownMenu.Trigger className="button button-small">+ Add filter</DropdownMenu.Trigger>
          <DropdownMenu.Portal>
            <DropdownMenu.Content className="menu" align="start" sideOffset={4}>
              <DropdownMenu.Label className="menu-label">Filter by</DropdownMenu.Label>
              {available.map((filter) => (
                <DropdownMenu.Item key={filter.name} className="menu-item" onSelect={() => add(filter)}>
                  {filter.label ?? filter.name}
                </DropdownMenu.Item>
              ))}
            </DropdownMenu.Content>
          </DropdownMenu.Portal>
        </DropdownMenu.Root>
      ) : null}
      {Object.keys(filters).length > 1 ? (
        <button type="button" className="button button-small button-link" onClick={() => onChange({})}>
          Clear filters
        </button>
      ) : null}
    </fieldset>
  );
}

function FilterChip({ filter, value, onValue, onRemove }: { filter: FilterMeta; value: string; onValue: (value: string) => void; onRemove: () => void }) {
  const label = filter.label ?? filter.name;
  const options = filter.kind === 'boolean' ? ['true', 'false'] : filter.enum ? filter.enum.map(String) : null;
  return (
    <span className="filter-chip" data-filter={filter.name}>
      <span className="filter-chip-label">{label} is</span>
      {options ? (
        <select className="filter-chip-input" aria-label={`${label} filter`} value={value} onChange={(e) => onValue(e.target.value)}>
          {options.map((option) => (
            <option key={option} value={option}>
              {filter.kind === 'boolean' ? (option === 'true' ? 'Yes' : 'No') : option}
            </option>
          ))}
        </select>
      ) : (
        <TextFilter label={label} value={value} onValue={onValue} />
      )}
      <button type="button" className="filter-chip-remove" aria-label={`Remove ${label} filter`} onClick={onRemove}>
        ×
      </button>
    </span>
  );
}

/** Applies on Enter or when leaving the box, not on every key (each value is a request). */
function TextFilter({ label, value, onValue }: { label: string; value: string; onValue: (value: string) => void }) {
  const [draft, setDraft] = useState(value);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => setDraft(value), [value]);
  useEffect(() => {
    if (value === '') input.current?.focus();
  }, [value]);
  return (
    <input
      ref={input}
      className="filter-chip-input"
      aria-label={`${label} filter`}
      value={draft}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={() => draft.trim() !== value && onValue(draft.trim())}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          onValue(draft.trim());
        }
      }}
    />
  );
}
