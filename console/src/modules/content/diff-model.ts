/**
 * The server's version diff (`GET …/diff?from=&to=`: per field, line hunks from the `diff` package) turned
 * into rows to draw: a unified list of lines with old/new line numbers, or side-by-side pairs. Accepts the
 * hunk form (`structuredPatch`: `{ oldStart, newStart, lines: ['+a', '-b', ' c'] }`) and the change form
 * (`diffLines`: `{ value, added, removed }`), so the view does not break on either.
 */

export type LineKind = 'context' | 'added' | 'removed' | 'gap';

export interface DiffLine {
  kind: LineKind;
  text: string;
  oldNo: number | null;
  newNo: number | null;
}

export interface FieldDiff {
  field: string;
  lines: DiffLine[];
  added: number;
  removed: number;
}

export interface SideCell {
  no: number | null;
  text: string;
  kind: LineKind;
}

export interface SideBySideRow {
  left: SideCell | null;
  right: SideCell | null;
  gap?: boolean;
}

interface Hunk {
  oldStart: number;
  newStart: number;
  lines: string[];
}

interface Change {
  value: string;
  added?: boolean;
  removed?: boolean;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const isHunk = (value: unknown): value is Hunk =>
  isRecord(value) && typeof value.oldStart === 'number' && typeof value.newStart === 'number' && Array.isArray(value.lines);

const isChange = (value: unknown): value is Change => isRecord(value) && typeof value.value === 'string';

function linesOfHunks(hunks: Hunk[]): DiffLine[] {
  const out: DiffLine[] = [];
  hunks.forEach((hunk, index) => {
    if (index > 0 || hunk.oldStart > 1 || hunk.newStart > 1) out.push({ kind: 'gap', text: '', oldNo: null, newNo: null });
    let oldNo = hunk.oldStart;
    let newNo = hunk.newStart;
    for (const raw of hunk.lines) {
      const sign = raw.charAt(0);
      const text = raw.slice(1);
      if (sign === '\\') continue; // "\ No newline at end of file"
      if (sign === '+') out.push({ kind: 'added', text, oldNo: null, newNo: newNo++ });
      else if (sign === '-') out.push({ kind: 'removed', text, oldNo: oldNo++, newNo: null });
      else out.push({ kind: 'context', text, oldNo: oldNo++, newNo: newNo++ });
    }
  });
  return out;
}

/** A change's value split into lines (the `diff` package keeps the trailing newline on each). */
const splitValue = (value: string): string[] => {
  const parts = value.split('\n');
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  return parts;
};

function linesOfChanges(changes: Change[]): DiffLine[] {
  const out: DiffLine[] = [];
  let oldNo = 1;
  let newNo = 1;
  for (const change of changes) {
    for (const text of splitValue(change.value)) {
      if (change.added) out.push({ kind: 'added', text, oldNo: null, newNo: newNo++ });
      else if (change.removed) out.push({ kind: 'removed', text, oldNo: oldNo++, newNo: null });
      else out.push({ kind: 'context', text, oldNo: oldNo++, newNo: newNo++ });
    }
  }
  return out;
}

/** Lines of one field's diff, from hunks, changes, or plain before/after values (shown as a whole replacement). */
export function linesOf(raw: unknown): DiffLine[] {
  if (Array.isArray(raw)) {
    if (raw.every(isHunk)) return linesOfHunks(raw);
    if (raw.every(isChange)) return linesOfChanges(raw);
    return [];
  }
  if (!isRecord(raw)) return [];
  if (Array.isArray(raw.hunks)) return linesOf(raw.hunks);
  if (Array.isArray(raw.changes)) return linesOf(raw.changes);
  if ('from' in raw || 'to' in raw || 'before' in raw || 'after' in raw) {
    const before = valueText(raw.before ?? raw.from);
    const after = valueText(raw.after ?? raw.to);
    if (before === after) return before === '' ? [] : splitValue(before).map((text, i) => ({ kind: 'context' as const, text, oldNo: i + 1, newNo: i + 1 }));
    return [
      ...(before === '' ? [] : splitValue(before).map((text, i) => ({ kind: 'removed' as const, text, oldNo: i + 1, newNo: null }))),
      ...(after === '' ? [] : splitValue(after).map((text, i) => ({ kind: 'added' as const, text, oldNo: null, newNo: i + 1 }))),
    ];
  }
  return [];
}

function valueText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value, null, 2);
}

function fieldDiff(field: string, raw: unknown): FieldDiff {
  const lines = linesOf(raw);
  return { field, lines, added: lines.filter((l) => l.kind === 'added').length, removed: lines.filter((l) => l.kind === 'removed').length };
}

