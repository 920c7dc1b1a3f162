import type { AutoRepliesBody } from './auto-replies-api';
import { listAutomations } from './automations-api';
import { useResource } from './use-resource';

type Faq = NonNullable<AutoRepliesBody['faq']>;
type Row = Faq['rows'][number];
/** The FAQ menu as the form edits it (keywords as one comma-separated text). */
export type FaqDraft = Omit<Faq, 'keywords'> & { keywords: string };

const EMPTY: FaqDraft = { enabled: true, keywords: 'help', body: 'How can we help?', button: 'Options', rows: [{ id: 'hours', title: 'Opening hours', answer: '' }] };

/** The FAQ menu: words that send it, its text and button, and up to 10 rows that answer with a text or enrol in an automation. */
export function FaqFields({ faq, onChange }: { faq: FaqDraft | null; onChange: (f: FaqDraft | null) => void }) {
  const automations = useResource(listAutomations);
  const published = (automations.data?.data ?? []).filter((a) => a.status === 'published');
  if (!faq) {
    return (
      <fieldset className="reply-box">
        <legend>FAQ menu</legend>
        <p className="muted">An interactive list: each row answers with a text or enrols the person in an automation.</p>
        <button type="button" className="secondary" onClick={() => onChange(EMPTY)}>
          Add a FAQ menu
        </button>
      </fieldset>
    );
  }
  const setRow = (i: number, row: Row) => onChange({ ...faq, rows: faq.rows.map((r, j) => (j === i ? row : r)) });
  return (
    <fieldset className="reply-box">
      <legend>
        <label className="choice">
          <input type="checkbox" checked={faq.enabled} onChange={(e) => onChange({ ...faq, enabled: e.target.checked })} /> FAQ menu
        </label>
      </legend>
      <div className="field">
        <label htmlFor="faq-words">Words that send it</label>
        <input id="faq-words" value={faq.keywords} onChange={(e) => onChange({ ...faq, keywords: e.target.value })} placeholder="help, faq" />
      </div>
      <div className="field">
        <label htmlFor="faq-body">Text</label>
        <input id="faq-body" value={faq.body} maxLength={1024} onChange={(e) => onChange({ ...faq, body: e.target.value })} />
      </div>
      <div className="field">
        <label htmlFor="faq-button">Button</label>
        <input id="faq-button" value={faq.button} maxLength={20} onChange={(e) => onChange({ ...faq, button: e.target.value })} />
      </div>
      {faq.rows.map((r, i) => (
        <div className="keyword-row" key={i}>
          <input aria-label={`Row ${i + 1} id`} placeholder="row id" value={r.id} maxLength={40} onChange={(e) => setRow(i, { ...r, id: e.target.value })} />
          <input aria-label={`Row ${i + 1} title`} placeholder="title shown in the list" value={r.title} maxLength={24} onChange={(e) => setRow(i, { ...r, title: e.target.value })} />
          <select
            aria-label={`Row ${i + 1} does`}
            value={r.automation_id ?? ''}
            onChange={(e) => setRow(i, e.target.value ? { id: r.id, title: r.title, automation_id: e.target.value } : { id: r.id, title: r.title, answer: '' })}
          >
            <option value="">answers with a text</option>
            {published.map((a) => (
              <option key={a.id} value={a.id}>
                enrols in {a.name}
              </option>
            ))}
          </select>
          {r.automation_id === undefined && <textarea aria-label={`Row ${i + 1} answer`} rows={2} value={r.answer ?? ''} onChange={(e) => setRow(i, { ...r, answer: e.target.value })} />}
          <button type="button" className="secondary" onClick={() => onChange({ ...faq, rows: faq.rows.filter((_, j) => j !== i) })}>
            Remove
          </button>
        </div>
      ))}
      <div className="row">
        <button type="button" className="secondary" disabled={faq.rows.length >= 10} onClick={() => onChange({ ...faq, rows: [...faq.rows, { id: `row${faq.rows.length + 1}`, title: '', answer: '' }] })}>
          Add row
        </button>
        <button type="button" className="secondary" onClick={() => onChange(null)}>
          Remove the menu
        </button>
      </div>
    </fieldset>
  );
}
