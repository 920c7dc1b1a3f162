import { useRef, useState } from 'react';
import { formatTime } from './format';
import { fieldErrorsOf } from './optin-errors';
import { getOptinLink, KIND_LABELS, pagePreviewUrl, posterUrl, publishOptinSource, qrUrl, updateOptinSource, type OptinSource } from './optin-api';
import { useResource } from './use-resource';


/** Copies `text`; an http address other than loopback has no clipboard API, so the field is selected instead. */
async function copy(text: string, input: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    input?.select();
    return false;
  }
}

/** One source: its link (copy), QR code (PNG, SVG, poster), and for a form its phone-sized page preview with Publish / Unpublish. */
export function OptinSourceDetail({ source, canEdit, onEdit, onChanged }: { source: OptinSource; canEdit: boolean; onEdit: () => void; onChanged: (s: OptinSource) => void }) {
  const link = useResource(() => getOptinLink(source.id), `${source.id}:${source.keyword}:${source.number_id}`);
  const [copied, setCopied] = useState<string>();
  const linkInput = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // Reloads the preview frame after a change (its URL is the same).
  const [previewKey, setPreviewKey] = useState(0);
  const isForm = source.kind === 'form';
  const live = source.status === 'active';

  async function change(work: () => Promise<OptinSource>) {
    setBusy(true);
    setError(undefined);
    try {
      onChanged(await work());
      setPreviewKey((k) => k + 1);
    } catch (err) {
      setError(fieldErrorsOf(err).general);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="card detail optin-detail" data-testid="optin-source-detail">
      <div className="section-head">
        <h3>{source.name}</h3>
        {canEdit && (
          <button type="button" className="secondary" onClick={onEdit}>
            Edit
          </button>
        )}
      </div>
      <dl className="fields">
        <div>
          <dt>Kind</dt>
          <dd>{KIND_LABELS[source.kind]}</dd>
        </div>
        <div>
          <dt>Keyword</dt>
          <dd>
            <code>{source.keyword}</code>
          </dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>
            <span className={`badge status-${source.status}`}>{source.status === 'active' ? (isForm ? 'published' : 'active') : source.status}</span>
          </dd>
        </div>
        <div>
          <dt>Opt-ins</dt>
          <dd data-testid="optin-detail-count">
            {source.opt_in_count} {source.last_opt_in_at && <span className="muted small">(latest {formatTime(source.last_opt_in_at)})</span>}
          </dd>
        </div>
      </dl>
      {canEdit && (
        <div className="row">
          {isForm && !live && (
            <button type="button" disabled={busy} onClick={() => void change(() => publishOptinSource(source.id))}>
              Publish page
            </button>
          )}
          {isForm && live && (
            <button type="button" className="secondary" disabled={busy} onClick={() => void change(() => updateOptinSource(source.id, { status: 'draft' }))}>
              Unpublish page
            </button>
          )}
          {!isForm && (
            <button type="button" className="secondary" disabled={busy} onClick={() => void change(() => updateOptinSource(source.id, { status: live ? 'archived' : 'active' }))}>
              {live ? 'Archive (stop the keyword)' : 'Activate'}
            </button>
          )}
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}

      <h4>Click-to-chat link</h4>
      {link.error && <p className="error">{link.error}</p>}
      {link.data && (
        <div className="copy-row">
          <label htmlFor="optin-link" className="visually-hidden">
            Click-to-chat link
          </label>
          <input id="optin-link" ref={linkInput} readOnly value={link.data.url} onFocus={(e) => e.target.select()} />
          <button type="button" className="secondary" onClick={() => void copy(link.data!.url, linkInput.current).then((ok) => setCopied(ok ? 'Link copied.' : 'Selected: press Ctrl+C (⌘C) to copy.'))}>
            Copy link
          </button>
        </div>
      )}
      <p className="status-line" role="status">
        {copied}
      </p>

      {link.data && (
        <>
          <h4>QR code</h4>
          <div className="qr-row">
            <img className="qr" src={qrUrl(source.id, 'svg')} alt={`QR code that opens WhatsApp with ${source.keyword} ready to send`} width={160} height={160} />
            <div className="qr-actions">
              <a className="button-link" href={qrUrl(source.id, 'png', 1024)} download>
                Download PNG
              </a>
              <a className="button-link" href={qrUrl(source.id, 'svg')} download>
                Download SVG
              </a>
              <a className="button-link" href={posterUrl(source.id)} target="_blank" rel="noopener">
                Open poster (A4 / A5)
              </a>
            </div>
          </div>
        </>
      )}

      {isForm && (
        <>
          <h4>Sign-up page</h4>
          {live && source.page_url ? (
            <p>
              Live at{' '}
              <a href={source.page_url} target="_blank" rel="noopener" data-testid="optin-page-url">
                {source.page_url}
              </a>
            </p>
          ) : (
            <p className="muted">A draft: people cannot open it until you publish it.</p>
          )}
          <div className="phone-frame">
            <iframe key={`${previewKey}:${source.updated_at}`} title="Sign-up page preview at phone size" src={pagePreviewUrl(source.id)} width={360} height={640} />
          </div>
        </>
      )}
    </div>
  );
}
