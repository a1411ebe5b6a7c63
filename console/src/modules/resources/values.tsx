import { formatDateTime, formatRelative } from '../../lib/format';
import type { FieldMeta } from './meta';

/** A field's value for reading: yes/no, local times, short ids, pretty JSON; '—' for nothing. */
export function FieldValue({ field, value, full = false }: { field?: FieldMeta; value: unknown; full?: boolean }) {
  if (value === null || value === undefined || value === '') return <span className="muted">—</span>;
  switch (field?.kind) {
    case 'boolean':
      return value ? <span className="pill pill-success value-yes">Yes</span> : <span className="pill value-no">No</span>;
    case 'datetime':
      return (
        <time dateTime={String(value)} title={String(value)}>
          {full ? `${formatDateTime(String(value))} (${formatRelative(String(value))})` : formatDateTime(String(value))}
        </time>
      );
    case 'enum':
      return <span className="pill value-enum">{String(value)}</span>;
    case 'uuid':
      return (
        <code className="value-id" title={String(value)}>
          {full ? String(value) : `${String(value).slice(0, 8)}…`}
        </code>
      );
    case 'json':
      return full ? <pre className="value-json">{JSON.stringify(value, null, 2)}</pre> : <code>{truncate(JSON.stringify(value), 60)}</code>;
    default:
      if (Array.isArray(value)) return <>{value.map(String).join(', ')}</>;
      if (typeof value === 'object') return <code>{truncate(JSON.stringify(value), full ? 10_000 : 60)}</code>;
      return <>{full ? String(value) : truncate(String(value), 80)}</>;
  }
}

const truncate = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
