import { describe, expect, it } from 'vitest';
import { canonicalJson, countChanges, diffJson } from './json-diff';

describe('the before/after diff of an audit entry', () => {
  it('lists changed, added, removed and unchanged keys, nested objects by dotted path, in before’s key order', () => {
    const before = { name: 'Harbour News', status: 'active', settings: { signUp: { enabled: false, defaultRole: 'guest' }, theme: 'teal' }, logo: 'a.png' };
    const after = { name: 'Harbour Daily', status: 'active', settings: { signUp: { enabled: true, defaultRole: 'guest' } }, countryCode: 'NL' };
    expect(diffJson(before, after)).toEqual([
      { path: 'name', kind: 'changed', before: 'Harbour News', after: 'Harbour Daily' },
      { path: 'status', kind: 'unchanged', before: 'active', after: 'active' },
      { path: 'settings.signUp.enabled', kind: 'changed', before: false, after: true },
      { path: 'settings.signUp.defaultRole', kind: 'unchanged', before: 'guest', after: 'guest' },
      { path: 'settings.theme', kind: 'removed', before: 'teal' },
      { path: 'logo', kind: 'removed', before: 'a.png' },
      { path: 'countryCode', kind: 'added', after: 'NL' },
    ]);
    expect(countChanges(diffJson(before, after))).toBe(5);
  });

  it('reads a null side as nothing: a creation is all additions, a deletion all removals, two nulls no rows', () => {
    expect(diffJson(null, { id: 'r1', tags: ['a'] })).toEqual([
      { path: 'id', kind: 'added', after: 'r1' },
      { path: 'tags', kind: 'added', after: ['a'] },
    ]);
    expect(diffJson({ id: 'r1', owner: { id: 'u1' } }, null)).toEqual([
      { path: 'id', kind: 'removed', before: 'r1' },
      { path: 'owner.id', kind: 'removed', before: 'u1' },
    ]);
    expect(diffJson(null, null)).toEqual([]);
    expect(diffJson(undefined, {})).toEqual([{ path: '', kind: 'added', after: {} }]);
  });

  it('keeps a null value inside an object apart from a missing key', () => {
    expect(diffJson({ description: null }, { description: 'text' })).toEqual([{ path: 'description', kind: 'changed', before: null, after: 'text' }]);
    expect(diffJson({ description: 'text' }, { description: null })).toEqual([{ path: 'description', kind: 'changed', before: 'text', after: null }]);
    expect(diffJson({}, { description: null })).toEqual([{ path: 'description', kind: 'added', after: null }]);
  });

  it('treats arrays as values (order matters) and compares objects inside them whatever their key order', () => {
    expect(diffJson({ scopes: ['openid', 'email'] }, { scopes: ['email', 'openid'] })[0]?.kind).toBe('changed');
    expect(diffJson({ grants: [{ key: 'a', condition: null }] }, { grants: [{ condition: null, key: 'a' }] })[0]?.kind).toBe('unchanged');
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
  });

  it('diffs values that are not objects as a whole, and a type change as a change', () => {
    expect(diffJson(-5, 7)).toEqual([{ path: '', kind: 'changed', before: -5, after: 7 }]);
    expect(diffJson('x', 'x')).toEqual([{ path: '', kind: 'unchanged', before: 'x', after: 'x' }]);
    expect(diffJson({ limit: { max: 1 } }, { limit: 5 })).toEqual([{ path: 'limit', kind: 'changed', before: { max: 1 }, after: 5 }]);
  });
});
