import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Form, FormActions, SelectField, SubmitButton, TextAreaField, TextField, useFieldErrors } from '../../components/Form';
import { toast } from '../../components/Toasts';
import { isProblem } from '../../lib/api';
import { type MediaAsset, type MediaUpdate, mediaKey, updateMedia } from './media-api';

/** Title, alt text and visibility, saved with If-Match (412: someone else changed the file's details first). */
export function MediaEditForm({ siteId, asset, etag, disabled }: { siteId: string; asset: MediaAsset; etag: string | null; disabled: boolean }) {
  const client = useQueryClient();
  const [title, setTitle] = useState(asset.title ?? '');
  const [altText, setAltText] = useState(asset.altText ?? '');
  const [visibility, setVisibility] = useState<MediaAsset['visibility']>(asset.visibility);
  const changes: MediaUpdate = {};
  if (title.trim() !== (asset.title ?? '')) changes.title = title.trim() || null;
  if (altText.trim() !== (asset.altText ?? '')) changes.altText = altText.trim() || null;
  if (visibility !== asset.visibility) changes.visibility = visibility;
  const dirty = Object.keys(changes).length > 0;
  const save = useMutation({
    mutationFn: () => updateMedia(siteId, asset.id, changes, etag),
    onSuccess: async (next) => {
      client.setQueryData([...mediaKey(siteId), 'asset', asset.id], next);
      await client.invalidateQueries({ queryKey: [...mediaKey(siteId), 'list'] });
      toast({ title: 'Details saved', variant: 'success' });
    },
    onError: async (error) => {
      if (isProblem(error, 412)) {
        toast({
          title: 'Not saved: changed meanwhile',
          description: 'Someone else saved this file’s details first. The form now shows theirs.',
          variant: 'error',
        });
        await client.invalidateQueries({ queryKey: [...mediaKey(siteId), 'asset', asset.id] });
      }
    },
  });
  const errors = useFieldErrors(save.error);
  return (
    <section aria-labelledby="media-edit">
      <h3 id="media-edit">Details</h3>
      <Form
        onSubmit={() => dirty && save.mutate()}
        error={isProblem(save.error, 412) ? null : save.error}
        pointers={['/title', '/altText', '/visibility']}
        aria-label="File details"
      >
        <TextField label="Title" pointer="/title" errors={errors} value={title} onChange={setTitle} maxLength={500} disabled={disabled} />
        <TextAreaField
          label="Alt text"
          pointer="/altText"
          errors={errors}
          value={altText}
          onChange={setAltText}
          rows={2}
          maxLength={1000}
          disabled={disabled}
          hint={asset.mediaType === 'image' ? 'What the image shows, for people who cannot see it.' : undefined}
        />
        <SelectField
          label="Visibility"
          pointer="/visibility"
          errors={errors}
          value={visibility}
          onChange={(v) => setVisibility(v === 'private' ? 'private' : 'public')}
          disabled={disabled}
          options={[
            { value: 'public', label: 'Public — readable by everyone who can read media' },
            { value: 'private', label: 'Private — only through signed links' },
          ]}
        />
        {disabled ? null : (
          <FormActions>
            <SubmitButton pending={save.isPending} disabled={!dirty}>
              Save details
            </SubmitButton>
          </FormActions>
        )}
      </Form>
    </section>
  );
}
