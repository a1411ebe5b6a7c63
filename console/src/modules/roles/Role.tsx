import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import { siteRoute } from '../../app/routes';
import { usePermissions } from '../../app/session';
import { useConfirm } from '../../components/ConfirmDialog';
import { Dialog } from '../../components/Dialog';
import { Form, FormActions, SubmitButton, TextAreaField, TextField, useFieldErrors } from '../../components/Form';
import { ErrorState, Loading } from '../../components/States';
import { toast } from '../../components/Toasts';
import { api, describeError, isProblem } from '../../lib/api';
import { CreateRoleDialog } from './CreateRoleDialog';
import { type Draft, PermissionMatrix } from './PermissionMatrix';
import { beyondCaller, type Condition, catalogQuery, grantability, siteGroups } from './permission-catalog';
import { RoleMembers } from './RoleMembers';
import { type Role as RoleModel, roleQuery, rolesQuery, withEtag } from './role-api';
import { roleRoute } from './routes';
import './roles.css';

const draftOf = (role: RoleModel): Draft => new Map(role.permissions.map((g) => [g.key, g.condition === 'own' ? 'own' : 'all'] as const));
const sameDraft = (a: Draft, b: Draft) => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

/** One role: what it grants (editable for custom roles, within the caller's own permissions) and who holds it. */
export default function Role() {
  const { site } = siteRoute.useRouteContext();
  const { roleId } = roleRoute.useParams();
  const query = useQuery(roleQuery(site.id, roleId));
  if (query.isLoading) return <Loading />;
  if (query.error || !query.data) {
    return (
      <div className="page">
        <p>
          <Link to={`/sites/${site.id}/roles`}>← Roles</Link>
        </p>
        <ErrorState error={query.error} onRetry={() => void query.refetch()} title={isProblem(query.error, 404) ? 'No such role' : undefined} />
      </div>
    );
  }
  return <RoleScreen siteId={site.id} role={query.data.data} etag={query.data.etag} />;
}

function RoleScreen({ siteId, role, etag }: { siteId: string; role: RoleModel; etag: string | null }) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const confirm = useConfirm();
  const permissions = usePermissions(siteId);
  const { canGrant } = grantability(permissions);
  const catalog = useQuery(catalogQuery);
  const roles = useQuery(rolesQuery(siteId));
  const groups = useMemo(() => siteGroups(catalog.data ?? []), [catalog.data]);
  const [renaming, setRenaming] = useState(false);
  const [duplicating, setDuplicating] = useState(false);

  const saved = useMemo(() => draftOf(role), [role]);
  // Unsaved edits, with the ETag of the version they started from: a refetch never replaces them, and saving
  // over someone else's newer change is refused (412) instead of silently undoing it.
  const [editing, setEditing] = useState<{ draft: Draft; etag: string | null } | null>(null);
  const draft = editing?.draft ?? saved;
  const setDraft = (next: Draft) => setEditing(sameDraft(next, saved) ? null : { draft: next, etag: editing?.etag ?? etag });
  const dirty = editing !== null;

  const beyond = beyondCaller(permissions, role.permissions);
  const mayUpdate = permissions.can('roles.update');
  const editable = !role.system && mayUpdate && beyond.length === 0;

  const refresh = async (next?: { data: RoleModel; etag: string | null }) => {
    if (next) client.setQueryData(roleQuery(siteId, role.id).queryKey, next);
    await client.invalidateQueries({ queryKey: ['roles', siteId], exact: true });
  };

  const conflict = async (error: unknown) => {
    if (isProblem(error, 412)) {
      toast({ title: 'This role changed meanwhile', description: 'Someone else saved it first; it was reloaded. Make your change again.', variant: 'error' });
      await client.invalidateQueries({ queryKey: roleQuery(siteId, role.id).queryKey });
      return;
    }
    toast({ title: 'Not saved', description: describeError(error), variant: 'error' });
  };

  const save = useMutation({
    mutationFn: ({ next, base }: { next: Draft; base: string | null }) =>
      withEtag(
        api.PUT('/v1/sites/{siteId}/roles/{roleId}/permissions', {
          params: { path: { siteId, roleId: role.id }, header: base ? { 'if-match': base } : {} },
          body: { permissions: [...next].map(([key, condition]) => ({ key, condition: condition === 'own' ? ('own' as const) : null })) },
        }),
      ),
    onSuccess: async (next) => {
      setEditing(null);
      await refresh(next);
      toast({ title: 'Permissions saved', description: `${next.data.name} now grants ${next.data.permissions.length} permissions.`, variant: 'success' });
    },
    onError: async (error) => {
      if (isProblem(error, 412)) setEditing(null);
      await conflict(error);
    },
  });

  const remove = useMutation({
    mutationFn: () =>
      withEtag(api.DELETE('/v1/sites/{siteId}/roles/{roleId}', { params: { path: { siteId, roleId: role.id }, header: etag ? { 'if-match': etag } : {} } })),
    onSuccess: async () => {
      client.removeQueries({ queryKey: roleQuery(siteId, role.id).queryKey });
      await client.invalidateQueries({ queryKey: ['roles', siteId], exact: true });
      toast({ title: `Role ${role.name} deleted`, variant: 'success' });
      await navigate({ to: `/sites/${siteId}/roles` });
    },
    onError: (error) =>
      isProblem(error, 409, 'role_in_use')
        ? toast({ title: 'Still in use', description: 'Members hold this role. Revoke their memberships first (see Members below).', variant: 'error' })
        : conflict(error),
  });

  const askDelete = async () => {
    const ok = await confirm({
      title: `Delete role ${role.name}?`,
      description: 'Its permissions go. Past memberships keep naming it in their history. Roles that members hold cannot be deleted.',
      confirmLabel: 'Delete role',
      destructive: true,
    });
    if (ok) remove.mutate();
  };

  return (
    <div className="page">
      <p className="access-breadcrumb">
        <Link to={`/sites/${siteId}/roles`}>← Roles</Link>
      </p>
      <header className="page-header access-header">
        <div>
          <h1>
            {role.name} {role.system ? <span className="pill">System</span> : <span className="pill access-pill-custom">Custom</span>}
          </h1>
          <p className="muted">
            <code>{role.key}</code>
            {role.description ? ` · ${role.description}` : ''}
          </p>
        </div>
        <div className="access-header-actions">
          {permissions.can('roles.create') ? (
            <button type="button" className="button" onClick={() => setDuplicating(true)}>
              Duplicate
            </button>
          ) : null}
          {!role.system && mayUpdate ? (
            <button type="button" className="button" onClick={() => setRenaming(true)} disabled={beyond.length > 0}>
              Rename
            </button>
          ) : null}
          {!role.system && permissions.can('roles.delete') ? (
            <button type="button" className="button button-danger" onClick={() => void askDelete()} disabled={remove.isPending}>
              Delete
            </button>
          ) : null}
        </div>
      </header>

      {role.system ? (
        <p className="notice access-notice-info" data-testid="system-role-notice">
          {role.name} is a system role: Admiral keeps its permissions in step with the modules installed, and it cannot be changed here. To grant a different
          set, duplicate it as a custom role.
        </p>
      ) : !mayUpdate ? (
        <p className="notice access-notice-info">You can see this role; changing it needs the roles.update permission.</p>
      ) : beyond.length > 0 ? (
        <p className="notice" role="note">
          This role grants permissions you do not hold ({beyond.slice(0, 5).join(', ')}
          {beyond.length > 5 ? ` and ${beyond.length - 5} more` : ''}), so only someone who holds them can change it.
        </p>
      ) : null}

      <section className="section" aria-labelledby="matrix-title">
        <h2 id="matrix-title">Permissions</h2>
        {catalog.isLoading ? <Loading /> : null}
        {catalog.error ? <ErrorState error={catalog.error} onRetry={() => void catalog.refetch()} /> : null}
        {catalog.data ? (
          <PermissionMatrix
            groups={groups}
            value={draft}
            onChange={setDraft}
            editable={editable && !save.isPending}
            canGrant={(key: string, condition: Condition) => canGrant(key, condition)}
            label={`Permissions of ${role.name}`}
          />
        ) : null}
        {editable ? (
          <section className={`save-bar${dirty ? ' save-bar-dirty' : ''}`} aria-label="Unsaved changes">
            <span className="muted">{dirty ? `${changeCount(saved, draft)} unsaved change${changeCount(saved, draft) === 1 ? '' : 's'}` : 'No changes'}</span>
            <button type="button" className="button" disabled={!dirty || save.isPending} onClick={() => setEditing(null)}>
              Discard
            </button>
            <button
              type="button"
              className="button button-primary"
              disabled={!dirty || save.isPending}
              aria-busy={save.isPending || undefined}
              onClick={() => editing && save.mutate({ next: editing.draft, base: editing.etag })}
            >
              {save.isPending ? 'Saving…' : 'Save permissions'}
            </button>
          </section>
        ) : null}
      </section>

      <RoleMembers siteId={siteId} role={role} />

      {renaming ? <RenameDialog siteId={siteId} role={role} etag={etag} onClose={() => setRenaming(false)} onSaved={refresh} onError={conflict} /> : null}
      <CreateRoleDialog siteId={siteId} roles={roles.data ?? [role]} from={role.id} open={duplicating} onOpenChange={setDuplicating} />
    </div>
  );
}

