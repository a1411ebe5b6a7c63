import { describe, expect, it } from 'vitest';
import { diffTexts, fieldDiffs, fieldLabel, linesOf, sideBySide } from './diff-model';

describe('version diffs from the server’s hunks', () => {
  it('numbers old and new lines through a structuredPatch hunk and marks the gap before a hunk that starts later', () => {
    const lines = linesOf({
      hunks: [{ oldStart: 3, oldLines: 3, newStart: 3, newLines: 3, lines: [' keep', '-old line', '+new line', ' tail', '\\ No newline at end of file'] }],
    });
    expect(lines).toEqual([
      { kind: 'gap', text: '', oldNo: null, newNo: null },
      { kind: 'context', text: 'keep', oldNo: 3, newNo: 3 },
      { kind: 'removed', text: 'old line', oldNo: 4, newNo: null },
      { kind: 'added', text: 'new line', oldNo: null, newNo: 4 },
      { kind: 'context', text: 'tail', oldNo: 5, newNo: 5 },
    ]);
  });

  it('reads diffLines change objects too, one row per line, without the trailing newline’s empty line', () => {
    const lines = linesOf([{ value: 'a\nb\n' }, { value: 'c\n', removed: true }, { value: 'C\nD\n', added: true }]);
    expect(lines.map((l) => [l.kind, l.text, l.oldNo, l.newNo])).toEqual([
      ['context', 'a', 1, 1],
      ['context', 'b', 2, 2],
      ['removed', 'c', 3, null],
      ['added', 'C', null, 3],
      ['added', 'D', null, 4],
    ]);
  });

  it('shows a field given only as before/after values as a whole replacement', () => {
    expect(linesOf({ before: 'Old title', after: 'New title' }).map((l) => l.kind)).toEqual(['removed', 'added']);
    expect(linesOf({ before: 'Same', after: 'Same' }).map((l) => l.kind)).toEqual(['context']);
    expect(linesOf({ before: null, after: ['x'] }).map((l) => l.kind)).toEqual(['added', 'added', 'added']);
  });

  it('takes fields as an array or an object, and leaves out fields that did not change', () => {
    const hunk = (lines: string[]) => [{ oldStart: 1, newStart: 1, lines }];
    const asArray = fieldDiffs({
      from: 1,
      to: 2,
      fields: [
        { field: 'title', hunks: hunk(['-A', '+B']) },
        { field: 'body', hunks: [] },
      ],
    });
    expect(asArray).toEqual([{ field: 'title', added: 1, removed: 1, lines: expect.any(Array) }]);
    const asObject = fieldDiffs({ fields: { title: hunk([' A']), body: hunk(['+x', '+y']) } });
    expect(asObject.map((d) => [d.field, d.added, d.removed])).toEqual([['body', 2, 0]]);
    expect(fieldDiffs(null)).toEqual([]);
  });

  it('pairs a run of removals with the additions after it, side by side, the longer side against blanks', () => {
    const rows = sideBySide(linesOf({ hunks: [{ oldStart: 1, newStart: 1, lines: [' a', '-b', '-c', '+B', ' d', '+e'] }] }));
    expect(rows.map((r) => [r.left?.text ?? null, r.left?.kind ?? null, r.right?.text ?? null, r.right?.kind ?? null])).toEqual([
      ['a', 'context', 'a', 'context'],
      ['b', 'removed', 'B', 'added'],
      ['c', 'removed', null, null],
      ['d', 'context', 'd', 'context'],
      [null, null, 'e', 'added'],
    ]);
  });

  it('labels the content fields in words', () => {
    expect(fieldLabel('contentBody')).toBe('Content');
    expect(fieldLabel('metaDescription')).toBe('Meta Description');
  });
});

describe('the local text diff (unsaved text against a newer save)', () => {
  it('keeps common lines and shows removals before additions in a changed run', () => {
    const lines = diffTexts('a\nb\nc', 'a\nB\nc\nd');
    expect(lines.map((l) => [l.kind, l.text, l.oldNo, l.newNo])).toEqual([
      ['context', 'a', 1, 1],
      ['removed', 'b', 2, null],
      ['added', 'B', null, 2],
      ['context', 'c', 3, 3],
      ['added', 'd', null, 4],
    ]);
  });

  it('handles empty sides and falls back to a whole replacement past the size cap', () => {
    expect(diffTexts('', 'x').map((l) => l.kind)).toEqual(['added']);
    expect(diffTexts('x', '').map((l) => l.kind)).toEqual(['removed']);
    expect(diffTexts('a\nb', 'a\nc', 1).map((l) => l.kind)).toEqual(['removed', 'removed', 'added', 'added']);
  });
});
