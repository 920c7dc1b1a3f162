import { useState } from 'react';
import type { Topic } from './api-client';
import { draftFromMapping, type ConsentMode, type FieldError, type MappingDraft } from './import-mapping';
import type { Delimiter, SavedMapping } from './imports-api';

const DELIMITERS: { value: '' | Delimiter; label: string }[] = [
  { value: '', label: 'As detected' },
  { value: ',', label: 'Comma ,' },
  { value: ';', label: 'Semicolon ;' },
  { value: '\t', label: 'Tab' },
  { value: '|', label: 'Pipe |' },
];

// Fields whose API error shows under them; any other mapping error shows at the end of the form.
const MAPPING_FIELDS: readonly string[] = ['mapping.consent_date', 'mapping.consent_source', 'mapping.country', 'mapping.default_country', 'mapping.defaults.language', 'mapping.defaults.tags', 'mapping.defaults.timezone', 'mapping.language', 'mapping.name', 'mapping.phone', 'mapping.tags', 'mapping.tags_separator', 'mapping.timezone', 'mapping.topics', 'mapping.topics.consent_column', 'mapping.topics.false_values', 'mapping.topics.keys', 'mapping.topics.true_values'];

/** A select of the file's columns ('' = not mapped). */
function ColumnSelect(props: { id: string; label: string; value: string; header: string[]; onChange: (v: string) => void; invalid: boolean; required?: boolean; hint?: string | undefined; problem?: string | undefined }) {
  const known = props.value === '' || props.header.includes(props.value);
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.target.value)} required={props.required} aria-invalid={props.invalid || !known ? true : undefined}>
        <option value="">{props.required ? 'Choose a column' : '— not in the file —'}</option>
        {!known && <option value={props.value}>{`${props.value} (not in this file)`}</option>}
        {props.header.map((h) => (
          <option key={h} value={h}>
            {h}
          </option>
        ))}
      </select>
      {props.hint && <span className="muted small">{props.hint}</span>}
      <Problem text={props.problem} />
    </div>
  );
}

/** The API's message under the field it names. */
function Problem({ text }: { text: string | undefined }) {
  if (!text) return null;
  return (
    <p className="error small" role="alert" data-testid="field-error">
      {text}
    </p>
  );
}

/** A text input of the mapping (defaults, values). */
function TextField(props: { id: string; label: string; value: string; onChange: (v: string) => void; invalid: boolean; placeholder?: string; maxLength?: number; problem?: string | undefined }) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input id={props.id} value={props.value} onChange={(e) => props.onChange(e.target.value)} placeholder={props.placeholder} maxLength={props.maxLength ?? 200} aria-invalid={props.invalid ? true : undefined} />
      <Problem text={props.problem} />
    </div>
  );
}

