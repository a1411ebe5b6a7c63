import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { siteRoute } from '../../app/routes';
import { usePermissions } from '../../app/session';
import { EmptyState, ErrorState, Loading } from '../../components/States';
import { toast } from '../../components/Toasts';
import { isProblem } from '../../lib/api';
import { Breadcrumbs } from './Breadcrumbs';
import { labelOf, type ResourceMeta, recordPath, recordQueryKey, titleOf, useResourceMeta } from './meta';
import { ResourceForm } from './ResourceForm';
import { getRecord, type Row, updateRecord, type Versioned } from './record-api';
import { resourceEditRoute } from './routes';
import { type EditorValue, editorValueOf, shapeOf } from './schema-form';
import { FieldValue } from './values';
import './resources.css';

/** `/sites/$siteId/r/$resource/$id/edit`: the update schema's fields, saved with If-Match (412 → reload offered). */
export default function ResourceEdit() {
  const { resource: plural, id } = resourceEditRoute.useParams();
  const meta = useResourceMeta(plural);
  if (meta.isLoading) return <Loading />;
  if (!meta.resource) return <ErrorState error={meta.error} onRetry={meta.refetch} />;
  return <EditLoader key={`${plural}/${id}`} resource={meta.resource} id={id} />;
}

function EditLoader({ resource, id }: { resource: ResourceMeta; id: string }) {
  const { site } = siteRoute.useRouteContext();
  // Always the server's current version (and its ETag) when the form opens.
  const record = useQuery({ queryKey: recordQueryKey(resource, site.id, id), queryFn: () => getRecord(recordPath(resource, site.id, id)), staleTime: 0 });
  const [loaded, setLoaded] = useState<Versioned | null>(null);
  if (!loaded && record.data && !record.isFetching) setLoaded(record.data);
  if (!loaded) {
    if (record.error)
      return <ErrorState error={record.error} onRetry={() => void record.refetch()} title={`This ${resource.label.toLowerCase()} could not be loaded`} />;
    return <Loading />;
  }
  return (
    <EditScreen
      key={loaded.etag ?? ''}
      resource={resource}
      id={id}
      version={loaded}
      onReload={async () => {
        const fresh = await record.refetch();
        if (fresh.data) setLoaded(fresh.data);
      }}
    />
  );
}

function EditScreen({ resource, id, version, onReload }: { resource: ResourceMeta; id: string; version: Versioned; onReload: () => Promise<void> }) {
  const { site } = siteRoute.useRouteContext();
  const permissions = usePermissions(site.id);
  const navigate = useNavigate();
  const client = useQueryClient();
  const detailPath = `/sites/${site.id}/r/${resource.plural}/${id}`;
  const schema = resource.updateSchema;
  const [original] = useState<Record<string, EditorValue>>(() =>
    Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, child]) => [key, editorValueOf(shapeOf(child), version.row[key])])),
  );
  const [values, setValues] = useState(original);
  const save = useMutation({
    mutationFn: (body: Row) => updateRecord(recordPath(resource, site.id, id), body, version.etag),
    onSuccess: (saved) => {
      client.setQueryData(recordQueryKey(resource, site.id, id), saved);
      void client.invalidateQueries({ queryKey: ['resource', resource.plural, site.id, 'list'] });
      toast({ title: `${resource.label} saved`, description: titleOf(resource, saved.row), variant: 'success' });
      void navigate({ to: detailPath });
    },
  });
  const conflict = isProblem(save.error, 412);
  const title = titleOf(resource, version.row);
  const fixed = resource.fields.filter((f) => f.writable && f.immutable);

  if (!permissions.can(resource.permissions.update)) {
    return (
      <div className="page">
        <EmptyState title={`You cannot edit ${resource.pluralLabel.toLowerCase()}`}>
          Editing them needs the {resource.permissions.update} permission on {site.name}.
        </EmptyState>
      </div>
    );
  }
  return (
    <div className="page">
      <Breadcrumbs
        items={[{ label: resource.pluralLabel, to: `/sites/${site.id}/r/${resource.plural}` }, { label: title, to: detailPath }, { label: 'Edit' }]}
      />
      <header className="page-header">
        <h1>Edit {title}</h1>
        <p className="muted">{resource.label}</p>
      </header>
      <section className="card">
        {fixed.length > 0 ? (
          <dl className="record-fields record-fields-fixed">
            {fixed.map((field) => (
              <div key={field.name} className="record-field">
                <dt>{labelOf(resource, field.name)}</dt>
                <dd>
                  <FieldValue field={field} value={version.row[field.name]} full /> <span className="muted">(cannot change)</span>
                </dd>
              </div>
            ))}
          </dl>
        ) : null}
        <ResourceForm
          resource={resource}
          schema={schema}
          mode="update"
          values={values}
          original={original}
          onValuesChange={setValues}
          onSubmit={(body) => save.mutate(body)}
          onNothingChanged={() => toast({ title: 'Nothing to save', description: 'No field was changed.', variant: 'info' })}
          error={conflict ? undefined : save.error}
          pending={save.isPending}
          submitLabel="Save changes"
          cancelTo={detailPath}
          notice={
            conflict ? (
              <div className="form-error conflict-notice" role="alert">
                <p>
                  <strong>Someone else changed this {resource.label.toLowerCase()}</strong> since you opened it, so your changes were not saved. Reload to edit
                  their version (your edits here are discarded).
                </p>
                <button type="button" className="button" onClick={() => void onReload()}>
                  Reload
                </button>
              </div>
            ) : null
          }
        />
      </section>
    </div>
  );
}
