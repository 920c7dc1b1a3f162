import { useEffect, useState } from 'react';
import { TemplateComposer } from './template-composer';
import { templateLabel } from './template-format';
import { TemplatePreviewPanel } from './template-preview-panel';
import { TemplatesTable } from './templates-table';
import { listTemplates, syncTemplates, type Template } from './templates-api';
import { useResource } from './use-resource';
import { useCan } from './permissions';

/** How often the list is reloaded while a template waits for Meta's review. */
const PENDING_POLL_MS = 5_000;

/** Message templates: the list with status, category, quality and lint findings, Sync from Meta, a preview, and the composer for new ones. */
export function TemplatesSection() {
  const canManage = useCan('broadcasts:manage');
  const templates = useResource(() => listTemplates());
  const [open, setOpen] = useState<Template>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string>();
  const [error, setError] = useState<string>();
  const [composing, setComposing] = useState(false);
  const anyPending = (templates.data?.data ?? []).some((t) => t.status === 'PENDING');

  // Meta's verdict arrives as a webhook; while a template is pending, the list looks again now and then.
  useEffect(() => {
    if (!anyPending) return;
    const timer = setInterval(templates.reload, PENDING_POLL_MS);
    return () => clearInterval(timer);
  }, [anyPending, templates.reload]);

  function created(t: Template) {
    setComposing(false);
    setError(undefined);
    setDone(`Submitted ${templateLabel(t)} for review: ${t.status.toLowerCase()}. Meta usually answers within minutes; Sync from WhatsApp to check now.`);
    templates.reload();
  }

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
          {!composing && canManage && (
            <button type="button" onClick={() => setComposing(true)}>
              New template
            </button>
          )}
          {canManage && (
            <button type="button" className="secondary" onClick={sync} disabled={busy}>
              {busy ? 'Syncing…' : 'Sync from WhatsApp'}
            </button>
          )}
          <button type="button" className="secondary" onClick={templates.reload}>
            Refresh
          </button>
        </span>
      </div>
      <p className="muted">Broadcasts send approved templates. Compose a new one with New template; Meta reviews it and its status here changes from pending to approved or rejected (Sync from WhatsApp asks Meta for the latest statuses).</p>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <p className="status-line" role="status">
        {done}
      </p>
      {composing && <TemplateComposer onCreated={created} onCancel={() => setComposing(false)} />}
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
