import { Link } from '@tanstack/react-router';
import { type ReactNode, useMemo, useState } from 'react';
import { Form, FormActions, SubmitButton, useFieldErrors } from '../../components/Form';
import type { FieldErrors } from '../../lib/field-errors';
import { fieldOf, type JsonSchema, labelOf, type ResourceMeta } from './meta';
import { SchemaFields } from './SchemaForm';
import { bodyOf, type EditorValue, type Mode, placeErrors, pointersOf } from './schema-form';

export interface ResourceFormProps {
  resource: ResourceMeta;
  schema: JsonSchema;
  mode: Mode;
  values: Record<string, EditorValue>;
  onValuesChange: (values: Record<string, EditorValue>) => void;
  /** The values the record had when read (update: only changed fields are sent). */
  original?: Record<string, EditorValue>;
  onSubmit: (body: Record<string, unknown>) => void;
  /** The last submission's error (its `errors[]` go on the fields). */
  error: unknown;
  pending: boolean;
  submitLabel: string;
  cancelTo: string;
  /** Shown above the fields (e.g. a conflict notice). */
  notice?: ReactNode;
  /** Called instead of submitting when nothing changed (update). */
  onNothingChanged?: () => void;
}

/** A create or edit form generated from the resource's JSON Schema; the server's field errors show on the fields. */
export function ResourceForm(props: ResourceFormProps) {
  const { resource, schema, mode } = props;
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const serverErrors = useFieldErrors(props.error);
  const pointers = useMemo(() => pointersOf(schema), [schema]);
  const errors = useMemo(() => placeErrors({ ...serverErrors, ...clientErrors }, pointers), [serverErrors, clientErrors, pointers]);
  const submit = () => {
    const { body, clientErrors: invalid } = bodyOf(schema, props.values, mode, props.original);
    setClientErrors(invalid);
    if (Object.keys(invalid).length > 0) return;
    if (mode === 'update' && Object.keys(body).length === 0) {
      props.onNothingChanged?.();
      return;
    }
    props.onSubmit(body);
  };
  return (
    <Form
      onSubmit={submit}
      error={props.error}
      pointers={[...pointers, ...Object.keys(serverErrors).filter((key) => pointers.some((p) => key.startsWith(`${p}/`)))]}
      aria-label={`${mode === 'create' ? 'New' : 'Edit'} ${resource.label.toLowerCase()}`}
      className="resource-form"
    >
      {props.notice}
      <SchemaFields
        schema={schema}
        values={props.values}
        onChange={(values) => {
          setClientErrors({});
          props.onValuesChange(values);
        }}
        errors={errors}
        labelFor={(key) => labelOf(resource, key)}
        hintFor={(key) => fieldOf(resource, key)?.description}
      />
      {mode === 'create' && schema.required?.length ? <p className="field-hint">* required</p> : null}
      <FormActions>
        <SubmitButton pending={props.pending}>{props.submitLabel}</SubmitButton>
        <Link to={props.cancelTo} className="button button-link">
          Cancel
        </Link>
      </FormActions>
    </Form>
  );
}
