import type { FieldError } from './import-mapping';
import type { Attestation } from './imports-api';

const FIELDS = ['attested_by', 'text', 'collected_where', 'collected_at', 'covers_whatsapp'] as const;

/** The API's message under the field it names. */
function Problem({ error, field }: { error: FieldError | undefined; field: string }) {
  if (error?.field !== field) return null;
  return (
    <p className="error small" role="alert" data-testid="field-error">
      {error.message}
    </p>
  );
}

/** Who vouches for the consent in the file, the exact text people agreed to, where and when; and whether it named WhatsApp. */
export function ImportAttestationForm(props: { value: Attestation; onChange: (a: Attestation) => void; yesNoColumn: boolean; invalidFields: string[]; error: FieldError | undefined }) {
  const { value: a, onChange, invalidFields, error } = props;
  const elsewhere = error && error.field.startsWith('attestation') && !FIELDS.some((f) => error.field === `attestation.${f}`);
  const set = <K extends keyof Attestation>(k: K, v: Attestation[K]) => onChange({ ...a, [k]: v });
  const bad = (f: keyof Attestation) => (invalidFields.includes(`attestation.${f}`) ? true : undefined);
  return (
    <fieldset className="builder attestation" data-testid="import-attestation">
      <legend>Consent attestation</legend>
      <p className="muted small">Stored with every consent this import records, as the proof that people agreed.</p>
      <div className="field">
        <label htmlFor="attest-by">Who attests</label>
        <input id="attest-by" value={a.attested_by} onChange={(e) => set('attested_by', e.target.value)} maxLength={200} required placeholder="Ana Ops, marketing lead" aria-invalid={bad('attested_by')} />
        <Problem error={error} field="attestation.attested_by" />
      </div>
      <div className="field">
        <label htmlFor="attest-text">Text people were shown</label>
        <textarea id="attest-text" value={a.text} onChange={(e) => set('text', e.target.value)} maxLength={5000} rows={3} required placeholder="Yes, send me offers on WhatsApp. Reply STOP to stop." aria-invalid={bad('text')} />
        <Problem error={error} field="attestation.text" />
      </div>
      <div className="field">
        <label htmlFor="attest-where">Where it was collected</label>
        <input id="attest-where" value={a.collected_where} onChange={(e) => set('collected_where', e.target.value)} maxLength={500} required placeholder="checkout form on shop.example" aria-invalid={bad('collected_where')} />
        <Problem error={error} field="attestation.collected_where" />
      </div>
      <div className="field">
        <label htmlFor="attest-at">When it was collected</label>
        <input id="attest-at" type="date" value={a.collected_at} onChange={(e) => set('collected_at', e.target.value)} required aria-invalid={bad('collected_at')} />
        <Problem error={error} field="attestation.collected_at" />
      </div>
      <label className="choice">
        <input type="checkbox" checked={a.covers_whatsapp} onChange={(e) => set('covers_whatsapp', e.target.checked)} aria-invalid={bad('covers_whatsapp')} aria-describedby="attest-whatsapp-why" />
        The text people agreed to named WhatsApp
      </label>
      <Problem error={error} field="attestation.covers_whatsapp" />
      <p id="attest-whatsapp-why" className={props.yesNoColumn && !a.covers_whatsapp ? 'warning small' : 'muted small'}>
        Consent to email or SMS marketing (such as a shop's "Accepts SMS Marketing") is not consent to WhatsApp: WhatsApp's rules ask for an opt-in to receive
        WhatsApp messages from your business. {props.yesNoColumn ? 'A yes/no column can be imported as consent only if the wording named WhatsApp; otherwise import the contacts without consent and ask them to opt in.' : ''}
      </p>
      {elsewhere && <Problem error={error} field={error.field} />}
    </fieldset>
  );
}
