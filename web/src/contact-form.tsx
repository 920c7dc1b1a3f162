import { useState, type FormEvent } from 'react';
import { type AttributeDefinition, type Contact } from './api-client';
import { AttributeRows, attributeText, attributeValue, type AttributeRow } from './contact-attribute-rows';
import { createContact, updateContact, type ContactChanges, type NewContact } from './contacts-api';
import { useCan } from './permissions';
import { SettingInput } from './settings-form-parts';
import { errorAt, fieldErrorsOf, unclaimed, wordsOf, type FieldErrors } from './settings-api';

const NO_ERRORS: FieldErrors = { byField: {} };
const CLAIMED = ['phone', 'name', 'language', 'timezone', 'tags', 'notes', 'attributes'] as const;

/** The form's fields as typed. */
interface Draft {
  phone: string;
  name: string;
  language: string;
  timezone: string;
  tags: string;
  notes: string;
  attributes: AttributeRow[];
}

/** The draft a form starts from: empty for a new contact, the contact's values when editing. */
function draftOf(c: Contact | undefined): Draft {
  return {
    phone: c?.phone ?? '',
    name: c?.name ?? '',
    language: c?.language ?? '',
    timezone: c?.timezone ?? '',
    tags: c?.tags.join(', ') ?? '',
    notes: c?.notes ?? '',
    attributes: Object.entries(c?.attributes ?? {}).map(([key, value]) => ({ key, value: attributeText(value) })),
  };
}

/** The attributes as the API takes them; when editing, one removed from the form is sent as null (removes it). */
function attributesOf(d: Draft, defs: AttributeDefinition[], before: Contact | undefined): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  for (const row of d.attributes) if (row.key) out[row.key] = attributeValue(defs.find((x) => x.key === row.key), row.value);
  for (const key of Object.keys(before?.attributes ?? {})) if (!(key in out)) out[key] = null;
  return out;
}

/** A new contact's body: only what was filled in. */
function newContactOf(d: Draft, defs: AttributeDefinition[]): NewContact {
  const body: NewContact = { phone: d.phone.trim(), tags: wordsOf(d.tags), attributes: attributesOf(d, defs, undefined) };
  if (d.name.trim()) body.name = d.name.trim();
  if (d.language.trim()) body.language = d.language.trim();
  if (d.timezone.trim()) body.timezone = d.timezone.trim();
  if (d.notes.trim()) body.notes = d.notes;
  return body;
}

/** The changes to send: only the fields that differ from the contact (an emptied field becomes null). */
function changesOf(d: Draft, defs: AttributeDefinition[], c: Contact): ContactChanges {
  const was = draftOf(c);
  const body: ContactChanges = {};
  const orNull = (v: string) => (v.trim() === '' ? null : v.trim());
  if (d.phone.trim() !== was.phone) body.phone = d.phone.trim();
  if (d.name.trim() !== was.name) body.name = orNull(d.name);
  if (d.language.trim() !== was.language) body.language = orNull(d.language);
  if (d.timezone.trim() !== was.timezone) body.timezone = orNull(d.timezone);
  if (d.notes !== was.notes) body.notes = d.notes.trim() === '' ? null : d.notes;
  const tags = wordsOf(d.tags);
  if (tags.join('\n') !== c.tags.join('\n')) body.tags = tags;
  const attributes = attributesOf(d, defs, c);
  if (JSON.stringify(attributes) !== JSON.stringify(c.attributes)) body.attributes = attributes;
  return body;
}

