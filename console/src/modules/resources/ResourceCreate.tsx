import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useRef, useState } from 'react';
import { siteRoute } from '../../app/routes';
import { usePermissions } from '../../app/session';
import { EmptyState, ErrorState, Loading } from '../../components/States';
import { toast } from '../../components/Toasts';
import { idempotencyKey } from '../../lib/api';
import { Breadcrumbs } from './Breadcrumbs';
import { collectionPath, fieldOf, type ResourceMeta, titleOf, useResourceMeta } from './meta';
import { ResourceForm } from './ResourceForm';
import { createRecord, type Row } from './record-api';
import { resourceNewRoute } from './routes';
import { type EditorValue, editorValueOf, shapeOf } from './schema-form';
import './resources.css';

/** `/sites/$siteId/r/$resource/new`: a create form generated from the resource's create schema. */
export default function ResourceCreate() {
  const { resource: plural } = resourceNewRoute.useParams();
  const meta = useResourceMeta(plural);
  if (meta.isLoading) return <Loading />;
  if (!meta.resource) return <ErrorState error={meta.error} onRetry={meta.refetch} />;
  return <CreateScreen key={plural} resource={meta.resource} />;
}

function CreateScreen({ resource }: { resource: ResourceMeta }) {
  const { site } = siteRoute.useRouteContext();
  const permissions = usePermissions(site.id);
  const navigate = useNavigate();
  const client = useQueryClient();
  const listPath = `/sites/${site.id}/r/${resource.plural}`;
  const [values, setValues] = useState<Record<string, EditorValue>>(() =>
    Object.fromEntries(
      Object.entries(resource.createSchema.properties ?? {}).map(([key, schema]) => [key, editorValueOf(shapeOf(schema), fieldOf(resource, key)?.default)]),
    ),
  );
  // Retrying the same body reuses its Idempotency-Key (a lost answer cannot create twice); a changed body gets a new one.
  const attempt = useRef<{ body: string; key: string } | null>(null);
  const create = useMutation({
    mutationFn: (body: Row) => {
      const text = JSON.stringify(body);
      if (attempt.current?.body !== text) attempt.current = { body: text, key: idempotencyKey() };
      return createRecord(collectionPath(resource, site.id), body, attempt.current.key);
    },
    onSuccess: ({ row }) => {
      attempt.current = null;
      toast({ title: `${resource.label} created`, description: titleOf(resource, row), variant: 'success' });
      void client.invalidateQueries({ queryKey: ['resource', resource.plural, site.id] });
      void navigate({ to: `${listPath}/${String(row.id)}` });
    },
  });

  if (!permissions.can(resource.permissions.create)) {
    return (
      <div className="page">
        <EmptyState title={`You cannot create ${resource.pluralLabel.toLowerCase()}`}>
          Creating them needs the {resource.permissions.create} permission on {site.name}.
        </EmptyState>
      </div>
    );
  }
  return (
    <div className="page">
      <Breadcrumbs items={[{ label: resource.pluralLabel, to: listPath }, { label: `New ${resource.label.toLowerCase()}` }]} />
      <header className="page-header">
        <h1>New {resource.label.toLowerCase()}</h1>
        {resource.description ? <p className="muted">{resource.description}</p> : null}
      </header>
      <section className="card">
        <ResourceForm
          resource={resource}
          schema={resource.createSchema}
          mode="create"
          values={values}
          onValuesChange={setValues}
          onSubmit={(body) => create.mutate(body)}
          error={create.error}
          pending={create.isPending}
          submitLabel={`Create ${resource.label.toLowerCase()}`}
          cancelTo={listPath}
        />
      </section>
    </div>
  );
}
