import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { permissionsOf, type Site, sitesQuery, useMe } from '../../app/session';
import { Dialog } from '../../components/Dialog';
import { Form, FormActions, SelectField, SubmitButton, TextField, useFieldErrors } from '../../components/Form';
import { toast } from '../../components/Toasts';
import { api, idempotencyKey, unwrap } from '../../lib/api';
import { errorFor } from '../../lib/field-errors';
import { beyondCaller } from '../roles/grants';
import { type PickedUser, UserPicker } from './UserPicker';
import { type Membership, siteRolesQuery } from './user-api';

/**
 * Grants a role on a site. From a site's members the site is fixed and the person is chosen (a super admin
 * searches every user; others type the address of an existing account); from a user's page the person is
 * fixed and the site is chosen.
 */
export function GrantRoleDialog({
  open,
  onOpenChange,
  siteId,
  user,
  excludeSiteIds = [],
  onGranted,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  siteId?: string;
  user?: PickedUser;
  excludeSiteIds?: readonly string[];
  onGranted?: (membership: Membership) => void;
}) {
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title={user ? `Grant ${user.name ?? user.email} a role` : 'Grant a role'}
      description="One role per person and site: to change someone’s role, revoke the one they hold first."
    >
      {open ? (
        <GrantRoleForm fixedSiteId={siteId} fixedUser={user} excludeSiteIds={excludeSiteIds} onCancel={() => onOpenChange(false)} onGranted={onGranted} />
      ) : null}
    </Dialog>
  );
}

function GrantRoleForm({
  fixedSiteId,
  fixedUser,
  excludeSiteIds,
  onCancel,
  onGranted,
}: {
  fixedSiteId?: string;
  fixedUser?: PickedUser;
  excludeSiteIds: readonly string[];
  onCancel: () => void;
  onGranted?: (membership: Membership) => void;
}) {
  const me = useMe();
  const client = useQueryClient();
  const sites = useQuery({ ...sitesQuery(me), enabled: !fixedSiteId });
  const siteChoices: Site[] = (sites.data ?? []).filter((s) => !excludeSiteIds.includes(s.id) && permissionsOf(me, s.id).can('memberships.create'));
  const [chosenSite, setChosenSite] = useState('');
  const siteId = fixedSiteId ?? (chosenSite || siteChoices[0]?.id || '');
  const permissions = permissionsOf(me, siteId);
  const roles = useQuery({ ...siteRolesQuery(siteId), enabled: siteId !== '' });
  const assignable = (roles.data?.data ?? []).filter((r) => r.assignable && beyondCaller(permissions, r.permissions).length === 0);
  const [roleKey, setRoleKey] = useState('');
  const role = assignable.find((r) => r.key === roleKey)?.key ?? assignable[0]?.key ?? '';
  const [picked, setPicked] = useState<PickedUser | null>(null);
  const [email, setEmail] = useState('');
  const key = useRef(idempotencyKey());

  const grant = useMutation({
    mutationFn: () => {
      const who = fixedUser ?? picked;
      const body = who ? { userId: who.id, role } : { email: email.trim(), role };
      return unwrap(api.POST('/v1/sites/{siteId}/memberships', { params: { path: { siteId } }, body, headers: { 'idempotency-key': key.current } }));
    },
    onSuccess: (membership) => {
      void client.invalidateQueries({ queryKey: ['memberships', siteId] });
      void client.invalidateQueries({ queryKey: ['users', membership.userId, 'memberships'] });
      toast({ title: 'Role granted', description: `${membership.user.name ?? membership.user.email}: ${roleName(membership.roleKey)}`, variant: 'success' });
      onGranted?.(membership);
      onCancel();
    },
    onError: () => {
      key.current = idempotencyKey();
    },
  });
  const roleName = (k: string) => roles.data?.data.find((r) => r.key === k)?.name ?? k;
  const errors = useFieldErrors(grant.error);
  const ready = siteId !== '' && role !== '' && Boolean(fixedUser || picked || (!permissions.superAdmin && email.trim()));

  return (
    <Form onSubmit={() => grant.mutate()} error={grant.error} pointers={['/userId', '/email', '/role']} aria-label="Grant a role">
      {fixedSiteId ? null : (
        <SelectField
          label="Site"
          pointer="/site"
          options={siteChoices.map((s) => ({ value: s.id, label: `${s.name} (${s.slug})` }))}
          value={siteId}
          onChange={(value) => {
            setChosenSite(value);
            setRoleKey('');
          }}
          hint={siteChoices.length === 0 && !sites.isLoading ? 'They are a member of every site you can manage.' : undefined}
        />
      )}
      {fixedUser ? null : permissions.superAdmin ? (
        <UserPicker label="User" value={picked} onChange={setPicked} error={errorFor(errors, '/userId')} />
      ) : (
        <TextField
          label="Email of an existing account"
          pointer="/email"
          errors={errors}
          type="email"
          autoComplete="off"
          value={email}
          onChange={setEmail}
          required
        />
      )}
      <SelectField
        label="Role"
        pointer="/role"
        errors={errors}
        disabled={roles.isLoading || assignable.length === 0}
        options={assignable.map((r) => ({ value: r.key, label: r.system ? r.name : `${r.name} (custom)` }))}
        hint={
          roles.isLoading
            ? 'Loading roles…'
            : roles.isError
              ? 'The roles could not be loaded (reading them needs roles.read).'
              : assignable.length === 0 && siteId
                ? 'There is no role you may grant here.'
                : undefined
        }
        value={role}
        onChange={setRoleKey}
      />
      <FormActions>
        <SubmitButton pending={grant.isPending} disabled={!ready}>
          Grant role
        </SubmitButton>
        <button type="button" className="button button-link" onClick={onCancel}>
          Cancel
        </button>
      </FormActions>
    </Form>
  );
}