/** Add a contact (POST) or change one (PATCH): phone, name, language, time zone, tags, notes and attributes; the API's 422 shows under the field it names. */
export function ContactForm(props: {
  contact?: Contact;
  defaultCountry: string | undefined;
  attributeDefs: AttributeDefinition[];
  onSaved: (c: Contact) => void;
  onCancel: () => void;
  onAttributeDefined?: () => void;
}) {
  const editing = props.contact;
  const canDefine = useCan('contacts:write');
  // Defined from this form: usable at once, before the tab's catalogue reloads.
  const [definedHere, setDefinedHere] = useState<AttributeDefinition[]>([]);
  const defs = [...props.attributeDefs, ...definedHere.filter((d) => !props.attributeDefs.some((x) => x.key === d.key))];
  const idp = editing ? 'edit-contact' : 'new-contact';
  const [draft, setDraft] = useState<Draft>(() => draftOf(editing));
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));

  function defined(def: AttributeDefinition) {
    setDefinedHere((d) => [...d, def]);
    setDraft((d) => ({ ...d, attributes: [...d.attributes, { key: def.key, value: '' }] }));
    props.onAttributeDefined?.();
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setErrors(NO_ERRORS);
    const save = editing ? updateContact(editing.id, changesOf(draft, defs, editing)) : createContact(newContactOf(draft, defs));
    save.then(
      (c) => (setBusy(false), props.onSaved(c)),
      (err: unknown) => (setErrors(fieldErrorsOf(err)), setBusy(false)),
    );
  }

  const phoneHint = props.defaultCountry
    ? `With +country code, or written locally for the workspace's country (${props.defaultCountry}). The country comes from the number.`
    : 'With +country code, e.g. +14155550123. The country comes from the number.';
  const rest = unclaimed(errors, CLAIMED);
  return (
    <form className="card contact-form" aria-label={editing ? 'Edit contact' : 'Add contact'} onSubmit={submit} noValidate>
      <h3>{editing ? 'Edit contact' : 'Add a contact'}</h3>
      {!editing && (
        <p className="consent-note small">
          Adding a contact does not give consent: Greenlist sends marketing only to people who opted in. Consent comes from an opt-in (a form, a keyword) or an import with proof.
        </p>
      )}
      <div className="contact-form-grid">
        <SettingInput id={`${idp}-phone`} label="Phone" field="phone" errors={errors} value={draft.phone} onChange={(phone) => set({ phone })} hint={phoneHint} placeholder="+14155550123" autoComplete="off" />
        <SettingInput id={`${idp}-name`} label="Name" field="name" errors={errors} value={draft.name} onChange={(name) => set({ name })} />
        <SettingInput id={`${idp}-language`} label="Language" field="language" errors={errors} value={draft.language} onChange={(language) => set({ language })} hint='A language tag such as "en" or "pt-BR".' narrow />
        <SettingInput id={`${idp}-timezone`} label="Time zone" field="timezone" errors={errors} value={draft.timezone} onChange={(timezone) => set({ timezone })} hint="An IANA name such as Europe/Berlin; leave empty to take it from the number." placeholder="Europe/Berlin" />
        <SettingInput id={`${idp}-tags`} label="Tags" field="tags" errors={errors} value={draft.tags} onChange={(tags) => set({ tags })} hint="Separated by commas, e.g. vip, newsletter." />
      </div>
      <AttributeRows
        idPrefix={idp}
        rows={draft.attributes}
        defs={defs}
        errorFor={(key) => errorAt(errors, `attributes.${key}`)}
        onChange={(attributes) => set({ attributes })}
        onDefined={canDefine ? defined : undefined}
      />
      <div className="field">
        <label htmlFor={`${idp}-notes`}>Notes</label>
        <textarea id={`${idp}-notes`} rows={2} maxLength={5000} value={draft.notes} onChange={(e) => set({ notes: e.target.value })} />
        {errorAt(errors, 'notes') && <p className="error field-error">{errorAt(errors, 'notes')}</p>}
      </div>
      {rest.length > 0 && (
        <div className="error" role="alert">
          {rest.map((m) => (
            <p key={m}>Not saved: {m}</p>
          ))}
        </div>
      )}
      {Object.keys(errors.byField).length > 0 && rest.length === 0 && (
        <p className="error" role="alert">
          Not saved: the message is under the field that needs a change.
        </p>
      )}
      <p className="row">
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : editing ? 'Save changes' : 'Add contact'}
        </button>
        <button type="button" className="secondary" onClick={props.onCancel}>
          Cancel
        </button>
      </p>
    </form>
  );
}
