import { useState, type FormEvent } from 'react';
import { listAttributes, listTopics } from './api-client';
import { createFromRecipe, type Automation, type AutomationRecipe, type RecipeInput } from './automations-api';
import { cleanRef } from './automation-definition';
import { definitionProblemsOf, type DefinitionProblem } from './automation-problems';
import { AutomationProblemList } from './automation-problem-list';
import { AutomationTemplateFields, type TemplateRef } from './automation-template-fields';
import { listTemplates } from './templates-api';
import { useResource } from './use-resource';

/** What a recipe's "days" means, for the recipes that use it (the others have no main delay), and its default. */
const DAYS: Record<string, { label: string; usual: number }> = {
  welcome_series: { label: 'Days before the first offer', usual: 5 },
  post_purchase: { label: 'Days before the review request', usual: 7 },
  win_back: { label: 'Days to wait for an answer', usual: 14 },
  re_permission: { label: 'Days to wait for a “yes”', usual: 7 },
};

/** Where a problem is shown: a slot's picker (`templates.offer…`), the name, topic or days field, or (undefined) the list under the form. */
function placeOf(path: string, recipe: AutomationRecipe): string | undefined {
  const slot = /^templates\.([^.[]+)/.exec(path)?.[1];
  if (slot) return recipe.slots.some((s) => s.key === slot) ? `templates.${slot}` : undefined;
  return /^(name|topic|days)$/.exec(path)?.[1];
}

/** A recipe's form: name, topic, a template per slot and (where it has one) its main delay; creates the draft. */
export function AutomationRecipeForm({ recipe, onSaved, onCancel }: { recipe: AutomationRecipe; onSaved: (a: Automation) => void; onCancel: () => void }) {
  const topics = useResource(listTopics);
  const attributes = useResource(listAttributes);
  const templates = useResource(() => listTemplates({ status: 'APPROVED' }));
  const [name, setName] = useState(recipe.name);
  const [topic, setTopic] = useState('');
  const [chosen, setChosen] = useState<Record<string, TemplateRef>>({});
  const [days, setDays] = useState('');
  const [problems, setProblems] = useState<DefinitionProblem[]>([]);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const daysField = DAYS[recipe.key];

  const at = (place: string) => problems.filter((p) => placeOf(p.path, recipe) === place);
  // Next to the name, topic or days field the path says nothing more.
  const atField = (place: string) => at(place).map((p) => ({ path: '', problem: p.problem }));
  const other = problems.filter((p) => placeOf(p.path, recipe) === undefined);
  const forget = (place: string) => setProblems((list) => list.filter((p) => placeOf(p.path, recipe) !== place));

  async function create(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    if (topic === '') return setProblems([{ path: 'topic', problem: 'Choose the topic people must have agreed to.' }]);
    const input: RecipeInput = { topic, templates: Object.fromEntries(Object.entries(chosen).filter(([, t]) => t.name !== '').map(([k, t]) => [k, cleanRef(t)])) };
    if (name.trim() !== '') input.name = name.trim();
    if (daysField && days !== '') input.days = Math.trunc(Number(days));
    setBusy(true);
    try {
      onSaved(await createFromRecipe(recipe.key, input));
    } catch (err) {
      const found = definitionProblemsOf(err);
      setProblems(found ?? []);
      const placed = (found ?? []).filter((p) => placeOf(p.path, recipe) !== undefined).length;
      const where = placed === 0 ? 'below' : found && placed === found.length ? 'at the fields' : 'at the fields and below';
      if (found) setError(`The automation was not created: ${found.length === 1 ? 'one thing needs' : `${found.length} things need`} fixing (shown ${where}).`);
      else setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  const loadProblem = topics.error ?? templates.error ?? attributes.error;
  return (
    <section className="card editor" aria-labelledby="recipe-form-title" data-testid="recipe-form">
      <h3 id="recipe-form-title">{`New automation: ${recipe.name}`}</h3>
      <p className="muted">{recipe.description}</p>
      {loadProblem && (
        <p className="error" role="alert">
          {loadProblem}
        </p>
      )}
      <form onSubmit={create} aria-label={`New automation from ${recipe.name}`} noValidate>
        <div className="row">
          <div className="field">
            <label htmlFor="recipe-name">Name</label>
            <input id="recipe-name" value={name} onChange={(e) => { setName(e.target.value); forget('name'); }} maxLength={200} />
            <AutomationProblemList problems={atField('name')} label="Problems with the name" />
          </div>
          <div className="field">
            <label htmlFor="recipe-topic">Topic</label>
            <select id="recipe-topic" value={topic} onChange={(e) => { setTopic(e.target.value); forget('topic'); }}>
              <option value="">Choose a topic</option>
              {(topics.data?.data ?? []).map((t) => (
                <option key={t.id} value={t.key}>
                  {`${t.name} · ${t.category}`}
                </option>
              ))}
            </select>
            <AutomationProblemList problems={atField('topic')} label="Problems with the topic" />
          </div>
          {daysField && (
            <div className="field">
              <label htmlFor="recipe-days">{`${daysField.label} (optional)`}</label>
              <input id="recipe-days" type="number" className="narrow-input" min={1} max={365} value={days} placeholder={String(daysField.usual)} onChange={(e) => { setDays(e.target.value); forget('days'); }} />
              <AutomationProblemList problems={atField('days')} label="Problems with the days" />
            </div>
          )}
        </div>
        <p className="muted small">Only people who agreed to this topic get its messages; someone who says STOP leaves at once.</p>
        {recipe.slots.map((slot) => (
          <fieldset key={slot.key} className="builder" aria-invalid={at(`templates.${slot.key}`).length > 0} data-testid="recipe-slot">
            <legend>{slot.label}</legend>
            <AutomationTemplateFields
              id={`recipe-slot-${slot.key}`}
              label="Template"
              value={chosen[slot.key] ?? { name: '', language: '' }}
              templates={templates.data?.data ?? []}
              attributes={attributes.data?.data ?? []}
              onChange={(t) => { setChosen((c) => ({ ...c, [slot.key]: t })); forget(`templates.${slot.key}`); }}
            />
            <AutomationProblemList problems={at(`templates.${slot.key}`)} label={`Problems with “${slot.label}”`} />
          </fieldset>
        ))}
        {recipe.attributes.length > 0 && <p className="muted small">{`Uses the contact attribute${recipe.attributes.length > 1 ? 's' : ''} ${recipe.attributes.map((a) => `“${a.key}”`).join(', ')} (created if missing).`}</p>}
        <AutomationProblemList problems={other} label="Problems in the steps" />
        {error && (
          <p className="error" role="alert" data-testid="recipe-form-error">
            {error}
          </p>
        )}
        <div className="row">
          <button type="submit" disabled={busy}>
            Create the draft
          </button>
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
