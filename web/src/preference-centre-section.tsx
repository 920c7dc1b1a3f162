import { useEffect, useState, type FormEvent } from 'react';
import { getPreferenceKeywords, getWorkspace, savePreferenceSettings, type PreferenceSettings } from './api-client';
import { useResource } from './use-resource';
import { useCan } from './permissions';

const words = (text: string): string[] =>
  text
    .split(',')
    .map((w) => w.trim())
    .filter((w) => w !== '');

/**
 * The preference centre's settings: the keyword (on or off, extra words, built-in words to ignore),
 * the hosted page link (in welcomes, how long it works), how long a pause lasts and the list's text.
 */
export function PreferenceCentreSection() {
  const canManage = useCan('workspace:manage');
  const workspace = useResource(getWorkspace);
  const keywords = useResource(getPreferenceKeywords);
  const [form, setForm] = useState<PreferenceSettings>({});
  const [extra, setExtra] = useState('');
  const [disabled, setDisabled] = useState('');
  const [status, setStatus] = useState<{ ok?: string; error?: string }>({});
  useEffect(() => {
    const s = ((workspace.data?.settings as { preferences?: PreferenceSettings } | undefined)?.preferences ?? {}) as PreferenceSettings;
    setForm(s);
    setExtra((s.keywords ?? []).join(', '));
    setDisabled((s.disabled_keywords ?? []).join(', '));
  }, [workspace.data]);

  async function save(e: FormEvent) {
    e.preventDefault();
    setStatus({});
    const next: PreferenceSettings = { ...form, keywords: words(extra), disabled_keywords: words(disabled) };
    if (!next.menu_text) delete next.menu_text;
    try {
      await savePreferenceSettings(next);
      setStatus({ ok: 'Saved.' });
      workspace.reload();
      keywords.reload();
    } catch (err) {
      setStatus({ error: err instanceof Error ? err.message : String(err) });
    }
  }
  const num = (v: string) => (v === '' ? undefined : Number(v));

  return (
    <section aria-labelledby="prefs-title">
      <div className="section-head">
        <h2 id="prefs-title">Preference centre</h2>
      </div>
      <p className="muted">
        People send a keyword (PREFERENCES, MENU, PREFERENCIAS…) and get a WhatsApp list to join or leave topics, get fewer messages, or pause for a while; the same choices are on a
        hosted page behind a signed link. Every choice is recorded in the consent ledger.
      </p>
      {(workspace.error ?? keywords.error) && (
        <p className="error" role="alert">
          {workspace.error ?? keywords.error}
        </p>
      )}
      <form onSubmit={save} className="card" aria-label="Preference centre settings">
        <label className="inline">
          <input type="checkbox" checked={form.enabled !== false} onChange={(e) => setForm({ ...form, enabled: e.target.checked })} /> Answer the preference keyword on WhatsApp
        </label>
        <div className="field">
          <label htmlFor="prefs-extra">Extra keywords (comma-separated)</label>
          <input id="prefs-extra" value={extra} onChange={(e) => setExtra(e.target.value)} placeholder="e.g. OPTIONS, MY SETTINGS" />
        </div>
        <div className="field">
          <label htmlFor="prefs-disabled">Built-in keywords to ignore (comma-separated)</label>
          <input id="prefs-disabled" value={disabled} onChange={(e) => setDisabled(e.target.value)} placeholder="e.g. menu" />
        </div>
        <label className="inline">
          <input type="checkbox" checked={form.link_in_welcome === true} onChange={(e) => setForm({ ...form, link_in_welcome: e.target.checked })} /> Add the preference page link to
          opt-in welcomes
        </label>
        <div className="field">
          <label htmlFor="prefs-ttl">Link works for (days, default 30)</label>
          <input id="prefs-ttl" type="number" min={1} max={90} value={form.link_ttl_days ?? ''} onChange={(e) => setForm({ ...form, link_ttl_days: num(e.target.value) })} />
        </div>
        <div className="field">
          <label htmlFor="prefs-pause">Pause lasts (days, default 30)</label>
          <input id="prefs-pause" type="number" min={1} max={90} value={form.pause_days ?? ''} onChange={(e) => setForm({ ...form, pause_days: num(e.target.value) })} />
        </div>
        <div className="field">
          <label htmlFor="prefs-text">List text (optional; the page link and how to stop are added)</label>
          <textarea id="prefs-text" maxLength={900} value={form.menu_text ?? ''} onChange={(e) => setForm({ ...form, menu_text: e.target.value })} />
        </div>
        {canManage ? <button type="submit">Save</button> : <p className="muted">Only owners and admins can change this.</p>}
        {status.ok && <p role="status">{status.ok}</p>}
        {status.error && (
          <p className="error" role="alert">
            {status.error}
          </p>
        )}
      </form>
      {keywords.data && (
        <>
          <h3>Keywords in effect</h3>
          <p data-testid="prefs-in-effect">{keywords.data.enabled ? keywords.data.in_effect.join(', ') : 'Off: the keyword is not answered.'}</p>
          <p className="muted small">
            Built in: {Object.entries(keywords.data.defaults)
              .map(([lang, list]) => `${lang}: ${list.join(', ')}`)
              .join(' · ')}
            . A keyword may not also be a STOP or START word.
          </p>
        </>
      )}
    </section>
  );
}
