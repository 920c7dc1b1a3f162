import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { ApiError, listPhoneNumbers } from './api-client';
import { TemplateButtonFields } from './template-button-fields';
import { bodyVariables, draftToDefinition, EMPTY_DRAFT, placeIssues, type Issue, type PlacedIssue, type TemplateDraft } from './template-draft';
import { describedBy, FieldIssues } from './template-field-issues';
import { TemplateHeaderFields } from './template-header-fields';
import { TEMPLATE_LANGUAGES } from './template-languages';
import { TemplatePhonePreview } from './template-phone-preview';
import { createTemplate, lintTemplate, type LintResult, type Template } from './templates-api';
import { useResource } from './use-resource';
import './template-composer.css';

const CATEGORIES: { value: TemplateDraft['category']; label: string }[] = [
  { value: 'MARKETING', label: 'Marketing (offers, news)' },
  { value: 'UTILITY', label: 'Utility (orders, accounts)' },
  { value: 'AUTHENTICATION', label: 'Authentication (one-time codes)' },
];

/** The form group a field's findings belong to: they show once the person has edited that group (or tried to submit). */
const groupOf = (field: string) => (field.startsWith('button') ? 'buttons' : field.split('-')[0]!);

/** "2 problems to fix." and, when some are in parts not filled in yet, where they are. */
function summary(errors: number, hidden: number): string {
  const n = `${errors} ${errors === 1 ? 'problem' : 'problems'} to fix`;
  return hidden > 0 ? `${n}, ${hidden === errors ? '' : `${hidden} of them `}in parts not filled in yet (Submit for review marks them).` : `${n}.`;
}

/** Lints the draft through the API 400 ms after the last change; answers to older drafts are dropped. */
function useLiveLint(definition: unknown, enabled: boolean): { lint: LintResult | undefined; setLint: (l: LintResult) => void; failed: string | undefined } {
  const [lint, setLint] = useState<LintResult>();
  const [failed, setFailed] = useState<string>();
  const seq = useRef(0);
  const key = JSON.stringify(definition);
  useEffect(() => {
    if (!enabled) return;
    const mine = ++seq.current;
    const timer = setTimeout(() => {
      lintTemplate(definition as Parameters<typeof lintTemplate>[0]).then(
        (r) => mine === seq.current && (setLint(r), setFailed(undefined)),
        (err: unknown) => mine === seq.current && setFailed(err instanceof Error ? err.message : String(err)),
      );
    }, 400);
    return () => clearTimeout(timer);
    // `key` stands for the definition.
  }, [key, enabled]);
  return { lint, setLint, failed };
}

