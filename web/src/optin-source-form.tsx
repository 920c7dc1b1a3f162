import { useState, type FormEvent, type ReactNode } from 'react';
import type { PhoneNumber, Topic } from './api-client';
import { fieldErrorsOf, type FieldErrors } from './optin-errors';
import { createOptinSource, KIND_LABELS, updateOptinSource, type OptinKind, type OptinSource, type PageFields, type PageLanguage, type WelcomeFields } from './optin-api';
import { BrandColourField, LogoField, PageLanguagesField } from './optin-brand-fields';

/** The form's text fields (empty: not set). */
interface Draft {
  kind: OptinKind;
  name: string;
  keyword: string;
  topics: string[];
  numberId: string;
  consentText: string;
  welcomeText: string;
  incentive: string;
  slug: string;
  businessName: string;
  headline: string;
  description: string;
  frequency: string;
  howToStop: string;
  privacyUrl: string;
  defaultCountry: string;
  brandColor: string;
  languages: PageLanguage[];
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

function draftOf(s: OptinSource | undefined, businessName: string): Draft {
  const page = (s?.page ?? {}) as Record<string, unknown>;
  const welcome = (s?.welcome ?? {}) as Record<string, unknown>;
  return {
    kind: s?.kind ?? 'store',
    name: s?.name ?? '',
    keyword: s?.keyword ?? '',
    topics: s?.topics ?? [],
    numberId: s?.number_id ?? '',
    consentText: s?.consent_text ?? '',
    welcomeText: str(welcome.text),
    incentive: str(welcome.incentive),
    slug: s?.slug ?? '',
    businessName: s ? str(page.business_name) : businessName,
    headline: str(page.headline),
    description: str(page.description),
    frequency: str(page.frequency),
    howToStop: s ? str(page.how_to_stop) : 'Reply STOP at any time',
    privacyUrl: str(page.privacy_url),
    defaultCountry: str(page.default_country),
    brandColor: str(page.brand_color),
    languages: Array.isArray(page.languages) && page.languages.length > 0 ? (page.languages as PageLanguage[]) : ['en'],
  };
}

/** Sets `key` to the trimmed value, or leaves it out when empty (the API refuses empty strings). */
function put<T extends object>(obj: T, key: string, value: string): T {
  const v = value.trim();
  return v ? { ...obj, [key]: v } : obj;
}

/** The stored object with the fields this form edits replaced: what it does not show (templates...) is kept. */
function merged(stored: Record<string, unknown> | null | undefined, edited: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(stored ?? {}) };
  for (const [k, v] of Object.entries(edited)) {
    if (v.trim()) out[k] = v.trim();
    else delete out[k];
  }
  return out;
}

function pageOf(d: Draft, stored: OptinSource | undefined): PageFields {
  const edited = { business_name: d.businessName, headline: d.headline, description: d.description, frequency: d.frequency, how_to_stop: d.howToStop, privacy_url: d.privacyUrl, default_country: d.defaultCountry.toUpperCase(), brand_color: d.brandColor };
  // An empty list is sent as it is: the API says "choose at least one language" at the field.
  return { ...merged(stored?.page, edited), languages: d.languages } as PageFields;
}

function welcomeOf(d: Draft, stored: OptinSource | undefined): WelcomeFields | null {
  const w = merged(stored?.welcome, { text: d.welcomeText, incentive: d.incentive });
  return Object.keys(w).length > 0 ? (w as WelcomeFields) : null;
}

