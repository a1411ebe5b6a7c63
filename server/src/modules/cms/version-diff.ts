import { type Change, diffLines, type StructuredPatch, structuredPatch } from 'diff';

export interface DiffPart {
  value: string;
  added: boolean;
  removed: boolean;
  count: number;
}

export interface DiffHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: string[];
}

export interface FieldDiff {
  field: string;
  changed: boolean;
  parts: DiffPart[];
  hunks: DiffHunk[];
}

/** A field's value as diffable text: lists one item per line (sorted), null as the empty text. */
export type Diffable = string | null | readonly string[];

/** Diffing is O(N·D): a very different pair of large texts gives up after this long (each of the two passes) and is shown as replaced. */
const DIFF_TIMEOUT_MS = 1000;
const CONTEXT_LINES = 3;

function asText(value: Diffable): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  return [...value].sort().join('\n');
}

/** Lines of a text as the diff package counts them (a trailing newline ends the last line, it does not start one). */
function linesOf(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** When the diff gives up: everything old removed, everything new added. */
function replaced(oldText: string, newText: string): { parts: DiffPart[]; hunks: DiffHunk[] } {
  const oldLines = linesOf(oldText);
  const newLines = linesOf(newText);
  const parts: DiffPart[] = [];
  if (oldText !== '') parts.push({ value: oldText, added: false, removed: true, count: oldLines.length });
  if (newText !== '') parts.push({ value: newText, added: true, removed: false, count: newLines.length });
  const hunk: DiffHunk = {
    oldStart: oldLines.length === 0 ? 0 : 1,
    oldLines: oldLines.length,
    newStart: newLines.length === 0 ? 0 : 1,
    newLines: newLines.length,
    lines: [...oldLines.map((l) => `-${l}`), ...newLines.map((l) => `+${l}`)],
  };
  return { parts, hunks: [hunk] };
}

/** The diff package's async mode works in slices between timers, so a large diff never blocks other requests. */
function lineChanges(oldText: string, newText: string): Promise<Change[] | undefined> {
  return new Promise((resolve) => {
    diffLines(oldText, newText, { timeout: DIFF_TIMEOUT_MS, callback: resolve });
  });
}

function unifiedPatch(oldText: string, newText: string): Promise<StructuredPatch | undefined> {
  return new Promise((resolve) => {
    structuredPatch('', '', oldText, newText, undefined, undefined, { context: CONTEXT_LINES, timeout: DIFF_TIMEOUT_MS, callback: resolve });
  });
}

/** One field compared between two versions: line parts of the whole text and unified hunks with context. */
export async function diffField(field: string, from: Diffable, to: Diffable): Promise<FieldDiff> {
  const oldText = asText(from);
  const newText = asText(to);
  if (oldText === newText) return { field, changed: false, parts: [], hunks: [] };
  const changes = await lineChanges(oldText, newText);
  const patch = changes ? await unifiedPatch(oldText, newText) : undefined;
  if (!changes || !patch) return { field, changed: true, ...replaced(oldText, newText) };
  return {
    field,
    changed: true,
    parts: changes.map((c) => ({ value: c.value, added: c.added, removed: c.removed, count: c.count })),
    // "\ No newline at end of file" markers say nothing about content here: fields are not files.
    hunks: patch.hunks.map((h) => ({
      oldStart: h.oldStart,
      oldLines: h.oldLines,
      newStart: h.newStart,
      newLines: h.newLines,
      lines: h.lines.filter((line) => !line.startsWith('\\')),
    })),
  };
}

/** Every listed field of two versions, in the given order. */
export async function diffVersions<T extends Record<string, Diffable>>(from: T, to: T, fields: ReadonlyArray<keyof T & string>): Promise<FieldDiff[]> {
  const diffs: FieldDiff[] = [];
  for (const field of fields) diffs.push(await diffField(field, from[field] as Diffable, to[field] as Diffable));
  return diffs;
}
