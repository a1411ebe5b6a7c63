import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useEffect, useMemo, useState } from 'react';
import { siteRoute } from '../../app/routes';
import { useMe, usePermissions } from '../../app/session';
import { useFieldErrors } from '../../components/Form';
import { ErrorState, Loading } from '../../components/States';
import { toast } from '../../components/Toasts';
import { describeError, isProblem } from '../../lib/api';
import { ConflictNotice } from './ConflictNotice';
import { type Content, getContent, listVersions, updateContent, type Versioned } from './content-api';
import { type Draft, draftOf, inputOf, StructuredDataError, sameDraft } from './draft';
import { EditorFields } from './EditorFields';
import { HistoryPanel } from './HistoryPanel';
import { type KindInfo, permissionOf } from './kinds';
import { editResetsReview } from './lifecycle';
import { ReviewsPanel } from './ReviewsPanel';
import type { EditorPanel } from './routes';
import { SeoPanel } from './SeoPanel';
import { StatusBar } from './StatusBar';
import { useContentActions } from './use-content-actions';
import './content.css';

export const contentQueryKey = (info: KindInfo, siteId: string, id: string) => [info.plural, siteId, id] as const;

/** `/sites/<id>/articles/<id>` and `/pages/<id>`: the editor of one article or page. */
export function EditContent({ info, id, panel }: { info: KindInfo; id: string; panel: EditorPanel | undefined }) {
  const { site } = siteRoute.useRouteContext();
  const query = useQuery({ queryKey: contentQueryKey(info, site.id, id), queryFn: () => getContent(site.id, info, id) });
  if (query.isLoading) return <Loading />;
  if (query.error || !query.data)
    return (
      <div className="page">
        <p className="cms-breadcrumb">
          <Link to={`/sites/${site.id}/${info.plural}`}>← {info.pluralLabel}</Link>
        </p>
        <ErrorState
          error={query.error}
          onRetry={() => void query.refetch()}
          title={isProblem(query.error, 404) ? `No such ${info.label.toLowerCase()}` : undefined}
        />
      </div>
    );
  return <Editor info={info} siteId={site.id} loaded={query.data} panel={panel ?? 'seo'} />;
}