/** Which column feeds which contact field, the consent column and the defaults; starts from a preset or a saved mapping. */
export function ImportMappingForm(props: { header: string[]; detectedDelimiter: string; draft: MappingDraft; onChange: (d: MappingDraft) => void; mappings: SavedMapping[]; topics: Topic[]; invalidFields: string[]; error: FieldError | undefined }) {
  const { header, draft: d, onChange, invalidFields, error } = props;
  const msg = (field: string) => (error?.field === field ? error.message : undefined);
  const set = <K extends keyof MappingDraft>(k: K, v: MappingDraft[K]) => onChange({ ...d, [k]: v });
  const bad = (...fields: string[]) => fields.some((f) => invalidFields.includes(f));
  const setName = (i: number, v: string) => {
    const name = [...d.name];
    name[i] = v;
    set('name', name.filter((n, j) => n !== '' || j < i).slice(0, 3).filter((n) => n !== ''));
  };
  const nameSlots = Math.min(d.name.length + 1, 3);
  const [chosen, setChosen] = useState<SavedMapping>();
  return (
    <div className="import-mapping" data-testid="import-mapping">
      <div className="field">
        <label htmlFor="import-preset">Start from</label>
        <select
          id="import-preset"
          value={chosen?.id ?? ''}
          onChange={(e) => {
            const m = props.mappings.find((x) => x.id === e.target.value);
            setChosen(m);
            if (m) onChange(draftFromMapping(m.mapping));
          }}
        >
          <option value="">Choose a preset or a saved mapping…</option>
          {props.mappings.map((m) => (
            <option key={m.id} value={m.id}>
              {m.preset ? `${m.name} (preset)` : m.name}
            </option>
          ))}
        </select>
        {chosen?.note && (
          <span className="muted small" data-testid="preset-note">
            {chosen.note}
          </span>
        )}
      </div>
      <div className="import-grid">
        <div className="field">
          <label htmlFor="import-delimiter">Delimiter</label>
          <select id="import-delimiter" value={d.delimiter} onChange={(e) => set('delimiter', e.target.value as MappingDraft['delimiter'])}>
            {DELIMITERS.map((o) => (
              <option key={o.label} value={o.value}>
                {o.value === '' ? `${o.label} (${props.detectedDelimiter === '\t' ? 'tab' : props.detectedDelimiter})` : o.label}
              </option>
            ))}
          </select>
        </div>
        <ColumnSelect id="import-phone" label="Phone column" value={d.phone} header={header} onChange={(v) => set('phone', v)} invalid={bad('mapping.phone', d.phone)} problem={msg('mapping.phone')} required />
        {Array.from({ length: nameSlots }, (_, i) => (
          <ColumnSelect key={i} id={`import-name-${i}`} label={i === 0 ? 'Name column' : `Name, part ${i + 1}`} value={d.name[i] ?? ''} header={header} onChange={(v) => setName(i, v)} invalid={bad('mapping.name', d.name[i] ?? '-')} problem={i === 0 ? msg('mapping.name') : undefined} hint={i === 0 ? 'Several parts are joined with a space (first + last).' : undefined} />
        ))}
        <ColumnSelect id="import-country" label="Country column" value={d.country} header={header} onChange={(v) => set('country', v)} invalid={bad('mapping.country', d.country)} problem={msg('mapping.country')} hint="ISO codes such as US, for numbers without +country code." />
        <TextField id="import-default-country" label="Default country" value={d.defaultCountry} onChange={(v) => set('defaultCountry', v)} invalid={bad('mapping.default_country')} problem={msg('mapping.default_country')} placeholder="GB" maxLength={2} />
        <ColumnSelect id="import-language" label="Language column" value={d.language} header={header} onChange={(v) => set('language', v)} invalid={bad('mapping.language', d.language)} problem={msg('mapping.language')} />
        <ColumnSelect id="import-timezone" label="Time zone column" value={d.timezone} header={header} onChange={(v) => set('timezone', v)} invalid={bad('mapping.timezone', d.timezone)} problem={msg('mapping.timezone')} />
        <ColumnSelect id="import-tags" label="Tags column" value={d.tags} header={header} onChange={(v) => set('tags', v)} invalid={bad('mapping.tags', d.tags)} problem={msg('mapping.tags')} />
        {d.tags && <TextField id="import-tags-separator" label="Tags separator" value={d.tagsSeparator} onChange={(v) => set('tagsSeparator', v)} invalid={bad('mapping.tags_separator')} problem={msg('mapping.tags_separator')} maxLength={5} />}
      </div>
      <ConsentFields {...props} set={set} bad={bad} msg={msg} />
      <fieldset className="builder">
        <legend>Defaults</legend>
        <div className="import-grid">
          <TextField id="import-default-language" label="Default language" value={d.defaultLanguage} onChange={(v) => set('defaultLanguage', v)} invalid={bad('mapping.defaults.language')} problem={msg('mapping.defaults.language')} placeholder="en" maxLength={20} />
          <TextField id="import-default-timezone" label="Default time zone" value={d.defaultTimezone} onChange={(v) => set('defaultTimezone', v)} invalid={bad('mapping.defaults.timezone')} problem={msg('mapping.defaults.timezone')} placeholder="Europe/London" maxLength={64} />
          <TextField id="import-default-tags" label="Tags for every contact" value={d.defaultTags} onChange={(v) => set('defaultTags', v)} invalid={bad('mapping.defaults.tags')} problem={msg('mapping.defaults.tags')} placeholder="imported, spring-fair" />
        </div>
      </fieldset>
      {error && error.field.startsWith('mapping') && !MAPPING_FIELDS.includes(error.field) && <Problem text={error.message} />}
    </div>
  );
}

