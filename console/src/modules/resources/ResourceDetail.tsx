import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { siteRoute } from '../../app/routes';
import { usePermissions } from '../../app/session';
import { useConfirm } from '../../components/ConfirmDialog';
import { ErrorState, Loading } from '../../components/States';
import { toast } from '../../components/Toasts';
import { describeError, isProblem } from '../../lib/api';
import { Breadcrumbs } from './Breadcrumbs';
import { labelOf, type ResourceMeta, recordPath, recordQueryKey, titleFieldOf, titleOf, useResourceMeta } from './meta';
import { deleteRecord, getRecord } from './record-api';
import { resourceDetailRoute } from './routes';
import { FieldValue } from './values';
import './resources.css';

/** `/sites/$siteId/r/$resource/$id`: one record, every field, with edit and delete for those allowed. */
export default function ResourceDetail() {
  const { resource: plural, id } = resourceDetailRoute.useParams();
  const meta = useResourceMeta(plural);
  if (meta.isLoading) return <Loading />;
  if (!meta.resource) return <ErrorState error={meta.error} onRetry={meta.refetch} />;
  return <DetailScreen key={`${plural}/${id}`} resource={meta.resource} id={id} />;
}

function DetailScreen({ resource, id }: { resource: ResourceMeta; id: string }) {
  const { site } = siteRoute.useRouteContext();
  const permissions = usePermissions(site.id);
  const navigate = useNavigate();
  const client = useQueryClient();
  const confirm = useConfirm();
  const listPath = `/sites/${site.id}/r/${resource.plural}`;
  const record = useQuery({ queryKey: recordQueryKey(resource, site.id, id), queryFn: () => getRecord(recordPath(resource, site.id, id)) });
  const remove = useMutation({
    mutationFn: () => deleteRecord(recordPath(resource, site.id, id), record.data?.etag ?? null),
    onSuccess: () => {
      toast({ title: `${resource.label} deleted`, description: record.data ? titleOf(resource, record.data.row) : undefined, variant: 'success' });
      client.removeQueries({ queryKey: recordQueryKey(resource, site.id, id) });
      void client.invalidateQueries({ queryKey: ['resource', resource.plural, site.id] });
      void navigate({ to: listPath });
    },
    onError: (error) => {
      if (isProblem(error, 412)) {
        toast({
          title: 'Not deleted: it changed',
          description: `Someone else changed this ${resource.label.toLowerCase()} since you opened it. It is reloaded: check it, then delete again if you still want to.`,
          variant: 'error',
        });
        void record.refetch();
      } else toast({ title: 'Not deleted', description: describeError(error), variant: 'error' });
    },
  });

  if (record.isLoading) return <Loading />;
  if (!record.data)
    return <ErrorState error={record.error} onRetry={() => void record.refetch()} title={`This ${resource.label.toLowerCase()} could not be loaded`} />;
  const { row } = record.data;
  const title = titleOf(resource, row);
  const onDelete = async () => {
    const ok = await confirm({
      title: `Delete ${resource.label.toLowerCase()} “${title}”?`,
      description: `It is removed from ${site.name} for good. This cannot be undone.`,
      confirmLabel: 'Delete',
      destructive: true,
    });
    if (ok) remove.mutate();
  };
  // The record's own fields first (its title leading), the bookkeeping ones (id, timestamps) last.
  const titleField = titleFieldOf(resource);
  const bookkeeping = ['id', 'createdAt', 'updatedAt'];
  const rank = (name: string) => (name === titleField ? 0 : bookkeeping.includes(name) ? 2 + bookkeeping.indexOf(name) : 1);
  const fields = resource.fields.filter((f) => f.name !== 'siteId').sort((a, b) => rank(a.name) - rank(b.name));
  return (
    <div className="page">
      <Breadcrumbs items={[{ label: resource.pluralLabel, to: listPath }, { label: title }]} />
      <header className="page-header page-header-actions">
        <div>
          <h1>{title}</h1>
          <p className="muted">{resource.label}</p>
        </div>
        <div className="page-actions">
          {permissions.can(resource.permissions.update) ? (
            <Link to={`${listPath}/${id}/edit`} className="button button-primary">
              Edit
            </Link>
          ) : null}
          {permissions.can(resource.permissions.delete) ? (
            <button type="button" className="button button-danger" onClick={() => void onDelete()} disabled={remove.isPending}>
              {remove.isPending ? 'Deleting…' : 'Delete'}
            </button>
          ) : null}
        </div>
      </header>
      <section className="card">
        <dl className="record-fields">
          {fields.map((field) => (
            <div key={field.name} className="record-field" data-field={field.name}>
              <dt>{labelOf(resource, field.name)}</dt>
              <dd>
                <FieldValue field={field} value={row[field.name]} full />
              </dd>
            </div>
          ))}
        </dl>
      </section>
    </div>
  );
}
