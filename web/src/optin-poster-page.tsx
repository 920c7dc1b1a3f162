import { useState } from 'react';
import { getWorkspace, listTopics } from './api-client';
import { getOptinLink, getOptinSource, qrUrl } from './optin-api';
import { useResource } from './use-resource';
import './optin-styles.css';

type Paper = 'A4' | 'A5';
const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/**
 * A printable poster of an opt-in source (its own tab, `/#optin-poster/<id>`): the business name,
 * what people get and how often, how to stop, and the QR code with the keyword. Print CSS sizes it
 * to A4 or A5 and hides the toolbar.
 */
export function OptinPosterPage({ sourceId }: { sourceId: string }) {
  const source = useResource(() => getOptinSource(sourceId), sourceId);
  const link = useResource(() => getOptinLink(sourceId), sourceId);
  const topics = useResource(listTopics);
  const workspace = useResource(getWorkspace);
  const [paper, setPaper] = useState<Paper>('A4');
  const error = source.error ?? link.error ?? topics.error ?? workspace.error;
  if (error)
    return (
      <p className="error page-loading" role="alert">
        {error}
      </p>
    );
  if (!source.data || !link.data || !topics.data || !workspace.data) return <p className="page-loading">Loading…</p>;

  const s = source.data;
  const page = (s.page ?? {}) as Record<string, unknown>;
  const joined = topics.data.data.filter((t) => s.topics.includes(t.key));
  const howOften = str(page.frequency);
  const stated = str(page.how_to_stop);
  // The poster always says how to stop by STOP, whatever else the form's own wording says.
  const howToStop = stated && /\bstop\b/i.test(stated) ? stated : [stated, 'Reply STOP at any time.'].filter(Boolean).join(' ');
  const keyword = s.keyword.toUpperCase();
  return (
    <div className={`poster-page paper-${paper}`}>
      {/* @page cannot be switched by a class: the chosen paper size is written out here. */}
      <style>{`@page { size: ${paper} portrait; margin: 12mm; }`}</style>
      <div className="poster-toolbar" role="toolbar" aria-label="Poster">
        <a href="/">← Back to Greenlist</a>
        <label htmlFor="poster-paper">Paper</label>
        <select id="poster-paper" value={paper} onChange={(e) => setPaper(e.target.value as Paper)}>
          <option value="A4">A4</option>
          <option value="A5">A5</option>
        </select>
        <button type="button" onClick={() => window.print()}>
          Print
        </button>
      </div>
      <article className="poster" aria-label="Poster" data-testid="optin-poster">
        <p className="poster-business">{workspace.data.name}</p>
        <h1 className="poster-title">Join us on WhatsApp</h1>
        <img className="poster-qr" src={qrUrl(s.id, 'svg')} alt={`QR code: opens WhatsApp with ${keyword} ready to send`} />
        <p className="poster-scan">
          Scan with your phone camera, then send <strong>{keyword}</strong>
        </p>
        <section className="poster-facts">
          <h2>What you get</h2>
          <ul>
            {joined.map((t) => (
              <li key={t.key}>
                <strong>{t.name}</strong>
                {t.description ? ` — ${t.description}` : ''}
              </li>
            ))}
          </ul>
          <h2>How often</h2>
          <p>{howOften ?? (joined.every((t) => t.frequency) ? joined.map((t) => `${t.name}: ${t.frequency}`).join('; ') : 'Only now and then; never more than we promise.')}</p>
          <h2>How to stop</h2>
          <p>{howToStop}</p>
        </section>
        <p className="poster-link">
          Or open <span className="poster-url">{link.data.url}</span>
        </p>
      </article>
    </div>
  );
}
