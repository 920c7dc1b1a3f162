import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { ApiError, listAttributes, listSegments, listTopics } from './api-client';
import { abDraftOf, abInputOf, NO_AB, type AbDraft } from './broadcast-ab';
import { BroadcastAbFields } from './broadcast-ab-fields';
import { BroadcastAudienceFields, type AudienceDraft } from './broadcast-audience-fields';
import { audienceDraftOf, scheduleDraftOf, trackedLinksOf, variableDraftsOf } from './broadcast-edit';
import { NOW_DRAFT, scheduleOf, type ScheduleDraft } from './broadcast-schedule';
import { createBroadcast, updateBroadcast, type Broadcast, type BroadcastInput } from './broadcasts-api';
import { ComposerPreview } from './composer-preview';
import { ScheduleFields } from './schedule-fields';
import { templateLabel, templateText } from './template-format';
import { listTemplates } from './templates-api';
import { useResource } from './use-resource';
import { draftsFor, variablesOf, type VariableDraft } from './variable-mapping';
import { VariableMappingTable } from './variable-mapping-table';

/**
 * A new broadcast: name, audience (topic, segment or all contacts, one segment left out), an
 * approved template with a source for each of its variables, and when to send. Saved as a draft,
 * which `onCreated` opens for the audience check, a test send and Start. With `editing`, the same
 * form prefilled with that draft, saved over it (PATCH) and handed to `onCreated`.
 */
