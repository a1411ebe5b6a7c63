import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { CopyButton } from '../../components/CopyButton';
import { Dialog } from '../../components/Dialog';
import { CheckboxField, Form, FormActions, SubmitButton, TextField, useFieldErrors } from '../../components/Form';
import { toast } from '../../components/Toasts';
import { api, idempotencyKey, unwrap } from '../../lib/api';
import type { User } from './user-api';

const POINTERS = ['/email', '/name', '/username', '/password', '/isSuperAdmin'];

/** A passphrase the password policy accepts: four random words' worth of letters and digits, dashed. */
function generatedPassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  const chars = [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
  return chars.match(/.{5}/g)?.join('-') ?? chars;
}

/** A new account with a password (they can change it from their profile, or you can send them a reset mail). */
export function CreateUserDialog({ open, onOpenChange, onCreated }: { open: boolean; onOpenChange: (open: boolean) => void; onCreated: (user: User) => void }) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title="Create user" description="The account can sign in at once with the password you set here.">
      {open ? <CreateUserForm onCancel={() => onOpenChange(false)} onCreated={onCreated} /> : null}
    </Dialog>
  );
}

function CreateUserForm({ onCancel, onCreated }: { onCancel: () => void; onCreated: (user: User) => void }) {
  const client = useQueryClient();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [shown, setShown] = useState(false);
  const [isSuperAdmin, setSuperAdmin] = useState(false);
  // One key per submitted body: a retry of the same form replays, an edited form is a new request.
  const key = useRef<{ body: string; key: string } | null>(null);
  const create = useMutation({
    mutationFn: () => {
      const body = {
        email: email.trim(),
        password,
        ...(name.trim() ? { name: name.trim() } : {}),
        ...(username.trim() ? { username: username.trim() } : {}),
        ...(isSuperAdmin ? { isSuperAdmin: true } : {}),
      };
      const serialized = JSON.stringify(body);
      if (key.current?.body !== serialized) key.current = { body: serialized, key: idempotencyKey() };
      return unwrap(api.POST('/v1/users', { body, headers: { 'idempotency-key': key.current.key } }));
    },
    onSuccess: (user) => {
      void client.invalidateQueries({ queryKey: ['users', 'list'] });
      toast({ title: 'User created', description: user.email, variant: 'success' });
      onCreated(user);
    },
  });
  const errors = useFieldErrors(create.error);
  return (
    <Form onSubmit={() => create.mutate()} error={create.error} pointers={POINTERS} aria-label="Create user">
      <TextField label="Email" pointer="/email" errors={errors} type="email" autoComplete="off" value={email} onChange={setEmail} required />
      <TextField label="Name" pointer="/name" errors={errors} autoComplete="off" value={name} onChange={setName} />
      <TextField
        label="Username"
        pointer="/username"
        errors={errors}
        autoComplete="off"
        hint="Optional. Letters, digits, dot, dash, underscore."
        value={username}
        onChange={setUsername}
      />
      <TextField
        label="Password"
        pointer="/password"
        errors={errors}
        type={shown ? 'text' : 'password'}
        autoComplete="new-password"
        hint={
          <span className="users-inline-actions">
            At least 12 characters.
            <button
              type="button"
              className="button button-link"
              onClick={() => {
                setPassword(generatedPassword());
                setShown(true);
              }}
            >
              Generate one
            </button>
            {shown && password ? <CopyButton value={password} label="Copy password" /> : null}
          </span>
        }
        value={password}
        onChange={setPassword}
        required
      />
      <CheckboxField
        label="Super admin (every permission on every site)"
        pointer="/isSuperAdmin"
        errors={errors}
        checked={isSuperAdmin}
        onChange={setSuperAdmin}
      />
      <FormActions>
        <SubmitButton pending={create.isPending}>Create user</SubmitButton>
        <button type="button" className="button button-link" onClick={onCancel}>
          Cancel
        </button>
      </FormActions>
    </Form>
  );
}
