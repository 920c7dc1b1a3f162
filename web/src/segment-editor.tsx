import { useMemo, useState, type FormEvent } from 'react';
import { ApiError, createSegment, type AttributeDefinition, type Segment, type SegmentCatalog } from './api-client';
import { SegmentRulesEditor } from './segment-rules-editor';
import { parseRulesText, subjectsOf } from './segment-rules';
import { useRulesDraft } from './use-rules-draft';
import { rulesProblemOf, useSegmentPreview, type RulesProblem } from './use-segment-preview';

type Kind = 'dynamic' | 'static';

/** True for a 422 whose field problems are about the name (empty, too long). */
function isNameProblem(err: ApiError): boolean {
  const fields = err.details.fields;
  return err.code === 'VALIDATION_FAILED' && Array.isArray(fields) && fields.some((f) => (f as { field?: unknown }).field === 'name');
}

/**
 * A new segment: a name, then either rules (builder and JSON kept in step, with a live count and
 * sample) for a dynamic segment, or nothing more for a static list. Hands the saved one to `onSaved`.
 */
export function SegmentEditor({ catalog, attributes, onSaved, onCancel }: { catalog: SegmentCatalog; attributes: AttributeDefinition[]; onSaved: (s: Segment) => void; onCancel: () => void }) {
  const subjects = useMemo(() => subjectsOf(catalog, attributes), [catalog, attributes]);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [kind, setKind] = useState<Kind>('dynamic');
  const draft = useRulesDraft(subjects);
  const text = draft.text;
  const [nameError, setNameError] = useState<string>();
  // A problem found on saving belongs to the text saved; it goes away once the rules change.
  const [saveProblem, setSaveProblem] = useState<{ text: string; problem: RulesProblem }>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const preview = useSegmentPreview(text, kind === 'dynamic');

  async function save(e: FormEvent) {
    e.preventDefault();
    setNameError(undefined);
    setError(undefined);
    setSaveProblem(undefined);
    const parsed = kind === 'dynamic' ? parseRulesText(text) : { rules: undefined };
    if ('problem' in parsed) return setSaveProblem({ text, problem: { path: 'rules', problem: parsed.problem } });
    setBusy(true);
    try {
      onSaved(await createSegment({ name, ...(description.trim() ? { description } : {}), ...(kind === 'dynamic' ? { rules: parsed.rules } : {}) }));
    } catch (err) {
      const problem = rulesProblemOf(err);
      if (err instanceof ApiError && (err.code === 'SEGMENT_NAME_TAKEN' || isNameProblem(err))) setNameError(err.message);
      else if (problem) setSaveProblem({ text, problem });
      else setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  const problem = (saveProblem?.text === text ? saveProblem.problem : undefined) ?? (preview.status === 'invalid' ? preview.error : undefined);
  return (
    <section className="card editor" aria-labelledby="segment-editor-title" data-testid="segment-editor">
      <h3 id="segment-editor-title">New segment</h3>
      <form onSubmit={save} aria-label="New segment" noValidate>
        <div className="field">
          <label htmlFor="segment-name">Name</label>
          <input
            id="segment-name"
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              setNameError(undefined);
            }}
            maxLength={200}
            placeholder="e.g. Nigeria VIPs"
            aria-invalid={nameError ? true : undefined}
            aria-describedby={nameError ? 'segment-name-error' : undefined}
          />
          {nameError && (
            <p id="segment-name-error" className="error" role="alert" data-testid="segment-name-error">
              {nameError}
            </p>
          )}
        </div>
        <div className="field">
          <label htmlFor="segment-description">Description (optional)</label>
          <input id="segment-description" value={description} onChange={(e) => setDescription(e.target.value)} maxLength={2000} />
        </div>
        <div className="row" role="radiogroup" aria-label="Kind">
          <label className="choice">
            <input type="radio" name="kind" checked={kind === 'dynamic'} onChange={() => setKind('dynamic')} />
            Dynamic segment (rules, evaluated when used)
          </label>
          <label className="choice">
            <input type="radio" name="kind" checked={kind === 'static'} onChange={() => setKind('static')} />
            Static list (members added through the API)
          </label>
        </div>
        {kind === 'dynamic' && (
          <SegmentRulesEditor draft={draft} subjects={subjects} problem={problem} preview={preview} />
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="row">
          <button type="submit" disabled={busy}>
            {kind === 'dynamic' ? 'Save segment' : 'Create list'}
          </button>
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