/** Creates a source, or edits `source`; hands the saved one to `onSaved`. Errors show at the field they name. */
export function OptinSourceForm(props: { source?: OptinSource; topics: Topic[]; numbers: PhoneNumber[]; businessName: string; onSaved: (s: OptinSource) => void; onCancel: () => void }) {
  const { source } = props;
  const [d, setD] = useState<Draft>(() => draftOf(source, props.businessName));
  const [errors, setErrors] = useState<FieldErrors>({ byField: {} });
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<Draft>) => setD((x) => ({ ...x, ...patch }));
  const isForm = d.kind === 'form';
  const idBase = source ? `src-${source.id.slice(0, 8)}` : 'src-new';

  async function save(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setErrors({ byField: {} });
    try {
      const welcome = welcomeOf(d, source);
      const common = { name: d.name.trim(), keyword: d.keyword, topics: d.topics, consent_text: d.consentText.trim() };
      const saved = source
        ? await updateOptinSource(source.id, { ...common, number_id: d.numberId || null, welcome, ...(isForm ? { page: pageOf(d, source), ...(d.slug && d.slug !== source.slug ? { slug: d.slug } : {}) } : {}) })
        : await createOptinSource(put({ kind: d.kind, ...common, ...(d.numberId ? { number_id: d.numberId } : {}), ...(welcome ? { welcome } : {}), ...(isForm ? { page: pageOf(d, undefined) } : {}) }, 'slug', isForm ? d.slug : ''));
      props.onSaved(saved);
    } catch (err) {
      setErrors(fieldErrorsOf(err));
    } finally {
      setBusy(false);
    }
  }

  const field = (name: string, label: string, control: (id: string, invalid: boolean, describedBy: string | undefined) => ReactNode, hint?: string) => {
    const id = `${idBase}-${name.replace(/\W/g, '-')}`;
    const problem = errors.byField[name];
    const describedBy = [hint ? `${id}-hint` : '', problem ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
    return (
      <div className="field">
        <label htmlFor={id}>{label}</label>
        {control(id, Boolean(problem), describedBy)}
        {hint && (
          <span className="muted hint" id={`${id}-hint`}>
            {hint}
          </span>
        )}
        {problem && (
          <p className="error" id={`${id}-error`}>
            {problem}
          </p>
        )}
      </div>
    );
  };
  const text = (name: string, label: string, value: string, onChange: (v: string) => void, opts: { hint?: string; required?: boolean; max?: number; type?: string; placeholder?: string } = {}) =>
    field(
      name,
      label,
      (id, invalid, describedBy) => (
        <input id={id} type={opts.type ?? 'text'} value={value} onChange={(e) => onChange(e.target.value)} required={opts.required} maxLength={opts.max} placeholder={opts.placeholder} aria-invalid={invalid || undefined} aria-describedby={describedBy} />
      ),
      opts.hint,
    );
  const area = (name: string, label: string, value: string, onChange: (v: string) => void, opts: { hint?: string; required?: boolean; max: number; placeholder?: string }) =>
    field(name, label, (id, invalid, describedBy) => <textarea id={id} rows={3} value={value} onChange={(e) => onChange(e.target.value)} required={opts.required} maxLength={opts.max} placeholder={opts.placeholder} aria-invalid={invalid || undefined} aria-describedby={describedBy} />, opts.hint);

  return (
    <form className="optin-form" onSubmit={save} aria-label={source ? `Edit ${source.name}` : 'New opt-in source'}>
      <h3>{source ? `Edit “${source.name}”` : 'New opt-in source'}</h3>
      {errors.general && (
        <p className="error" role="alert">
          {errors.general}
        </p>
      )}
      {field('kind', 'Kind', (id) => (
        <select id={id} value={d.kind} disabled={Boolean(source)} onChange={(e) => set({ kind: e.target.value as OptinKind })}>
          {Object.entries(KIND_LABELS).map(([k, label]) => (
            <option key={k} value={k}>
              {label}
            </option>
          ))}
        </select>
      ), source ? 'The kind is fixed once created.' : 'Every source gets a click-to-chat link and a QR code; a web form also gets a hosted sign-up page.')}
      {text('name', 'Name', d.name, (name) => set({ name }), { required: true, max: 100, placeholder: 'e.g. Till at the Main Street shop' })}
      {text('keyword', 'Keyword', d.keyword, (keyword) => set({ keyword }), { required: true, max: 60, placeholder: 'e.g. SPRING', hint: 'What people send on WhatsApp to join; each source has its own, so every opt-in says where it came from.' })}
      <fieldset className="field topics-field" aria-describedby={errors.byField.topics ? `${idBase}-topics-error` : undefined}>
        <legend>Topics people join</legend>
        {props.topics.length === 0 && <span className="muted">No topics yet: create one first (Topics tab or POST /api/v1/topics).</span>}
        {props.topics.map((t) => (
          <label key={t.key} className="choice">
            <input type="checkbox" checked={d.topics.includes(t.key)} onChange={() => set({ topics: d.topics.includes(t.key) ? d.topics.filter((k) => k !== t.key) : [...d.topics, t.key] })} />
            {t.name}
            {t.frequency && <span className="muted small">({t.frequency})</span>}
          </label>
        ))}
        {errors.byField.topics && (
          <p className="error" id={`${idBase}-topics-error`}>
            {errors.byField.topics}
          </p>
        )}
      </fieldset>
      {props.numbers.length > 0 &&
        field('number_id', 'Business number', (id, invalid, describedBy) => (
          <select id={id} value={d.numberId} onChange={(e) => set({ numberId: e.target.value })} aria-invalid={invalid || undefined} aria-describedby={describedBy}>
            <option value="">The workspace's number</option>
            {props.numbers.map((n) => (
              <option key={n.id} value={n.id}>
                {n.display_number}
              </option>
            ))}
          </select>
        ))}
      {area('consent_text', 'Consent text', d.consentText, (consentText) => set({ consentText }), { required: true, max: 2000, placeholder: 'e.g. Text SPRING to get our offers on WhatsApp, at most 2 a week. Reply STOP to stop.', hint: 'The exact words people see where they join; recorded as proof with every opt-in.' })}
      {area('welcome.text', 'Welcome message', d.welcomeText, (welcomeText) => set({ welcomeText }), { max: 1000, hint: 'Sent when someone joins. Empty: thanks, what and how often, and “Reply STOP to unsubscribe”.' })}
      {text('welcome.incentive', 'Incentive (optional)', d.incentive, (incentive) => set({ incentive }), { max: 200, placeholder: 'e.g. SPRING10', hint: 'A coupon code added to the welcome.' })}
      {isForm && (
        <fieldset className="page-fields">
          <legend>Sign-up page</legend>
          {text('slug', 'Page address', d.slug, (slug) => set({ slug }), { max: 64, placeholder: 'e.g. acme-offers', hint: 'The page is /join/<address>: 3-64 lowercase letters, digits and dashes. Empty: made from the name.' })}
          {text('page.business_name', 'Business name', d.businessName, (businessName) => set({ businessName }), { max: 200 })}
          {text('page.headline', 'Title', d.headline, (headline) => set({ headline }), { max: 200, placeholder: 'e.g. Offers on WhatsApp' })}
          {area('page.description', 'Description', d.description, (description) => set({ description }), { max: 2000 })}
          {text('page.frequency', 'How often', d.frequency, (frequency) => set({ frequency }), { max: 200, placeholder: 'e.g. at most 2 messages a week' })}
          {text('page.how_to_stop', 'How to stop', d.howToStop, (howToStop) => set({ howToStop }), { max: 500 })}
          {text('page.privacy_url', 'Privacy policy URL', d.privacyUrl, (privacyUrl) => set({ privacyUrl }), { type: 'url', max: 2000, placeholder: 'https://…' })}
          {text('page.default_country', 'Default country (optional)', d.defaultCountry, (defaultCountry) => set({ defaultCountry }), { max: 2, placeholder: 'e.g. GB', hint: 'Two-letter code; empty: the business number’s country.' })}
          <BrandColourField idBase={idBase} value={d.brandColor} onChange={(brandColor) => set({ brandColor })} error={errors.byField['page.brand_color']} />
          <LogoField idBase={idBase} sourceId={source?.id} version={source?.updated_at ?? ''} />
          <PageLanguagesField idBase={idBase} value={d.languages} onChange={(languages) => set({ languages })} error={errors.byField['page.languages'] ?? Object.entries(errors.byField).find(([k]) => k.startsWith('page.languages'))?.[1]} />
        </fieldset>
      )}
      <div className="row">
        <button type="submit" disabled={busy}>
          {source ? 'Save changes' : 'Create source'}
        </button>
        <button type="button" className="secondary" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
