// The sign-up page's look and languages in the opt-in source form: brand colour, logo, languages.
import { useState, type ChangeEvent } from 'react';
import { fieldErrorsOf } from './optin-errors';
import { deleteOptinLogo, logoUrl, PAGE_LANGUAGE_LABELS, uploadOptinLogo, type PageLanguage } from './optin-api';
import './optin-brand-fields.css';

const HEX = /^#[0-9a-fA-F]{6}$/;
const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
type LogoType = (typeof LOGO_TYPES)[number];

/** The file as base64, without the data-URL prefix. */
function base64Of(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(new Error('the file could not be read'));
    reader.readAsDataURL(file);
  });
}

/** Brand colour (colour picker plus hex text): errors from the API show under it. */
export function BrandColourField(props: { idBase: string; value: string; onChange: (v: string) => void; error?: string }) {
  const id = `${props.idBase}-brand-color`;
  const valid = HEX.test(props.value);
  return (
    <div className="field">
      <label htmlFor={id}>Brand colour (optional)</label>
      <div className="brand-colour-row">
        <input type="color" aria-label="Pick brand colour" value={valid ? props.value.toLowerCase() : '#137a3f'} onChange={(e) => props.onChange(e.target.value)} />
        <input id={id} type="text" value={props.value} maxLength={7} placeholder="#137A3F" onChange={(e) => props.onChange(e.target.value.trim())} aria-invalid={Boolean(props.error) || undefined} aria-describedby={`${id}-hint${props.error ? ` ${id}-error` : ''}`} />
      </div>
      <span className="muted hint" id={`${id}-hint`}>
        The page’s header and button; the text on it turns white or dark, whichever reads better. Empty: Greenlist green.
      </span>
      {props.error && (
        <p className="error" id={`${id}-error`}>
          {props.error}
        </p>
      )}
    </div>
  );
}

/** Language checkboxes: the first chosen is the default when a visitor's browser asks for none of them. */
export function PageLanguagesField(props: { idBase: string; value: PageLanguage[]; onChange: (v: PageLanguage[]) => void; error?: string }) {
  const toggle = (l: PageLanguage) => props.onChange(props.value.includes(l) ? props.value.filter((x) => x !== l) : [...props.value, l]);
  return (
    <fieldset className="field page-languages" aria-describedby={`${props.idBase}-languages-hint`}>
      <legend>Page languages</legend>
      {(Object.keys(PAGE_LANGUAGE_LABELS) as PageLanguage[]).map((l) => (
        <label key={l} className="choice">
          <input type="checkbox" checked={props.value.includes(l)} onChange={() => toggle(l)} />
          {PAGE_LANGUAGE_LABELS[l]}
        </label>
      ))}
      <span className="muted hint" id={`${props.idBase}-languages-hint`}>
        Visitors get their browser’s language when it is one of these, else {PAGE_LANGUAGE_LABELS[props.value[0] ?? 'en']}; a switcher shows the others. Labels, buttons and the STOP word are translated; your own texts stay as you wrote them.
      </span>
      {props.error && <p className="error">{props.error}</p>}
    </fieldset>
  );
}

/**
 * The form's logo: uploads as soon as a file is chosen (PNG, JPEG or WebP, at most 200 KB) and
 * shows it; a refused file shows the API's reason. A new source gets its logo once saved.
 */
export function LogoField(props: { idBase: string; sourceId: string | undefined; version: string }) {
  const id = `${props.idBase}-logo`;
  const [version, setVersion] = useState(props.version);
  const [hasLogo, setHasLogo] = useState(true);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  if (!props.sourceId) {
    return (
      <div className="field">
        <strong>Logo</strong>
        <span className="muted hint">Save the source first, then add a logo here.</span>
      </div>
    );
  }
  const sourceId = props.sourceId;

  async function choose(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    setError(undefined);
    setBusy(true);
    try {
      const type = (LOGO_TYPES as readonly string[]).includes(file.type) ? (file.type as LogoType) : 'image/png';
      if (!(LOGO_TYPES as readonly string[]).includes(file.type)) throw new Error(`Logo: ${file.name} is not a PNG, JPEG or WebP image.`);
      const saved = await uploadOptinLogo(sourceId, { content_type: type, data: await base64Of(file) });
      setVersion(saved.sha256.slice(0, 12));
      setHasLogo(true);
    } catch (err) {
      const f = fieldErrorsOf(err);
      setError(f.byField.data ?? f.byField.content_type ?? f.general);
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    setBusy(true);
    setError(undefined);
    try {
      await deleteOptinLogo(sourceId);
      setHasLogo(false);
    } catch (err) {
      setError(fieldErrorsOf(err).general);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="field">
      <label htmlFor={id}>Logo (optional)</label>
      <div className="logo-row">
        {hasLogo && <img className="logo-preview" src={logoUrl(sourceId, version)} alt="Current logo" onError={() => setHasLogo(false)} />}
        <input id={id} type="file" accept="image/png,image/jpeg,image/webp" onChange={choose} disabled={busy} aria-invalid={Boolean(error) || undefined} aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`} />
        {hasLogo && (
          <button type="button" className="secondary" onClick={remove} disabled={busy}>
            Remove logo
          </button>
        )}
      </div>
      <span className="muted hint" id={`${id}-hint`}>
        PNG, JPEG or WebP, at most 200 KB. Saved as soon as you choose it.
      </span>
      {error && (
        <p className="error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
