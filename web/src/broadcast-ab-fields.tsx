import type { AttributeDefinition } from './api-client';
import { variantOn, type AbDraft } from './broadcast-ab';
import { BroadcastAbVariant } from './broadcast-ab-variant';
import type { Template } from './templates-api';
import type { VariableDraft } from './variable-mapping';

/**
 * The composer's "A/B test" section: variant A is the message above; B–D each pick a template of
 * the same category and their own variable values; then the test share, holdout, metric, window
 * and whether the winner goes to the rest by itself. `apiError` is the API's complaint about a field of `ab_test`.
 */
export function BroadcastAbFields({ draft, templates, main, attributes, showProblems, apiError, onChange }: {
  draft: AbDraft;
  templates: Template[];
  main: { template?: Template; drafts: Record<string, VariableDraft> };
  attributes: AttributeDefinition[];
  showProblems: boolean;
  apiError?: string;
  onChange: (d: AbDraft) => void;
}) {
  const sameCategory = templates.filter((t) => !main.template || t.category === main.template.category);
  const set = (patch: Partial<AbDraft>) => onChange({ ...draft, ...patch });
  return (
    <fieldset className="builder" data-testid="ab-test-fields">
      <legend>A/B test</legend>
      <label className="check">
        <input type="checkbox" checked={draft.on} onChange={(e) => set({ on: e.target.checked, variants: e.target.checked && draft.variants.length === 0 ? [variantOn(main.template, main.drafts)] : draft.variants })} />
        Test variants on part of the audience first, then send the winner to the rest
      </label>
      {draft.on && (
        <>
          <p className="muted small">Variant A is the message above. Each person's group comes from a hash of the broadcast and the contact, so it never changes.</p>
          {draft.variants.map((v, i) => (
            <BroadcastAbVariant
              key={i}
              label={'BCD'[i]!}
              draft={v}
              templates={sameCategory}
              attributes={attributes}
              showProblems={showProblems}
              onChange={(next) => set({ variants: draft.variants.map((x, j) => (j === i ? next : x)) })}
              onRemove={() => set({ variants: draft.variants.filter((_, j) => j !== i) })}
            />
          ))}
          {draft.variants.length < 3 && (
            <button type="button" className="secondary" onClick={() => set({ variants: [...draft.variants, variantOn(main.template, main.drafts)] })}>
              Add a variant
            </button>
          )}
          <div className="row wrap">
            <div className="field">
              <label htmlFor="ab-test-percent">Test share (%)</label>
              <input id="ab-test-percent" inputMode="numeric" value={draft.testPercent} onChange={(e) => set({ testPercent: e.target.value })} aria-describedby="ab-test-percent-help" />
              <span id="ab-test-percent-help" className="muted small">split evenly among the variants</span>
            </div>
            <div className="field">
              <label htmlFor="ab-holdout-percent">Holdout (%)</label>
              <input id="ab-holdout-percent" inputMode="numeric" value={draft.holdoutPercent} onChange={(e) => set({ holdoutPercent: e.target.value })} aria-describedby="ab-holdout-help" />
              <span id="ab-holdout-help" className="muted small">gets nothing: the control</span>
            </div>
            <div className="field">
              <label htmlFor="ab-metric">Winner by</label>
              <select id="ab-metric" value={draft.metric} onChange={(e) => set({ metric: e.target.value as AbDraft['metric'] })}>
                <option value="read">Read rate</option>
                <option value="reply">Reply rate</option>
                <option value="click">Click rate</option>
                <option value="conversion">Conversion (purchase events)</option>
              </select>
            </div>
            <div className="field">
              <label htmlFor="ab-window">Test window (hours)</label>
              <input id="ab-window" inputMode="numeric" value={draft.windowHours} onChange={(e) => set({ windowHours: e.target.value })} />
            </div>
            <div className="field">
              <label htmlFor="ab-send-winner">Then</label>
              <select id="ab-send-winner" value={draft.sendWinner} onChange={(e) => set({ sendWinner: e.target.value as AbDraft['sendWinner'] })}>
                <option value="confirm">Wait for a manager to confirm the winner</option>
                <option value="auto">Send the winner to the rest automatically</option>
              </select>
            </div>
          </div>
          {apiError && (
            <p className="error" role="alert" data-testid="ab-test-error">
              {apiError}
            </p>
          )}
        </>
      )}
    </fieldset>
  );
}
