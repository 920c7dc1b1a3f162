import { useState } from 'react';
import { TemplatePreviewPanel } from './template-preview-panel';
import { TemplatesTable } from './templates-table';
import { listTemplates, syncTemplates, type Template } from './templates-api';
import { useResource } from './use-resource';

/** Message templates: the list with status, category, quality and lint findings, Sync from Meta, and a preview. */
export function TemplatesSection() {
  const templates = useResource(() => listTemplates());
  const [open, setOpen] = useState<Template>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string>();
  const [error, setError] = useState<string>();

  async function sync() {
    setBusy(true);
    setDone(undefined);
    setError(undefined);
    try {
      const r = await syncTemplates();
      setDone(`Synced ${r.wabas} ${r.wabas === 1 ? 'account' : 'accounts'}: ${r.created} new, ${r.updated} updated, ${r.removed} removed.`);
      templates.reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  const rows = templates.data?.data ?? [];
  const problem = error ?? templates.error;
  return (
    <section aria-labelledby="templates-title">
      <div className="section-head">
        <h2 id="templates-title">Templates</h2>
        <span className="row">
          <button type="button" onClick={sync} disabled={busy}>
            {busy ? 'Syncing…' : 'Sync from WhatsApp'}
          </button>
          <button type="button" className="secondary" onClick={templates.reload}>
            Refresh
          </button>
        </span>
      </div>
      <p className="muted">Broadcasts send approved templates. Create and submit new ones through the API (POST /api/v1/templates); Meta reviews them.</p>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <p className="status-line" role="status">
        {done}
      </p>
      <div className={open ? 'split' : undefined}>
        <div>
          {templates.data && rows.length === 0 && <p className="muted">No templates yet: connect a number, then sync.</p>}
          {rows.length > 0 && <TemplatesTable rows={rows} openId={open?.id} onOpen={setOpen} />}
        </div>
        {open && <TemplatePreviewPanel key={open.id} template={open} onClose={() => setOpen(undefined)} />}
      </div>
    </section>
  );
}
