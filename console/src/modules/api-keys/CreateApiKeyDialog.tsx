import { useMutation, useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { usePermissions } from '../../app/session';
import { Dialog } from '../../components/Dialog';
import { Form, FormActions, SelectField, SubmitButton, TextField, useFieldErrors } from '../../components/Form';
import { ErrorState, Loading } from '../../components/States';
import { api, type Schema, unwrap } from '../../lib/api';
import { errorFor } from '../../lib/field-errors';
import { catalogQuery, grantability, type ModuleGroup, siteGroups } from '../roles/permission-catalog';
import { DAY, expiryOf, isoDate } from './expiry';

const EXPIRY_PRESETS = [
  { value: '7', label: '7 days' },
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: '365', label: '1 year' },
  { value: 'custom', label: 'On a date…' },
  { value: 'never', label: 'Never' },
];

/** Name, the permissions the key grants (only what the caller holds everywhere on the site), and expiry. */
export function CreateApiKeyDialog({
  siteId,
  open,
  onOpenChange,
  onCreated,
}: {
  siteId: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onCreated: (created: Schema<'ApiKeyWithSecret'>) => void;
}) {
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      wide
      title="New API key"
      description="A key lets a program act on this site with the permissions you choose. You will see the key once, right after creating it."
    >
      {open ? <CreateApiKeyForm siteId={siteId} onCancel={() => onOpenChange(false)} onCreated={onCreated} /> : null}
    </Dialog>
  );
}

function CreateApiKeyForm({ siteId, onCancel, onCreated }: { siteId: string; onCancel: () => void; onCreated: (created: Schema<'ApiKeyWithSecret'>) => void }) {
  const permissions = usePermissions(siteId);
  const { canGrant } = grantability(permissions);
  const catalog = useQuery(catalogQuery);
  // API keys grant permissions everywhere on the site (no 'own'): only what the caller holds everywhere.
  const groups = siteGroups(catalog.data ?? [], (p) => canGrant(p.key, 'all'));
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ReadonlySet<string>>(new Set());
  const [preset, setPreset] = useState('90');
  const [date, setDate] = useState(() => isoDate(new Date(Date.now() + 30 * DAY)));

  const create = useMutation({
    mutationFn: () => {
      const expiresAt = expiryOf(preset, date);
      return unwrap(
        api.POST('/v1/sites/{siteId}/api-keys', {
          params: { path: { siteId } },
          body: { name: name.trim(), permissions: [...scopes].sort(), ...(expiresAt === undefined ? {} : { expiresAt }) },
        }),
      );
    },
    onSuccess: onCreated,
  });
  const errors = useFieldErrors(create.error);

  if (catalog.isLoading) return <Loading />;
  if (catalog.error) return <ErrorState error={catalog.error} onRetry={() => void catalog.refetch()} />;

  return (
    <Form
      onSubmit={() => create.mutate()}
      error={create.error}
      pointers={['/name', '/permissions', '/expiresAt']}
      aria-label="New API key"
      className="access-wide-form"
    >
      <TextField
        label="Name"
        pointer="/name"
        errors={errors}
        value={name}
        onChange={setName}
        required
        maxLength={200}
        hint="Say what uses it: “Newsletter sync”, “CI deploys”."
        autoFocus
      />
      <ScopePicker groups={groups} value={scopes} onChange={setScopes} error={errorFor(errors, '/permissions')} />
      <div className="expiry-row">
        <SelectField label="Expires" pointer="/expiresAt" errors={errors} value={preset} onChange={setPreset} options={EXPIRY_PRESETS} />
        {preset === 'custom' ? (
          <TextField label="Expiry date" pointer="/expiresAt" type="date" value={date} onChange={setDate} min={isoDate(new Date(Date.now() + DAY))} required />
        ) : null}
      </div>
      {preset === 'never' ? <p className="notice">A key that never expires stays valid until someone revokes it. Prefer an expiry and rotate.</p> : null}
      <FormActions>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        <SubmitButton pending={create.isPending} disabled={!name.trim() || scopes.size === 0}>
          Create key
        </SubmitButton>
      </FormActions>
    </Form>
  );
}

/** Checkboxes of the grantable permissions, grouped by module, each group with an all/none toggle. */
function ScopePicker({
  groups,
  value,
  onChange,
  error,
}: {
  groups: ModuleGroup[];
  value: ReadonlySet<string>;
  onChange: (next: ReadonlySet<string>) => void;
  error?: string;
}) {
  const hintId = useId();
  const toggle = (keys: string[], on: boolean) => {
    const next = new Set(value);
    for (const key of keys) {
      if (on) next.add(key);
      else next.delete(key);
    }
    onChange(next);
  };
  return (
    <fieldset className={`field scope-picker${error ? ' field-invalid' : ''}`} data-pointer="/permissions" aria-describedby={hintId}>
      <legend>Permissions</legend>
      <div className="field-hint" id={hintId}>
        {value.size} chosen. Only permissions you hold everywhere on this site can be given to a key.
      </div>
      {groups.length === 0 ? <p className="muted">You hold no permission on this site that a key could be given.</p> : null}
      <div className="scope-groups">
        {groups.map((group) => {
          const keys = group.permissions.map((p) => p.key);
          const all = keys.every((k) => value.has(k));
          return (
            <div key={group.module} className="scope-group">
              <div className="scope-group-header">
                <strong>{group.label}</strong>
                <button type="button" className="button button-small button-ghost" onClick={() => toggle(keys, !all)}>
                  {all ? 'None' : 'All'}
                  <span className="access-sr-only"> of {group.label}</span>
                </button>
              </div>
              <div className="scope-options">
                {group.permissions.map((p) => (
                  <label key={p.key} className="scope-option" title={p.description}>
                    <input type="checkbox" checked={value.has(p.key)} onChange={(e) => toggle([p.key], e.target.checked)} />
                    <code>{p.key}</code>
                  </label>
                ))}
              </div>
            </div>
          );
        })}
      </div>
      {error ? <div className="field-error">{error}</div> : null}
    </fieldset>
  );
}