function Editor({ info, siteId, loaded, panel }: { info: KindInfo; siteId: string; loaded: Versioned<Content>; panel: EditorPanel }) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const me = useMe();
  const permissions = usePermissions(siteId);
  const content = loaded.data;
  const key = contentQueryKey(info, siteId, content.id);
  const mine = content.authorId === me.user.id;
  const held = (action: 'update' | 'delete') => permissions.can(permissionOf(info, action)) && (!permissions.ownOnly(permissionOf(info, action)) || mine);
  const can = { update: held('update'), delete: held('delete'), publish: permissions.can(permissionOf(info, 'publish')), save: held('update') };

  const saved = useMemo(() => draftOf(content), [content]);
  // Unsaved edits with the ETag of the copy they started from: a refetch never replaces them, and saving over a
  // newer save by someone else is refused (412) instead of silently undoing it.
  const [editing, setEditing] = useState<{ draft: Draft; etag: string | null; version: number } | null>(null);
  const [conflict, setConflict] = useState(false);
  const draft = editing?.draft ?? saved;
  const dirty = editing !== null;
  const setDraft = (next: Draft) =>
    setEditing(sameDraft(next, saved) && !conflict ? null : { draft: next, etag: editing?.etag ?? loaded.etag, version: editing?.version ?? content.version });

  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const versions = useQuery({ queryKey: [...key, 'versions'], queryFn: () => listVersions(siteId, info, content.id) });
  const liveVersion = content.publishedVersion ?? versions.data?.find((v) => v.isPublished)?.version ?? null;

  const refresh = async (next?: Versioned<Content>) => {
    if (next) client.setQueryData(key, next);
    await client.invalidateQueries({ queryKey: key, refetchType: next ? 'none' : 'active' });
    await client.invalidateQueries({ queryKey: [...key, 'versions'] });
    await client.invalidateQueries({ queryKey: [info.plural, siteId, 'list'] });
  };

  const [clientError, setClientError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (base: string | null) => updateContent(siteId, info, content.id, inputOf(draft), base),
    onSuccess: async (next) => {
      setEditing(null);
      setConflict(false);
      await refresh(next);
      toast({
        title: `Saved as version ${next.data.version}`,
        description: editResetsReview(content.status) ? 'The edit sent it back to draft: submit it for review again.' : undefined,
        variant: 'success',
      });
    },
    onError: async (error) => {
      if (isProblem(error, 412)) {
        setConflict(true);
        await client.invalidateQueries({ queryKey: key });
      } else if (!(error instanceof Error && 'problem' in error)) toast({ title: 'Not saved', description: describeError(error), variant: 'error' });
    },
  });
  const trySave = (base: string | null) => {
    setClientError(null);
    try {
      inputOf(draft);
    } catch (error) {
      if (error instanceof StructuredDataError) {
        setClientError(error.message);
        void navigate({ to: '.', search: { panel: 'seo' } as never, replace: true });
        return;
      }
      throw error;
    }
    save.mutate(base);
  };
  const errors = useFieldErrors(save.error);
  const seoErrors = clientError ? { ...errors, '/seo/structuredData': clientError } : errors;
  const actions = useContentActions(info, siteId, content, loaded.etag, (next) => void refresh(next));
  const unplaced = save.error && !isProblem(save.error, 412) && Object.keys(errors).length === 0 ? describeError(save.error) : null;

  const setPanel = (next: EditorPanel) => void navigate({ to: '.', search: { panel: next } as never, replace: true });
  const base = `/sites/${siteId}/${info.plural}`;

  return (
    <div className="page page-wide cms-editor-page">
      <p className="cms-breadcrumb">
        <Link to={base}>← {info.pluralLabel}</Link>
      </p>
      <header className="page-header cms-header">
        <div>
          <h1 className="cms-editor-title">{content.title || `Untitled ${info.label.toLowerCase()}`}</h1>
          <p className="muted">
            /{content.slug} · version {content.version}
          </p>
        </div>
      </header>
      <StatusBar
        content={content}
        liveVersion={liveVersion}
        can={can}
        dirty={dirty}
        saving={save.isPending}
        busy={actions.busy}
        onSave={() => trySave(editing?.etag ?? loaded.etag)}
        onDiscard={() => {
          setEditing(null);
          setConflict(false);
          save.reset();
        }}
        onAction={(action, at) => void actions.run(action, at)}
      />
      {conflict && editing ? (
        <ConflictNotice
          theirs={saved}
          theirVersion={content.version}
          mine={editing.draft}
          busy={save.isPending}
          onReload={() => {
            setEditing(null);
            setConflict(false);
            save.reset();
          }}
          onOverwrite={() => trySave(loaded.etag)}
        />
      ) : null}
      {dirty && editResetsReview(content.status) && !conflict ? (
        <p className="notice cms-notice" role="note">
          Saving sends this {info.label.toLowerCase()} back to draft: its review {content.status === 'scheduled' ? 'and its schedule are' : 'is'} cancelled.
        </p>
      ) : null}
      {unplaced ? (
        <div className="form-error" role="alert">
          {unplaced}
        </div>
      ) : null}
      <div className="cms-editor">
        <form
          className="cms-editor-main"
          aria-label={`${info.label} content`}
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            if (dirty) trySave(editing?.etag ?? loaded.etag);
          }}
        >
          <EditorFields info={info} siteId={siteId} draft={draft} onChange={setDraft} errors={errors} disabled={!can.save} />
        </form>
        <aside className="cms-editor-side" aria-label="Details">
          <div role="tablist" aria-label="Panels" className="cms-tabs">
            {(['seo', 'history', 'reviews'] as const).map((p) => (
              <button
                key={p}
                type="button"
                role="tab"
                aria-selected={panel === p}
                className={`cms-tab${panel === p ? ' cms-tab-on' : ''}`}
                onClick={() => setPanel(p)}
              >
                {p === 'seo' ? 'SEO' : p === 'history' ? `History${versions.data ? ` (${versions.data.length})` : ''}` : 'Reviews'}
              </button>
            ))}
          </div>
          <div role="tabpanel" className="cms-tab-panel">
            {panel === 'seo' ? <SeoPanel draft={draft} onChange={setDraft} errors={seoErrors} disabled={!can.save} /> : null}
            {panel === 'history' ? (
              <HistoryPanel
                info={info}
                siteId={siteId}
                content={content}
                etag={loaded.etag}
                versions={{ data: versions.data, isLoading: versions.isLoading, error: versions.error, refetch: () => void versions.refetch() }}
                liveVersion={liveVersion}
                canRestore={can.update}
                dirty={dirty}
                onRestored={(next) => {
                  setEditing(null);
                  setConflict(false);
                  void refresh(next);
                }}
              />
            ) : null}
            {panel === 'reviews' ? (
              <ReviewsPanel
                info={info}
                siteId={siteId}
                content={content}
                canReview={permissions.can(permissionOf(info, 'review'))}
                canReadApprovals={permissions.can('approvals.read')}
                onReviewed={() => void refresh()}
              />
            ) : null}
          </div>
        </aside>
      </div>
    </div>
  );
}
