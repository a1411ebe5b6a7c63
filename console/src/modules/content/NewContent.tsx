import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { siteRoute } from '../../app/routes';
import { usePermissions } from '../../app/session';
import { Form, FormActions, SubmitButton, useFieldErrors } from '../../components/Form';
import { toast } from '../../components/Toasts';
import { idempotencyKey } from '../../lib/api';
import { createContent } from './content-api';
import { type Draft, emptyDraft, inputOf, StructuredDataError } from './draft';
import { EditorFields } from './EditorFields';
import { type KindInfo, permissionOf } from './kinds';
import { SeoPanel } from './SeoPanel';
import './content.css';

/** `/sites/<id>/articles/new`: the first version of a new article or page (a draft); then the full editor. */
export function NewContent({ info }: { info: KindInfo }) {
  const { site } = siteRoute.useRouteContext();
  const client = useQueryClient();
  const navigate = useNavigate();
  const permissions = usePermissions(site.id);
  const [draft, setDraftState] = useState<Draft>(emptyDraft);
  // One key per distinct body: a retry of the same submission is replayed, an edited one is a new create.
  const [key, setKey] = useState(idempotencyKey);
  const setDraft = (next: Draft) => {
    setDraftState(next);
    setKey(idempotencyKey());
  };
  const [clientError, setClientError] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () => createContent(site.id, info, inputOf(draft), key),
    onSuccess: async (created) => {
      await client.invalidateQueries({ queryKey: [info.plural, site.id, 'list'] });
      client.setQueryData([info.plural, site.id, created.data.id], created);
      toast({ title: `${info.label} created`, description: 'Saved as a draft, version 1.', variant: 'success' });
      await navigate({ to: `/sites/${site.id}/${info.plural}/${created.data.id}`, replace: true });
    },
  });
  const errors = useFieldErrors(create.error);
  const canCreate = permissions.can(permissionOf(info, 'create'));
  const submit = () => {
    setClientError(null);
    try {
      inputOf(draft);
    } catch (error) {
      if (error instanceof StructuredDataError) return setClientError(error.message);
      throw error;
    }
    create.mutate();
  };
  const pointers = ['/title', '/slug', '/summary', `/${info.bodyField}`, '/categoryIds', '/tagIds', '/featuredMediaId', '/seo'];
  return (
    <div className="page page-wide cms-editor-page">
      <p className="cms-breadcrumb">
        <Link to={`/sites/${site.id}/${info.plural}`}>← {info.pluralLabel}</Link>
      </p>
      <header className="page-header">
        <h1>New {info.label.toLowerCase()}</h1>
        <p className="muted">It starts as a draft: nobody else sees it until it is published.</p>
      </header>
      {canCreate ? null : (
        <p className="notice" role="note">
          You may read {info.pluralLabel.toLowerCase()} but not create them.
        </p>
      )}
      <Form onSubmit={submit} error={create.error} pointers={pointers} className="cms-new-form" aria-label={`New ${info.label.toLowerCase()}`}>
        <div className="cms-editor">
          <div className="cms-editor-main">
            <EditorFields info={info} siteId={site.id} draft={draft} onChange={setDraft} errors={errors} disabled={!canCreate} />
          </div>
          <aside className="cms-editor-side" aria-label="Search engines">
            <h2 className="cms-side-title">SEO</h2>
            <div className="cms-tab-panel">
              <SeoPanel
                draft={draft}
                onChange={setDraft}
                errors={clientError ? { ...errors, '/seo/structuredData': clientError } : errors}
                disabled={!canCreate}
              />
            </div>
          </aside>
        </div>
        <FormActions>
          <SubmitButton pending={create.isPending} disabled={!canCreate || !draft.title.trim()}>
            Create draft
          </SubmitButton>
          <Link to={`/sites/${site.id}/${info.plural}`} className="button">
            Cancel
          </Link>
        </FormActions>
      </Form>
    </div>
  );
}
