import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { usePermissions } from '../../app/session';
import { Dialog } from '../../components/Dialog';
import { Form, FormActions, SelectField, SubmitButton, TextAreaField, TextField, useFieldErrors } from '../../components/Form';
import { toast } from '../../components/Toasts';
import { api, idempotencyKey, unwrap } from '../../lib/api';
import { grantability } from './permission-catalog';
import type { Role } from './role-api';
import { keyFromName } from './role-key';

/**
 * Creates a custom role, empty or starting from another role's permissions (those the caller may grant),
 * then opens it so its permissions can be edited in the matrix.
 */
export function CreateRoleDialog({
  siteId,
  roles,
  from: initialFrom = '',
  open,
  onOpenChange,
}: {
  siteId: string;
  roles: readonly Role[];
  from?: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title="New custom role" description="A role is a named set of permissions you then grant to members.">
      {/* Remounted on every opening: a fresh form and a fresh Idempotency-Key. */}
      {open ? <CreateRoleForm siteId={siteId} roles={roles} initialFrom={initialFrom} onDone={() => onOpenChange(false)} /> : null}
    </Dialog>
  );
}

function CreateRoleForm({ siteId, roles, initialFrom, onDone }: { siteId: string; roles: readonly Role[]; initialFrom: string; onDone: () => void }) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const { canGrant } = grantability(usePermissions(siteId));
  const [name, setName] = useState('');
  const [key, setKey] = useState('');
  const [keyEdited, setKeyEdited] = useState(false);
  const [description, setDescription] = useState('');
  const [from, setFrom] = useState(initialFrom);
  const [requestKey] = useState(idempotencyKey);

  const source = roles.find((r) => r.id === from);
  const copied = (source?.permissions ?? []).filter((g) => canGrant(g.key, g.condition === 'own' ? 'own' : 'all'));
  const leftOut = (source?.permissions.length ?? 0) - copied.length;

  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/v1/sites/{siteId}/roles', {
          params: { path: { siteId } },
          headers: { 'idempotency-key': requestKey },
          body: {
            key: keyEdited ? key : keyFromName(name),
            name: name.trim(),
            description: description.trim() || null,
            permissions: copied.map((g) => ({ key: g.key, condition: g.condition })),
          },
        }),
      ),
    onSuccess: async (role) => {
      toast({ title: `Role ${role.name} created`, description: 'Choose what it grants in the matrix.', variant: 'success' });
      await client.invalidateQueries({ queryKey: ['roles', siteId] });
      onDone();
      await navigate({ to: `/sites/${siteId}/roles/${role.id}` });
    },
  });
  const errors = useFieldErrors(create.error);

  return (
    <Form onSubmit={() => create.mutate()} error={create.error} pointers={['/name', '/key', '/description', '/permissions']} aria-label="New custom role">
      <TextField label="Name" pointer="/name" errors={errors} value={name} onChange={setName} required maxLength={200} autoFocus />
      <TextField
        label="Key"
        pointer="/key"
        errors={errors}
        value={keyEdited ? key : keyFromName(name)}
        onChange={(value) => {
          setKeyEdited(true);
          setKey(value);
        }}
        hint="How the API names it: lower-case letters, digits, - and _. It cannot be changed later."
        required
        spellCheck={false}
      />
      <TextAreaField label="Description" pointer="/description" errors={errors} value={description} onChange={setDescription} rows={2} maxLength={2000} />
      <SelectField
        label="Start from"
        pointer="/permissions"
        errors={errors}
        value={from}
        onChange={setFrom}
        options={[{ value: '', label: 'No permissions' }, ...roles.map((r) => ({ value: r.id, label: `${r.name}'s permissions (${r.permissions.length})` }))]}
        hint={
          leftOut > 0
            ? `${leftOut} of ${source?.name}'s permissions are left out: you do not hold them, so you cannot grant them.`
            : 'You can change the permissions after creating the role.'
        }
      />
      <FormActions>
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
        <SubmitButton pending={create.isPending} disabled={!name.trim()}>
          Create role
        </SubmitButton>
      </FormActions>
    </Form>
  );
}