/** What people consented to: nothing, a yes/no column granting a topic, or a topic every row agreed to. */
function ConsentFields(props: { header: string[]; draft: MappingDraft; topics: Topic[]; set: <K extends keyof MappingDraft>(k: K, v: MappingDraft[K]) => void; bad: (...f: string[]) => boolean; msg: (field: string) => string | undefined }) {
  const { draft: d, set, bad, msg, header } = props;
  const modes: { value: ConsentMode; label: string }[] = [
    { value: 'none', label: 'No consent in this file (contacts only)' },
    { value: 'column', label: 'A yes/no column says who agreed to a topic' },
    { value: 'all', label: 'Every row agreed to a topic' },
  ];
  return (
    <fieldset className="builder">
      <legend>Consent</legend>
      {modes.map((m) => (
        <label key={m.value} className="choice consent-mode">
          <input type="radio" name="import-consent" value={m.value} checked={d.consent === m.value} onChange={() => set('consent', m.value)} />
          {m.label}
        </label>
      ))}
      {d.consent !== 'none' && (
        <div className="import-grid">
          <div className="field">
            <label htmlFor="import-topic">Topic granted</label>
            <select id="import-topic" value={d.topic} onChange={(e) => set('topic', e.target.value)} required aria-invalid={bad('mapping.topics.keys', 'mapping.topics') ? true : undefined}>
              <option value="">Choose a topic</option>
              {props.topics.map((t) => (
                <option key={t.id} value={t.key}>
                  {`${t.name} (${t.key})`}
                </option>
              ))}
            </select>
            {props.topics.length === 0 && <span className="error small">No topics yet: create one first (Topics).</span>}
            <Problem text={msg('mapping.topics.keys') ?? msg('mapping.topics')} />
          </div>
          {d.consent === 'column' && (
            <>
              <ColumnSelect id="import-consent-column" label="Yes/no consent column" value={d.consentColumn} header={header} onChange={(v) => set('consentColumn', v)} invalid={bad('mapping.topics.consent_column', d.consentColumn)} problem={msg('mapping.topics.consent_column')} required />
              <TextField id="import-true-values" label="Values read as yes" value={d.trueValues} onChange={(v) => set('trueValues', v)} invalid={bad('mapping.topics.true_values')} problem={msg('mapping.topics.true_values')} placeholder="yes, true, 1, subscribed (default)" />
              <TextField id="import-false-values" label="Values read as no" value={d.falseValues} onChange={(v) => set('falseValues', v)} invalid={bad('mapping.topics.false_values')} problem={msg('mapping.topics.false_values')} placeholder="no, false, 0, unsubscribed (default)" />
            </>
          )}
          <ColumnSelect id="import-consent-date" label="Consent date column" value={d.consentDate} header={header} onChange={(v) => set('consentDate', v)} invalid={bad('mapping.consent_date', d.consentDate)} problem={msg('mapping.consent_date')} hint="Optional; a row with it empty gets no grant." />
          <ColumnSelect id="import-consent-source" label="Consent source column" value={d.consentSource} header={header} onChange={(v) => set('consentSource', v)} invalid={bad('mapping.consent_source', d.consentSource)} problem={msg('mapping.consent_source')} hint="Optional; a row with it empty gets no grant." />
        </div>
      )}
    </fieldset>
  );
}