export function BroadcastComposer({ editing, onCreated, onCancel }: { editing?: Broadcast; onCreated: (b: Broadcast) => void; onCancel: () => void }) {
  const topics = useResource(listTopics);
  const segments = useResource(listSegments);
  const attributes = useResource(listAttributes);
  const templates = useResource(() => listTemplates({ status: 'APPROVED' }));
  const [name, setName] = useState(editing?.name ?? '');
  const initialAudience = useMemo(() => (editing ? audienceDraftOf(editing) : { topic: '', segment: '', exclude: '' }), [editing]);
  const [audience, setAudience] = useState<AudienceDraft>(initialAudience);
  const [templateId, setTemplateId] = useState('');
  const [drafts, setDrafts] = useState<Record<string, VariableDraft>>(() => (editing ? variableDraftsOf(editing.template.variables) : {}));
  const [schedule, setSchedule] = useState<ScheduleDraft>(() => (editing ? scheduleDraftOf(editing) : NOW_DRAFT));
  const [ab, setAb] = useState<AbDraft>(NO_AB);
  const [abError, setAbError] = useState<string>();

  // Editing: once the templates are in, select the draft's template and keep its variable rows.
  useEffect(() => {
    if (!editing || templateId !== '' || !templates.data) return;
    const t = templates.data.data.find((x) => x.name === editing.template.name && x.language === editing.template.language);
    if (!t) return;
    setTemplateId(t.id);
    setDrafts((cur) => draftsFor(t.params, cur));
    setAb(abDraftOf(editing.ab_test, templates.data.data));
  }, [templates.data]);
  const [tried, setTried] = useState(false);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const template = templates.data?.data.find((t) => t.id === templateId);
  const variables = useMemo(() => variablesOf(drafts), [drafts]);

  function chooseTemplate(id: string) {
    setTemplateId(id);
    const t = templates.data?.data.find((x) => x.id === id);
    setDrafts((cur) => draftsFor(t?.params ?? [], cur));
  }

  /** The request body, or the first thing missing. */
  function inputOf(): { input: BroadcastInput } | { problem: string } {
    if (name.trim() === '') return { problem: 'Give the broadcast a name.' };
    if (audience.topic === '') return { problem: 'Choose the topic recipients must have agreed to.' };
    if (!template) return { problem: 'Choose a template.' };
    if (!variables) return { problem: 'Fill in every variable.' };
    const when = scheduleOf(schedule);
    if ('problem' in when) return { problem: `Schedule: ${when.problem}.` };
    const sameTemplate = editing && editing.template.name === template.name && editing.template.language === template.language;
    const abBuilt = abInputOf(ab, templates.data?.data ?? []);
    if ('problem' in abBuilt) return { problem: abBuilt.problem };
    return {
      input: {
        name: name.trim(),
        audience: {
          ...(audience.segment ? { segment_id: audience.segment } : { all_contacts: true as const }),
          topic: audience.topic,
          ...(audience.exclude ? { exclude: [{ segment_id: audience.exclude }] } : {}),
        },
        // Tracked links are not edited here: the same template keeps them as they were.
        template: { name: template.name, language: template.language, variables: sameTemplate ? { ...variables, ...trackedLinksOf(editing.template.variables) } : variables },
        schedule: when.schedule,
        ...(abBuilt.ab || editing?.ab_test ? { ab_test: abBuilt.ab } : {}),
      },
    };
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    setTried(true);
    setError(undefined);
    setAbError(undefined);
    const built = inputOf();
    if ('problem' in built) return;
    setBusy(true);
    try {
      if (!editing) onCreated(await createBroadcast(built.input));
      else {
        // An untouched audience is not sent, so one built from rules (not shown here) stays as it was.
        const patch: Partial<BroadcastInput> = { ...built.input };
        if (JSON.stringify(audience) === JSON.stringify(initialAudience)) delete patch.audience;
        onCreated(await updateBroadcast(editing.id, patch));
      }
    } catch (err) {
      // A complaint about the A/B test shows inside its section, next to the fields it names.
      if (err instanceof ApiError && String(err.details.path ?? '').startsWith('ab_test')) setAbError(err.message);
      else setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  // Once Save was tried, what is still missing shows (and goes away) as the form is filled in.
  const built = tried ? inputOf() : undefined;
  const shown = (built && 'problem' in built ? built.problem : undefined) ?? error;
  const loadProblem = topics.error ?? segments.error ?? templates.error ?? attributes.error;
  return (
    <section className="card editor" aria-labelledby="composer-title" data-testid="broadcast-composer">
      <h3 id="composer-title">{editing ? `Edit “${editing.name}”` : 'New broadcast'}</h3>
      {loadProblem && (
        <p className="error" role="alert">
          {loadProblem}
        </p>
      )}
      <form onSubmit={save} aria-label={editing ? 'Edit broadcast' : 'New broadcast'} noValidate>
        <div className="field">
          <label htmlFor="broadcast-name">Name</label>
          <input id="broadcast-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={200} placeholder="e.g. Weekly offers, week 48" />
        </div>
        <BroadcastAudienceFields draft={audience} topics={topics.data?.data ?? []} segments={segments.data?.data ?? []} templateCategory={template?.category} onChange={setAudience} />
        <fieldset className="builder">
          <legend>Message</legend>
          <div className="field">
            <label htmlFor="broadcast-template">Template</label>
            <select id="broadcast-template" value={templateId} onChange={(e) => chooseTemplate(e.target.value)}>
              <option value="">Choose an approved template</option>
              {(templates.data?.data ?? []).map((t) => (
                <option key={t.id} value={t.id}>
                  {`${templateLabel(t)} · ${t.category.toLowerCase()}`}
                </option>
              ))}
            </select>
          </div>
          {templates.data && templates.data.data.length === 0 && <p className="muted small">No approved template yet: sync them on the Templates tab.</p>}
          {template && (
            <>
              <p className="message-text template-text" data-testid="composer-template-text">
                {templateText(template)}
              </p>
              <VariableMappingTable
                params={template.params}
                drafts={drafts}
                attributes={attributes.data?.data ?? []}
                showProblems={tried}
                onChange={(k, d) => setDrafts((cur) => ({ ...cur, [k]: d }))}
              />
              <ComposerPreview templateId={template.id} variables={variables} />
            </>
          )}
        </fieldset>
        <BroadcastAbFields
          draft={ab}
          templates={templates.data?.data ?? []}
          main={{ ...(template ? { template } : {}), drafts }}
          attributes={attributes.data?.data ?? []}
          showProblems={tried}
          {...(abError ? { apiError: abError } : {})}
          onChange={setAb}
        />
        <ScheduleFields draft={schedule} onChange={setSchedule} />
        {shown && (
          <p className="error" role="alert" data-testid="composer-error">
            {shown}
          </p>
        )}
        <div className="row">
          <button type="submit" disabled={busy}>
            {editing ? 'Save changes' : 'Save draft'}
          </button>
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
