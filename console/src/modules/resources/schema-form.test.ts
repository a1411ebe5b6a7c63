import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import type { JsonSchema } from './meta';
import { bodyOf, type EditorValue, editorValueOf, isoToLocal, placeErrors, pointersOf, shapeOf } from './schema-form';

/** The generated forms' model, on schemas as TypeBox (and so defineResource) writes them. */

const nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const schema = Type.Object(
  {
    title: Type.String({ maxLength: 80 }),
    summary: Type.Optional(nullable(Type.String({ maxLength: 500 }))),
    status: Type.Optional(Type.Unsafe<string>({ type: 'string', enum: ['draft', 'live'] })),
    rank: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
    price: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
    featured: Type.Optional(Type.Boolean()),
    publishAt: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
    tags: Type.Optional(Type.Array(Type.String({ maxLength: 30 }))),
    seo: Type.Optional(Type.Object({ slug: Type.String(), noIndex: Type.Optional(Type.Boolean()) })),
    extra: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { required: ['title'] },
) as unknown as JsonSchema;
const props = schema.properties as Record<string, JsonSchema>;
const prop = (key: string) => props[key] as JsonSchema;

const editorFor = (row: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(props).map(([key, child]) => [key, editorValueOf(shapeOf(child), row[key])])) as Record<string, EditorValue>;

describe('shapeOf', () => {
  it('picks an editor per schema, seeing through the null alternative', () => {
    const kinds = Object.fromEntries(Object.keys(props).map((key) => [key, [shapeOf(prop(key)).kind, shapeOf(prop(key)).nullable]]));
    expect(kinds).toEqual({
      title: ['text', false],
      summary: ['text', true],
      status: ['enum', false],
      rank: ['integer', false],
      price: ['number', true],
      featured: ['boolean', false],
      publishAt: ['datetime', true],
      tags: ['tags', false],
      seo: ['object', false],
      extra: ['json', false],
    });
    expect(shapeOf(prop('summary')).schema.maxLength).toBe(500);
    expect(shapeOf(Type.Union([Type.String(), Type.Integer()]) as unknown as JsonSchema).kind).toBe('json');
  });
});

describe('bodyOf', () => {
  it('create: sends what was filled in, typed as the schema says, and leaves empty fields to the server', () => {
    const values = editorFor({});
    Object.assign(values, {
      title: 'Harbour',
      rank: ' 3 ',
      price: '',
      featured: true,
      publishAt: '2026-03-01T09:30',
      tags: ['sea', 'boats'],
      seo: { slug: 'harbour', noIndex: false },
      extra: '{"colour": "blue"}',
    });
    const { body, clientErrors } = bodyOf(schema, values, 'create');
    expect(clientErrors).toEqual({});
    expect(body).toEqual({
      title: 'Harbour',
      rank: 3,
      featured: true,
      publishAt: new Date('2026-03-01T09:30').toISOString(),
      tags: ['sea', 'boats'],
      seo: { slug: 'harbour', noIndex: false },
      extra: { colour: 'blue' },
    });
  });

  it('create: text that is not a number goes as typed (the server names the problem); malformed JSON stops at the client', () => {
    const values = { ...editorFor({}), title: 'x', rank: 'three', extra: '{oops' };
    const { body, clientErrors } = bodyOf(schema, values, 'create');
    expect(body.rank).toBe('three');
    expect(body).not.toHaveProperty('extra');
    expect(clientErrors).toEqual({ '/extra': 'is not valid JSON' });
  });

  it('update: only changed fields; a cleared nullable field becomes null, a cleared required text stays empty', () => {
    const row = {
      title: 'Harbour',
      summary: 'Boats',
      status: 'live',
      rank: 2,
      price: 9.5,
      featured: false,
      publishAt: '2026-03-01T08:00:00.000Z',
      tags: ['a'],
    };
    const original = editorFor(row);
    expect(original.publishAt).toBe(isoToLocal('2026-03-01T08:00:00.000Z'));
    expect(bodyOf(schema, original, 'update', original).body).toEqual({});
    const edited = { ...original, summary: '', price: '', title: '', featured: true, tags: ['a', 'b'] };
    expect(bodyOf(schema, edited, 'update', original).body).toEqual({ summary: null, price: null, title: '', featured: true, tags: ['a', 'b'] });
  });
});

describe('pointers and errors', () => {
  it('lists every field pointer, nested ones too', () => {
    expect(pointersOf(schema)).toEqual([
      '/title',
      '/summary',
      '/status',
      '/rank',
      '/price',
      '/featured',
      '/publishAt',
      '/tags',
      '/seo',
      '/seo/slug',
      '/seo/noIndex',
      '/extra',
    ]);
  });

  it('puts an error inside a value on the field that edits it', () => {
    const placed = placeErrors(
      { '/title': 'is required', '/tags/1': 'must NOT have more than 30 characters', '/extra/colour': 'is not allowed', '/seo/slug': 'is required', '/': 'x' },
      pointersOf(schema),
    );
    expect(placed).toEqual({
      '/title': 'is required',
      '/tags': 'item 2: must NOT have more than 30 characters',
      '/extra': 'colour: is not allowed',
      '/seo/slug': 'is required',
      '/': 'x',
    });
  });
});