const changeCount = (a: Draft, b: Draft) => {
  let n = 0;
  for (const [k, v] of b) if (a.get(k) !== v) n++;
  for (const k of a.keys()) if (!b.has(k)) n++;
  return n;
};

function RenameDialog({
  siteId,
  role,
  etag,
  onClose,
  onSaved,
  onError,
}: {
  siteId: string;
  role: RoleModel;
  etag: string | null;
  onClose: () => void;
  onSaved: (next: { data: RoleModel; etag: string | null }) => Promise<void>;
  onError: (error: unknown) => Promise<void>;
}) {
  const [name, setName] = useState(role.name);
  const [description, setDescription] = useState(role.description ?? '');
  const update = useMutation({
    mutationFn: () =>
      withEtag(
        api.PATCH('/v1/sites/{siteId}/roles/{roleId}', {
          params: { path: { siteId, roleId: role.id }, header: etag ? { 'if-match': etag } : {} },
          body: { name: name.trim(), description: description.trim() || null },
        }),
      ),
    onSuccess: async (next) => {
      await onSaved(next);
      toast({ title: 'Role renamed', variant: 'success' });
      onClose();
    },
    onError: async (error) => {
      if (isProblem(error, 412)) {
        onClose();
        await onError(error);
      }
    },
  });
  const errors = useFieldErrors(update.error);
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()} title={`Rename ${role.name}`}>
      <Form onSubmit={() => update.mutate()} error={update.error} pointers={['/name', '/description']} aria-label="Rename role">
        <TextField label="Name" pointer="/name" errors={errors} value={name} onChange={setName} required maxLength={200} autoFocus />
        <TextAreaField label="Description" pointer="/description" errors={errors} value={description} onChange={setDescription} rows={2} maxLength={2000} />
        <p className="muted">
          The key <code>{role.key}</code> stays: the API and existing memberships name the role by it.
        </p>
        <FormActions>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <SubmitButton pending={update.isPending} disabled={!name.trim()}>
            Save
          </SubmitButton>
        </FormActions>
      </Form>
    </Dialog>
  );
}