/**
 * Every field of a diff response. Takes `{ fields: [{ field, hunks }] }`, `{ fields: { title: hunks } }`,
 * `{ changes: … }` or a bare `{ title: hunks, body: hunks }`. Fields without a change are left out.
 */
export function fieldDiffs(response: unknown): FieldDiff[] {
  if (!isRecord(response)) return [];
  const container = response.fields ?? response.changes ?? response.diff ?? response.data ?? response;
  const entries: Array<[string, unknown]> = Array.isArray(container)
    ? container.filter(isRecord).map((entry) => [String(entry.field ?? entry.name ?? entry.key ?? '?'), entry])
    : isRecord(container)
      ? Object.entries(container).filter(([key]) => !['from', 'to', 'fromVersion', 'toVersion'].includes(key))
      : [];
  return entries.map(([field, raw]) => fieldDiff(field, raw)).filter((d) => d.added > 0 || d.removed > 0);
}

/**
 * Side-by-side rows: context lines on both sides; a run of removals followed by additions paired line by
 * line (a changed line reads across), the longer side's rest against empty cells.
 */
export function sideBySide(lines: DiffLine[]): SideBySideRow[] {
  const rows: SideBySideRow[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as DiffLine;
    if (line.kind === 'gap') {
      rows.push({ left: null, right: null, gap: true });
      i++;
      continue;
    }
    if (line.kind === 'context') {
      rows.push({ left: { no: line.oldNo, text: line.text, kind: 'context' }, right: { no: line.newNo, text: line.text, kind: 'context' } });
      i++;
      continue;
    }
    const removed: DiffLine[] = [];
    const added: DiffLine[] = [];
    while (i < lines.length && (lines[i] as DiffLine).kind === 'removed') removed.push(lines[i++] as DiffLine);
    while (i < lines.length && (lines[i] as DiffLine).kind === 'added') added.push(lines[i++] as DiffLine);
    for (let k = 0; k < Math.max(removed.length, added.length); k++) {
      const left = removed[k];
      const right = added[k];
      rows.push({
        left: left ? { no: left.oldNo, text: left.text, kind: 'removed' } : null,
        right: right ? { no: right.newNo, text: right.text, kind: 'added' } : null,
      });
    }
  }
  return rows;
}

const FIELD_LABELS: Record<string, string> = {
  title: 'Title',
  slug: 'Slug',
  summary: 'Summary',
  body: 'Body',
  contentBody: 'Content',
  featuredMediaId: 'Featured image',
  categoryIds: 'Categories',
  tagIds: 'Tags',
  seo: 'SEO',
};

export const fieldLabel = (field: string): string => FIELD_LABELS[field] ?? field.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());

/**
 * A line diff of two texts computed here (longest common subsequence), for comparing the editor's unsaved
 * text with someone else's newer save, which the server has no version of. Quadratic: fine for a document,
 * capped for safety (past the cap, the whole text is shown replaced).
 */
export function diffTexts(before: string, after: string, cap = 4_000_000): DiffLine[] {
  const a = before === '' ? [] : before.split('\n');
  const b = after === '' ? [] : after.split('\n');
  if (a.length * b.length > cap) return linesOf({ before, after });
  const table: Uint32Array[] = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    const row = table[i] as Uint32Array;
    const below = table[i + 1] as Uint32Array;
    for (let j = b.length - 1; j >= 0; j--) row[j] = a[i] === b[j] ? (below[j + 1] as number) + 1 : Math.max(below[j] as number, row[j + 1] as number);
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push({ kind: 'context', text: a[i] as string, oldNo: i + 1, newNo: j + 1 });
      i++;
      j++;
    } else if (j < b.length && (i >= a.length || (table[i]?.[j + 1] ?? 0) >= (table[i + 1]?.[j] ?? 0))) {
      out.push({ kind: 'added', text: b[j] as string, oldNo: null, newNo: j + 1 });
      j++;
    } else {
      out.push({ kind: 'removed', text: a[i] as string, oldNo: i + 1, newNo: null });
      i++;
    }
  }
  // Removals first within a changed run, as the server's hunks have them (pairs read across side by side).
  return reorderRuns(out);
}

function reorderRuns(lines: DiffLine[]): DiffLine[] {
  const out: DiffLine[] = [];
  let run: DiffLine[] = [];
  const flush = () => {
    out.push(...run.filter((l) => l.kind === 'removed'), ...run.filter((l) => l.kind === 'added'));
    run = [];
  };
  for (const line of lines) {
    if (line.kind === 'context') {
      flush();
      out.push(line);
    } else run.push(line);
  }
  flush();
  return out;
}