/** "New template": name, language, category, header, body with examples, footer and buttons, linted as typed, with a phone preview; submits to Meta for review. */
export function TemplateComposer({ onCreated, onCancel }: { onCreated: (t: Template) => void; onCancel: () => void }) {
  const [draft, setDraft] = useState<TemplateDraft>(EMPTY_DRAFT);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const [serverIssues, setServerIssues] = useState<PlacedIssue[]>([]);
  const [numberId, setNumberId] = useState('');
  const numbers = useResource(() => listPhoneNumbers());
  const wabas = new Set((numbers.data?.data ?? []).map((n) => n.waba_id));
  const { definition, kinds } = useMemo(() => draftToDefinition(draft), [draft]);
  const { lint, setLint, failed } = useLiveLint(definition, touched.size > 0);
  const vars = bodyVariables(draft.body);

  const set = (group: string) => (patch: Partial<TemplateDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setTouched((t) => (t.has(group) ? t : new Set([...t, group])));
    setServerIssues([]);
  };
  const all = lint ? placeIssues(lint, kinds, draft) : [];
  const issues = [...all.filter((i) => i.warning || submitted || touched.has(groupOf(i.field))), ...serverIssues];
  const errorCount = all.filter((i) => !i.warning).length;
  const hidden = errorCount - issues.filter((i) => !i.warning && all.includes(i)).length;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSubmitted(true);
    setProblem(undefined);
    const current = await lintTemplate(definition).catch(() => undefined);
    if (current) setLint(current);
    const blocking = current ? current.errors.length : errorCount;
    if (blocking > 0) {
      setProblem(`Fix the ${blocking === 1 ? 'problem' : `${blocking} problems`} marked in red before submitting.`);
      return;
    }
    setBusy(true);
    try {
      onCreated(await createTemplate({ ...definition, ...(numberId ? { number_id: numberId } : {}) }));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'TEMPLATE_INVALID') {
        const d = err.details as { issues?: Issue[]; warnings?: Issue[] };
        setLint({ errors: d.issues ?? [], warnings: d.warnings ?? [] });
        setProblem('Meta would reject this template; fix the problems marked in red.');
      } else if (err instanceof ApiError && err.code === 'TEMPLATE_NAME_TAKEN') {
        setServerIssues([{ field: 'name', message: 'A template with this name and language already exists; choose another name.', warning: false }]);
      } else {
        setProblem(err instanceof Error ? err.message : String(err));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card tpl-composer" aria-labelledby="tpl-composer-title" data-testid="template-composer">
      <div className="section-head">
        <h3 id="tpl-composer-title">New template</h3>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
      <div className="tpl-layout">
        <form className="tpl-form" onSubmit={submit} noValidate aria-label="New template">
          <div className="field">
            <label htmlFor="tpl-name">Name</label>
            <input id="tpl-name" value={draft.name} maxLength={512} autoComplete="off" placeholder="order_update" onChange={(e) => set('name')({ name: e.target.value })} aria-describedby={describedBy('name', issues)} />
            <span className="muted small">Lowercase letters, digits and underscores; customers never see it.</span>
            <FieldIssues field="name" issues={issues} />
          </div>
          <div className="row tpl-row">
            <div className="field">
              <label htmlFor="tpl-language">Language</label>
              <select id="tpl-language" value={draft.language} onChange={(e) => set('language')({ language: e.target.value })}>
                {TEMPLATE_LANGUAGES.map((l) => (
                  <option key={l.code} value={l.code}>{`${l.name} (${l.code})`}</option>
                ))}
              </select>
              <FieldIssues field="language" issues={issues} />
            </div>
            <div className="field">
              <label htmlFor="tpl-category">Category</label>
              <select id="tpl-category" value={draft.category} onChange={(e) => set('category')({ category: e.target.value as TemplateDraft['category'] })}>
                {CATEGORIES.map((c) => (
                  <option key={c.value} value={c.value}>
                    {c.label}
                  </option>
                ))}
              </select>
              <FieldIssues field="category" issues={issues} />
            </div>
          </div>
          {wabas.size > 1 && (
            <div className="field">
              <label htmlFor="tpl-number">WhatsApp number</label>
              <select id="tpl-number" value={numberId} onChange={(e) => setNumberId(e.target.value)}>
                <option value="">Choose the number whose account gets the template</option>
                {numbers.data!.data.map((n) => (
                  <option key={n.id} value={n.id}>
                    {n.display_number}
                  </option>
                ))}
              </select>
            </div>
          )}
          <TemplateHeaderFields draft={draft} set={set('header')} issues={issues} />
          <fieldset className="tpl-group">
            <legend>Message</legend>
            <div className="field wide">
              <label htmlFor="tpl-body">Body</label>
              <textarea id="tpl-body" rows={5} value={draft.body} maxLength={2000} placeholder="Hi {{1}}, your order {{2}} is on its way." onChange={(e) => set('body')({ body: e.target.value })} aria-describedby={describedBy('body', issues)} />
              <span className="muted small">{`Up to 1024 characters (${draft.body.length} now). Write {{1}}, {{2}}… where each send fills in a value.`}</span>
              <FieldIssues field="body" issues={issues} />
            </div>
            {vars.length > 0 && (
              <div className="tpl-examples" role="group" aria-label="Examples for the variables">
                {vars.map((v) => (
                  <div className="field" key={v}>
                    <label htmlFor={`tpl-example-${v}`}>{`Example for {{${v}}}`}</label>
                    <input
                      id={`tpl-example-${v}`}
                      value={draft.bodyExamples[v] ?? ''}
                      maxLength={200}
                      onChange={(e) => set('body')({ bodyExamples: { ...draft.bodyExamples, [v]: e.target.value } })}
                      aria-describedby={describedBy('body-examples', issues)}
                    />
                  </div>
                ))}
              </div>
            )}
            <FieldIssues field="body-examples" issues={issues} />
            <div className="field wide">
              <label htmlFor="tpl-footer">Footer (optional)</label>
              <input id="tpl-footer" value={draft.footer} maxLength={200} placeholder="Reply STOP to unsubscribe" onChange={(e) => set('footer')({ footer: e.target.value })} aria-describedby={describedBy('footer', issues)} />
              <FieldIssues field="footer" issues={issues} />
            </div>
          </fieldset>
          <TemplateButtonFields buttons={draft.buttons} onChange={(buttons) => set('buttons')({ buttons })} issues={issues} />
          <FieldIssues field="general" issues={issues} />
          <p className={`status-line small${errorCount > 0 || failed ? ' tpl-summary-problems' : ''}`} role="status" data-testid="template-lint-summary">
            {failed ? `The check is not answering: ${failed}` : !lint || touched.size === 0 ? '' : errorCount === 0 ? 'Ready to submit: no problems found.' : summary(errorCount, hidden)}
          </p>
          {problem && (
            <p className="error" role="alert">
              {problem}
            </p>
          )}
          <div className="row">
            <button type="submit" disabled={busy}>
              {busy ? 'Submitting…' : 'Submit for review'}
            </button>
          </div>
        </form>
        <TemplatePhonePreview draft={draft} />
      </div>
    </section>
  );
}
