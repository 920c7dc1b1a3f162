import { useState } from 'react';
import { getWorkspace, listPhoneNumbers, listTopics, type Me } from './api-client';
import { formatTime } from './format';
import { canEditSources, KIND_LABELS, listOptinSources, type OptinSource } from './optin-api';
import { OptinSourceDetail } from './optin-source-detail';
import { OptinSourceForm } from './optin-source-form';
import { useResource } from './use-resource';
import './optin-styles.css';

type Mode = { kind: 'view' } | { kind: 'new' } | { kind: 'edit'; id: string };

/**
 * The Opt-in sources tab: every place people join (QR codes, links, flyers, events, web forms)
 * with how many opted in through each; create and edit them; the link, QR downloads, the poster,
 * and a form's sign-up page previewed at phone size and published.
 */
export function OptinSourcesSection({ me }: { me: Me }) {
  const sources = useResource(listOptinSources);
  const topics = useResource(listTopics);
  const numbers = useResource(listPhoneNumbers);
  const workspace = useResource(getWorkspace);
  const [selectedId, setSelectedId] = useState<string>();
  const [mode, setMode] = useState<Mode>({ kind: 'view' });
  // Saved answers shown before the list reloads (so the panel never shows a stale source).
  const [fresh, setFresh] = useState<Record<string, OptinSource>>({});
  const canEdit = canEditSources(me.actor.role);
  const rows = (sources.data?.data ?? []).map((s) => fresh[s.id] && fresh[s.id]!.updated_at > s.updated_at ? fresh[s.id]! : s);
  const selected = rows.find((s) => s.id === selectedId) ?? (selectedId ? fresh[selectedId] : undefined);

  function saved(s: OptinSource) {
    setFresh((f) => ({ ...f, [s.id]: s }));
    setSelectedId(s.id);
    setMode({ kind: 'view' });
    sources.reload();
  }

  const editing = mode.kind === 'edit' ? rows.find((s) => s.id === mode.id) : undefined;
  return (
    <section aria-labelledby="optin-title" className="optin-sources">
      <div className="section-head">
        <h2 id="optin-title">Opt-in sources</h2>
        <div className="row">
          <button type="button" className="secondary" onClick={sources.reload}>
            Refresh
          </button>
          {canEdit && mode.kind === 'view' && (
            <button type="button" onClick={() => setMode({ kind: 'new' })}>
              New source
            </button>
          )}
        </div>
      </div>
      <p className="muted">Each place people join gets its own source and keyword, so every opt-in is recorded with where it came from and the consent text shown there.</p>
      {(sources.error ?? topics.error) && (
        <p className="error" role="alert">
          {sources.error ?? topics.error}
        </p>
      )}
      {/* The form starts from the workspace's name as the business name: it opens once that is read (or could not be). */}
      {(mode.kind === 'new' || editing) && topics.data && (workspace.data || workspace.error) && (
        <div className="card editor">
          <OptinSourceForm
            key={editing?.id ?? 'new'}
            {...(editing ? { source: editing } : {})}
            topics={topics.data.data}
            numbers={numbers.data?.data ?? []}
            businessName={workspace.data?.name ?? ''}
            onSaved={saved}
            onCancel={() => setMode({ kind: 'view' })}
          />
        </div>
      )}
      <div className="split">
        <div>
          {sources.data && rows.length === 0 && <p className="muted">No opt-in sources yet.</p>}
          {rows.length > 0 && (
            <div className="table-scroll">
              <table className="compact" aria-label="Opt-in sources">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Opt-ins</th>
                    <th scope="col">Status</th>
                    <th scope="col">Keyword</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Latest opt-in</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((s) => (
                    <tr key={s.id} data-testid="optin-source-row" aria-current={s.id === selectedId ? 'true' : undefined}>
                      <td>
                        <button type="button" className="link" onClick={() => {
                            setSelectedId(s.id);
                            setMode({ kind: 'view' });
                          }}>
                          {s.name}
                        </button>
                      </td>
                      <td className="num" data-testid="optin-count">
                        {s.opt_in_count}
                      </td>
                      <td>
                        <span className={`badge status-${s.status}`}>{s.status === 'active' && s.kind === 'form' ? 'published' : s.status}</span>
                      </td>
                      <td>
                        <code>{s.keyword}</code>
                      </td>
                      <td>{KIND_LABELS[s.kind].replace(/ \(.*\)$/, '')}</td>
                      <td className="nowrap">{formatTime(s.last_opt_in_at)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
        {selected && mode.kind === 'view' && <OptinSourceDetail key={selected.id} source={selected} canEdit={canEdit} onEdit={() => setMode({ kind: 'edit', id: selected.id })} onChanged={saved} />}
      </div>
    </section>
  );
}
