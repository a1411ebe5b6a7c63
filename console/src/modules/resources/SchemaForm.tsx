import { useState } from 'react';
import { CheckboxField, Field, SelectField, TextAreaField, TextField } from '../../components/Form';
import type { FieldErrors } from '../../lib/field-errors';
import type { JsonSchema } from './meta';
import { type EditorValue, type Shape, shapeOf } from './schema-form';

export interface SchemaFieldsProps {
  /** An object schema: one field per property, in order. */
  schema: JsonSchema;
  values: Record<string, EditorValue>;
  onChange: (values: Record<string, EditorValue>) => void;
  errors: FieldErrors;
  /** Label of a top-level field (nested ones use their schema's title or key). */
  labelFor?: (key: string) => string;
  hintFor?: (key: string) => string | undefined;
  /** Pointer of the object these fields are in ('' at the top). */
  base?: string;
}

const humanize = (key: string) => {
  const text = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
  return text.charAt(0).toUpperCase() + text.slice(1);
};

/** A form's fields generated from a JSON Schema: a small recursive renderer over the console's Form fields. */
export function SchemaFields({ schema, values, onChange, errors, labelFor, hintFor, base = '' }: SchemaFieldsProps) {
  const required = new Set(schema.required ?? []);
  return (
    <>
      {Object.entries(schema.properties ?? {}).map(([key, child]) => (
        <SchemaField
          key={key}
          pointer={`${base}/${key}`}
          shape={shapeOf(child)}
          label={base === '' && labelFor ? labelFor(key) : (child.title ?? humanize(key))}
          hint={(base === '' ? hintFor?.(key) : undefined) ?? child.description}
          required={required.has(key)}
          value={values[key] ?? null}
          onChange={(value) => onChange({ ...values, [key]: value })}
          errors={errors}
        />
      ))}
    </>
  );
}

interface SchemaFieldProps {
  pointer: string;
  shape: Shape;
  label: string;
  hint?: string;
  required: boolean;
  value: EditorValue;
  onChange: (value: EditorValue) => void;
  errors: FieldErrors;
}

function limitsHint(schema: JsonSchema): string | undefined {
  const parts: string[] = [];
  if (schema.minimum !== undefined && schema.maximum !== undefined && Math.abs(schema.maximum) < 1e9) parts.push(`${schema.minimum} to ${schema.maximum}`);
  else if (schema.minimum !== undefined && Math.abs(schema.minimum) < 1e9) parts.push(`at least ${schema.minimum}`);
  else if (schema.maximum !== undefined && Math.abs(schema.maximum) < 1e9) parts.push(`at most ${schema.maximum}`);
  return parts.join(', ') || undefined;
}

