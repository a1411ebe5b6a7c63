import { type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes, useId } from 'react';
import { describeError } from '../lib/api';
import { errorFor, type FieldErrors, fieldErrorsOf, hasUnplacedErrors } from '../lib/field-errors';

/**
 * Form building blocks that show the server's validation errors where they belong. Give each field the
 * JSON pointer the API uses for it (`/email`, `/admin/password`); pass the mutation's error to `<Form>`.
 *
 *   <Form error={create.error} pointers={['/name', '/slug']} onSubmit={() => create.mutate(values)}>
 *     <TextField pointer="/name" label="Name" value={name} onChange={setName} errors={errors} required />
 *     <FormActions><SubmitButton pending={create.isPending}>Create</SubmitButton></FormActions>
 *   </Form>
 */
export function Form({
  onSubmit,
  error,
  pointers = [],
  children,
  className,
  'aria-label': ariaLabel,
}: {
  onSubmit: () => void;
  error?: unknown;
  /** The pointers this form has fields for: other errors are shown in the form-level message. */
  pointers?: readonly string[];
  children: ReactNode;
  className?: string;
  'aria-label'?: string;
}) {
  const showGeneral = error !== null && error !== undefined && hasUnplacedErrors(error, pointers);
  return (
    <form
      className={`form ${className ?? ''}`}
      aria-label={ariaLabel}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      {showGeneral ? (
        <div className="form-error" role="alert">
          {describeError(error)}
        </div>
      ) : null}
      {children}
    </form>
  );
}

/** The field errors of a mutation's error, for `errors=` props. */
export const useFieldErrors = (error: unknown): FieldErrors => fieldErrorsOf(error);

interface FieldFrame {
  label: string;
  pointer: string;
  errors?: FieldErrors;
  hint?: ReactNode;
}

/** Label, control, hint and error, wired with ids and aria-invalid/-describedby. */
export function Field({ label, pointer, errors = {}, hint, children }: FieldFrame & { children: (props: FieldControlProps) => ReactNode }) {
  const id = useId();
  const error = errorFor(errors, pointer);
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`} data-pointer={pointer}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy, name: pointer })}
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

export interface FieldControlProps {
  id: string;
  name: string;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
}

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'name' | 'id'>;

export function TextField({
  label,
  pointer,
  errors,
  hint,
  value,
  onChange,
  ...input
}: FieldFrame & InputProps & { value: string; onChange: (value: string) => void }) {
  return (
    <Field label={label} pointer={pointer} errors={errors} hint={hint}>
      {(control) => <input className="input" {...input} {...control} value={value} onChange={(e) => onChange(e.target.value)} />}
    </Field>
  );
}

export function TextAreaField({
  label,
  pointer,
  errors,
  hint,
  value,
  onChange,
  ...textarea
}: FieldFrame &
  Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'onChange' | 'name' | 'id'> & { value: string; onChange: (value: string) => void }) {
  return (
    <Field label={label} pointer={pointer} errors={errors} hint={hint}>
      {(control) => <textarea className="input" {...textarea} {...control} value={value} onChange={(e) => onChange(e.target.value)} />}
    </Field>
  );
}

export function SelectField({
  label,
  pointer,
  errors,
  hint,
  value,
  onChange,
  options,
  ...select
}: FieldFrame &
  Omit<SelectHTMLAttributes<HTMLSelectElement>, 'value' | 'onChange' | 'name' | 'id'> & {
    value: string;
    onChange: (value: string) => void;
    options: ReadonlyArray<{ value: string; label: string }>;
  }) {
  return (
    <Field label={label} pointer={pointer} errors={errors} hint={hint}>
      {(control) => (
        <select className="input" {...select} {...control} value={value} onChange={(e) => onChange(e.target.value)}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function CheckboxField({
  label,
  pointer,
  errors,
  hint,
  checked,
  onChange,
  disabled,
}: FieldFrame & { checked: boolean; onChange: (checked: boolean) => void; disabled?: boolean }) {
  const id = useId();
  const error = errorFor(errors ?? {}, pointer);
  return (
    <div className={`field field-checkbox${error ? ' field-invalid' : ''}`} data-pointer={pointer}>
      <input
        id={id}
        type="checkbox"
        checked={checked}
        disabled={disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => onChange(e.target.checked)}
      />
      <label htmlFor={id}>{label}</label>
      {hint ? <div className="field-hint">{hint}</div> : null}
      {error ? (
        <div className="field-error" id={`${id}-error`}>
          {error}
        </div>
      ) : null}
    </div>
  );
}

export function FormActions({ children }: { children: ReactNode }) {
  return <div className="form-actions">{children}</div>;
}

export function SubmitButton({ pending, children, disabled }: { pending?: boolean; children: ReactNode; disabled?: boolean }) {
  return (
    <button type="submit" className="button button-primary" disabled={pending || disabled} aria-busy={pending || undefined}>
      {pending ? 'Working…' : children}
    </button>
  );
}
