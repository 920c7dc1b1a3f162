import { useState, type FormEvent } from 'react';
import { putAutoReplies, problemsOf, type AutoReplies, type AutoRepliesBody } from './auto-replies-api';
import { FaqFields, type FaqDraft } from './auto-replies-faq-fields';
import { useCan } from './permissions';

type Simple = { enabled: boolean; text: string };
type KeywordDraft = { words: string; text: string };
const SIMPLE = [
  ['greeting', 'Greeting', "sent on a person's first message ever"],
  ['away', 'Away message', 'sent outside business hours'],
  ['fallback', 'Fallback', 'sent in business hours when nothing else answered in the 24-hour window, e.g. "A person will answer within 2 hours."'],
] as const;
type SimpleKey = (typeof SIMPLE)[number][0];

const words = (s: string) =>
  s
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean);

/** The auto-replies: the master switch, greeting / away / fallback, keyword replies and the FAQ menu, saved as a whole. */
export function AutoRepliesForm({ replies, onSaved }: { replies: AutoReplies; onSaved: (r: AutoReplies) => void }) {
  const canManage = useCan('workspace:manage');
  const [enabled, setEnabled] = useState(replies.enabled);
  const [simple, setSimple] = useState<Record<SimpleKey, Simple>>(() => Object.fromEntries(SIMPLE.map(([k]) => [k, replies[k] ?? { enabled: false, text: '' }])) as Record<SimpleKey, Simple>);
  const [keywords, setKeywords] = useState<KeywordDraft[]>((replies.keywords ?? []).map((k) => ({ words: k.keywords.join(', '), text: k.text })));
  const [faq, setFaq] = useState<FaqDraft | null>(replies.faq ? { ...replies.faq, keywords: replies.faq.keywords.join(', ') } : null);
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setProblems([]);
    // A reply switched off with no text is stored as absent; one switched on without text gets the API's 422.
    const pick = (k: SimpleKey) => (simple[k].enabled || simple[k].text.trim() ? simple[k] : null);
    const body: AutoRepliesBody = {
      enabled,
      greeting: pick('greeting'),
      away: pick('away'),
      fallback: pick('fallback'),
      keywords: keywords.map((k) => ({ keywords: words(k.words), text: k.text })),
      faq: faq ? { ...faq, keywords: words(faq.keywords) } : null,
      overrides: replies.overrides ?? [],
    };
    try {
      onSaved(await putAutoReplies(body));
    } catch (err) {
      setProblems(problemsOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="settings-form" onSubmit={submit} aria-label="Auto-replies">
      <h3>Auto-replies</h3>
      <p className="muted">
        Each goes at most once per 24-hour window per person, never while an agent handles the conversation, never to STOP, START, PREFERENCES or MENU, and never when an automation answers the message. Order: FAQ choice, keyword, FAQ menu, greeting, away, fallback.
      </p>
      <label className="choice">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Send auto-replies
      </label>
      {SIMPLE.map(([k, label, hint]) => (
        <fieldset key={k} className="reply-box">
          <legend>
            <label className="choice">
              <input type="checkbox" checked={simple[k].enabled} onChange={(e) => setSimple({ ...simple, [k]: { ...simple[k], enabled: e.target.checked } })} /> {label}
            </label>
          </legend>
          <p className="muted">{hint}</p>
          <textarea aria-label={`${label} text`} rows={2} value={simple[k].text} maxLength={4096} onChange={(e) => setSimple({ ...simple, [k]: { ...simple[k], text: e.target.value } })} />
        </fieldset>
      ))}
      <fieldset className="reply-box">
        <legend>Keyword replies</legend>
        <p className="muted">A message that is exactly one of the words (case, accents and punctuation ignored) gets the text.</p>
        {keywords.map((k, i) => (
          <div className="keyword-row" key={i}>
            <input aria-label={`Keywords ${i + 1}`} value={k.words} placeholder="price, prices" onChange={(e) => setKeywords(keywords.map((x, j) => (j === i ? { ...x, words: e.target.value } : x)))} />
            <textarea aria-label={`Answer ${i + 1}`} rows={2} value={k.text} onChange={(e) => setKeywords(keywords.map((x, j) => (j === i ? { ...x, text: e.target.value } : x)))} />
            <button type="button" className="secondary" onClick={() => setKeywords(keywords.filter((_, j) => j !== i))}>
              Remove
            </button>
          </div>
        ))}
        <button type="button" className="secondary" onClick={() => setKeywords([...keywords, { words: '', text: '' }])}>
          Add keyword reply
        </button>
      </fieldset>
      <FaqFields faq={faq} onChange={setFaq} />
      {canManage ? (
        <div className="row">
          <button type="submit" disabled={busy}>
            Save auto-replies
          </button>
        </div>
      ) : (
        <p className="muted">Only owners and admins can change this.</p>
      )}
      {problems.length > 0 && (
        <ul className="error" role="alert">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </form>
  );
}