function SchemaField({ pointer, shape, label, hint, required, value, onChange, errors }: SchemaFieldProps) {
  const { schema } = shape;
  const text = typeof value === 'string' ? value : '';
  const fieldLabel = required ? `${label} *` : label;
  switch (shape.kind) {
    case 'enum': {
      const options = (schema.enum ?? []).map((v) => ({ value: String(v), label: String(v) }));
      const blank =
        !required || shape.nullable
          ? [{ value: '', label: shape.nullable ? '— none —' : '— choose —' }]
          : text === ''
            ? [{ value: '', label: '— choose —' }]
            : [];
      return <SelectField label={fieldLabel} pointer={pointer} errors={errors} hint={hint} value={text} onChange={onChange} options={[...blank, ...options]} />;
    }
    case 'boolean':
      return shape.nullable ? (
        <SelectField
          label={fieldLabel}
          pointer={pointer}
          errors={errors}
          hint={hint}
          value={value === null ? '' : String(value)}
          onChange={(v) => onChange(v === '' ? null : v === 'true')}
          options={[
            { value: '', label: '— not set —' },
            { value: 'true', label: 'Yes' },
            { value: 'false', label: 'No' },
          ]}
        />
      ) : (
        <CheckboxField label={label} pointer={pointer} errors={errors} hint={hint} checked={value === true} onChange={onChange} />
      );
    case 'integer':
    case 'number':
      return (
        <TextField
          label={fieldLabel}
          pointer={pointer}
          errors={errors}
          hint={[hint, limitsHint(schema)].filter(Boolean).join(' · ') || undefined}
          type="number"
          inputMode={shape.kind === 'integer' ? 'numeric' : 'decimal'}
          step={shape.kind === 'integer' ? 1 : 'any'}
          min={schema.minimum}
          max={schema.maximum}
          required={required}
          value={text}
          onChange={onChange}
        />
      );
    case 'datetime':
    case 'date':
      return (
        <TextField
          label={fieldLabel}
          pointer={pointer}
          errors={errors}
          hint={hint}
          type={shape.kind === 'date' ? 'date' : 'datetime-local'}
          required={required}
          value={text}
          onChange={onChange}
        />
      );
    case 'tags':
      return (
        <TagsField
          label={fieldLabel}
          pointer={pointer}
          errors={errors}
          hint={hint}
          value={Array.isArray(value) ? value : []}
          onChange={onChange}
          maxLength={shape.schema.items?.maxLength}
        />
      );
    case 'object':
      return (
        <fieldset data-pointer={pointer}>
          <legend>{fieldLabel}</legend>
          {hint ? <p className="field-hint">{hint}</p> : null}
          <SchemaFields
            schema={schema}
            base={pointer}
            values={(value && typeof value === 'object' && !Array.isArray(value) ? value : {}) as Record<string, EditorValue>}
            onChange={onChange}
            errors={errors}
          />
        </fieldset>
      );
    case 'json':
      return (
        <TextAreaField
          label={fieldLabel}
          pointer={pointer}
          errors={errors}
          hint={[hint, 'JSON'].filter(Boolean).join(' · ')}
          className="input input-code"
          rows={5}
          spellCheck={false}
          value={text}
          onChange={onChange}
        />
      );
    default: {
      const long = (schema.maxLength ?? 0) > 1000;
      const type = schema.format === 'email' ? 'email' : schema.format === 'uri' || schema.format === 'url' ? 'url' : 'text';
      const common = { label: fieldLabel, pointer, errors, hint, required, value: text, onChange, maxLength: schema.maxLength };
      return long ? (
        <TextAreaField {...common} rows={4} />
      ) : (
        <TextField {...common} type={type} autoComplete="off" spellCheck={type === 'text' ? undefined : false} />
      );
    }
  }
}

/** A list of short texts: type and press Enter (or comma) to add, Backspace in the empty box removes the last. */
function TagsField({
  label,
  pointer,
  errors,
  hint,
  value,
  onChange,
  maxLength,
}: {
  label: string;
  pointer: string;
  errors: FieldErrors;
  hint?: string;
  value: string[];
  onChange: (value: string[]) => void;
  maxLength?: number;
}) {
  const [draft, setDraft] = useState('');
  const add = () => {
    const tag = draft.trim();
    if (tag && !value.includes(tag)) onChange([...value, tag]);
    setDraft('');
  };
  return (
    <Field label={label} pointer={pointer} errors={errors} hint={hint ?? 'Press Enter to add'}>
      {(control) => (
        <div className="tags-input">
          {value.map((tag, index) => (
            <span className="tag" key={tag}>
              {tag}
              <button type="button" className="tag-remove" aria-label={`Remove ${tag}`} onClick={() => onChange(value.filter((_, i) => i !== index))}>
                ×
              </button>
            </span>
          ))}
          <input
            {...control}
            className="tags-input-box"
            value={draft}
            maxLength={maxLength}
            onChange={(e) => setDraft(e.target.value)}
            onBlur={add}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ',') {
                e.preventDefault();
                add();
              } else if (e.key === 'Backspace' && draft === '' && value.length > 0) {
                onChange(value.slice(0, -1));
              }
            }}
          />
        </div>
      )}
    </Field>
  );
}
