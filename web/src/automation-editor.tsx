import { useMemo, useState, type FormEvent } from 'react';
import { getSegmentCatalog, listAttributes, listPhoneNumbers, listTopics } from './api-client';
import { createAutomation, updateAutomation, type Automation, type AutomationDefinition } from './automations-api';
import { cleanDefinition, formatDefinition, parseDefinitionText } from './automation-definition';
import { AutomationJsonEditor } from './automation-json-editor';
import { definitionProblemsOf, fieldOfPath } from './automation-problems';
import { AutomationProblemList } from './automation-problem-list';
import { AutomationSettingsFields } from './automation-settings-fields';
import { AutomationStepsEditor } from './automation-steps-editor';
import { subjectsOf } from './segment-rules';
import { listTemplates } from './templates-api';
import { useAutomationDraft } from './use-automation-draft';
import { useResource } from './use-resource';

/** A blank start: enrolled by hand, one template to choose. */
const BLANK: AutomationDefinition = { trigger: { type: 'api' }, topic: '', steps: [{ id: 'message', type: 'send_template', template: { name: '', language: '' } }] };

/**
 * A new automation (from a blank start) or the draft of an existing one: name, topic, trigger,
 * the steps (or the definition as JSON), and the API's problems shown at the step they name.
 */
export function AutomationEditor({ automation, onSaved, onCancel }: { automation?: Automation; onSaved: (a: Automation) => void; onCancel: () => void }) {
  const topics = useResource(listTopics);
  const numbers = useResource(listPhoneNumbers);
  const attributes = useResource(listAttributes);
  const catalog = useResource(getSegmentCatalog);
  const templates = useResource(() => listTemplates({ status: 'APPROVED' }));
  const draft = useAutomationDraft(automation ? { name: automation.name, definition: automation.definition } : { name: '', definition: BLANK });
  // The definition as JSON while the JSON editor is open (undefined: the step editor is shown).
  const [json, setJson] = useState<string>();
  const [jsonProblem, setJsonProblem] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const attributeList = attributes.data?.data ?? [];
  const subjects = useMemo(() => (catalog.data ? subjectsOf(catalog.data, attributeList) : []), [catalog.data, attributes.data]);
  const context = { templates: templates.data?.data ?? [], attributes: attributeList, subjects };

  function toggleJson() {
    setError(undefined);
    if (json === undefined) {
      setJson(formatDefinition(draft.definition));
      return;
    }
    const parsed = parseDefinitionText(json);
    if ('problem' in parsed) return setJsonProblem(parsed.problem);
    draft.replace(parsed.definition);
    setJson(undefined);
    setJsonProblem(undefined);
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    if (draft.name.trim() === '') return setError('Give the automation a name.');
    let definition = draft.definition;
    if (json !== undefined) {
      const parsed = parseDefinitionText(json);
      if ('problem' in parsed) return setJsonProblem(parsed.problem);
      definition = parsed.definition;
    } else if (definition.topic === '') return setError('Choose the topic people must have agreed to.');
    setBusy(true);
    try {
      const body = { name: draft.name.trim(), definition: cleanDefinition(definition) };
      onSaved(automation ? await updateAutomation(automation.id, body) : await createAutomation(body));
    } catch (err) {
      const problems = definitionProblemsOf(err);
      if (problems) {
        draft.showProblems(problems, json === undefined);
        setError(`The automation was not saved: ${problems.length === 1 ? 'one thing needs' : `${problems.length} things need`} fixing (shown ${json === undefined ? 'at the steps' : 'below the JSON'}).`);
      } else setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  const loadProblem = topics.error ?? templates.error ?? attributes.error ?? catalog.error ?? numbers.error;
  const other = draft.otherProblems.map((p) => ({ path: json === undefined ? fieldOfPath(p.path) : p.path, problem: p.problem }));
  const title = automation ? `Edit “${automation.name}”` : 'New automation';
  return (
    <section className="card editor" aria-labelledby="automation-editor-title" data-testid="automation-editor">
      <h3 id="automation-editor-title">{title}</h3>
      {loadProblem && (
        <p className="error" role="alert">
          {loadProblem}
        </p>
      )}
      <form onSubmit={save} aria-label={title} noValidate>
        <div className="field">
          <label htmlFor="automation-name">Name</label>
          <input id="automation-name" value={draft.name} onChange={(e) => draft.setName(e.target.value)} maxLength={200} placeholder="e.g. Welcome series" />
        </div>
        <div className="row">
          <label className="choice">
            <input type="checkbox" checked={json !== undefined} onChange={toggleJson} />
            Edit as JSON (for developers)
          </label>
        </div>
        {json === undefined ? (
          <>
            <AutomationSettingsFields settings={draft.definition} topics={topics.data?.data ?? []} numbers={numbers.data?.data ?? []} attributes={attributeList} onChange={draft.setSettings} />
            {/* The branch steps' rule builders need the catalog and attributes when they open. */}
            {(catalog.data && attributes.data) || catalog.error || attributes.error ? <AutomationStepsEditor draft={draft} context={context} /> : <p className="muted">Loading…</p>}
          </>
        ) : (
          <AutomationJsonEditor text={json} problem={jsonProblem} onChange={(t) => { setJson(t); setJsonProblem(undefined); }} />
        )}
        <AutomationProblemList problems={other} label="Problems" />
        {error && (
          <p className="error" role="alert" data-testid="automation-editor-error">
            {error}
          </p>
        )}
        <div className="row">
          <button type="submit" disabled={busy}>
            Save draft
          </button>
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
