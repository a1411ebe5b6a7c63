import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { Dialog } from '../../components/Dialog';
import { Form, FormActions, SubmitButton, TextAreaField, TextField, useFieldErrors } from '../../components/Form';
import { toast } from '../../components/Toasts';
import { AdmiralError, api, idempotencyKey, unwrap } from '../../lib/api';
import { slugify } from '../../lib/slug';

const POINTERS = ['/name', '/slug', '/description', '/countryCode'];
const EMPTY = { name: '', slug: '', description: '', countryCode: '' };

/** Creates a site (super admins), then switches the console to it. */
export function CreateSiteDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [values, setValues] = useState(EMPTY);
  const [slugTouched, setSlugTouched] = useState(false);
  // A resubmission after a network failure reuses the key (it cannot create the site twice); once the server
  // has answered (a refusal is stored under the key), the corrected form is a new request with a new key.
  const [key, setKey] = useState(idempotencyKey);
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/v1/sites', {
          body: {
            name: values.name.trim(),
            slug: values.slug.trim(),
            ...(values.description.trim() ? { description: values.description.trim() } : {}),
            ...(values.countryCode.trim() ? { countryCode: values.countryCode.trim().toUpperCase() } : {}),
          },
          headers: { 'idempotency-key': key },
        }),
      ),
    onSuccess: async (site) => {
      // The switcher (and the site route's check) must know the new site before the console goes there.
      await queryClient.invalidateQueries({ queryKey: ['switchable-sites'], refetchType: 'all' });
      await queryClient.invalidateQueries({ queryKey: ['sites'] });
      toast({ title: `Site ${site.name} created`, description: 'You are now working on it.', variant: 'success' });
      reset();
      await navigate({ to: `/sites/${site.id}` });
    },
    onError: (error) => {
      if (error instanceof AdmiralError) setKey(idempotencyKey());
    },
  });
  const errors = useFieldErrors(create.error);
  const reset = () => {
    setValues(EMPTY);
    setSlugTouched(false);
    setKey(idempotencyKey());
    create.reset();
  };

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (!next) reset();
        onOpenChange(next);
      }}
      title="Create a site"
      description="A site holds its own content, members, roles and audit trail. Super admins can reach every site."
    >
      <Form onSubmit={() => create.mutate()} error={create.error} pointers={POINTERS} aria-label="Create a site">
        <TextField
          label="Name"
          pointer="/name"
          errors={errors}
          value={values.name}
          onChange={(name) => setValues((v) => ({ ...v, name, slug: slugTouched ? v.slug : slugify(name) }))}
          required
          autoFocus
          maxLength={200}
        />
        <TextField
          label="Slug"
          pointer="/slug"
          errors={errors}
          value={values.slug}
          onChange={(slug) => {
            setSlugTouched(true);
            setValues((v) => ({ ...v, slug }));
          }}
          hint="Lower-case letters, digits and hyphens; unique. Used in addresses, e.g. the sign-in page’s ?site=."
          required
          spellCheck={false}
          autoComplete="off"
        />
        <TextAreaField
          label="Description"
          pointer="/description"
          errors={errors}
          value={values.description}
          onChange={(description) => setValues((v) => ({ ...v, description }))}
          maxLength={2000}
          rows={2}
        />
        <TextField
          label="Country code"
          pointer="/countryCode"
          errors={errors}
          value={values.countryCode}
          onChange={(countryCode) => setValues((v) => ({ ...v, countryCode: countryCode.toUpperCase() }))}
          hint="Optional. Two letters (ISO 3166-1), e.g. NL."
          maxLength={2}
          autoComplete="off"
        />
        <FormActions>
          <SubmitButton pending={create.isPending} disabled={!values.name.trim() || !values.slug.trim()}>
            Create site
          </SubmitButton>
        </FormActions>
      </Form>
    </Dialog>
  );
}
