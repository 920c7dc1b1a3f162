import { useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, completeSetup, getSetupStatus, type Me } from './api-client';
import { useResource } from './use-resource';

/** The one-time token in a setup link's fragment (`/setup#token=…`), or '' when there is none. */
export function setupTokenInHash(hash: string): string {
  return new URLSearchParams(hash.replace(/^#/, '')).get('token') ?? '';
}

/** The browser's own time zone and country, as the form's first guesses. */
function browserGuesses(): { timezone: string; country: string } {
  const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const region = navigator.language.split('-')[1];
  return { timezone, country: region && /^[A-Z]{2}$/.test(region) ? region : '' };
}

/** Field errors from a 422: `{ field: message }`, plus the message for anything else. */
function errorsOf(err: unknown): { fields: Record<string, string>; message: string } {
  if (!(err instanceof ApiError)) return { fields: {}, message: err instanceof Error ? err.message : String(err) };
  const listed = (err.details.fields as { field: string; message: string }[] | undefined) ?? [];
  const fields = Object.fromEntries(listed.map((f) => [f.field, f.message]));
  if (err.details.field === 'token') fields.token = err.message;
  return { fields, message: listed.length > 0 ? 'Please fix the fields marked below.' : err.message };
}

/** A labelled input with the API's error for it right below (and tied to it for screen readers). */
function Field({ id, label, hint, error, children }: { id: string; label: string; hint?: string; error: string | undefined; children: ReactNode }) {
  return (
    <div className="setup-field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && (
        <p className="muted hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="error field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/**
 * First run: the page the setup link printed by `greenlist start` opens. Creates the owner, names
 * the business and sets its country and time zone, then logs the owner in.
 */
export function SetupPage({ token, onDone }: { token: string; onDone: (me: Me) => void }) {
  const status = useResource(getSetupStatus);
  const guesses = useMemo(browserGuesses, []);
  const [businessName, setBusinessName] = useState('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [country, setCountry] = useState(guesses.country);
  const [timezone, setTimezone] = useState(guesses.timezone);
  const [errors, setErrors] = useState<{ fields: Record<string, string>; message: string }>();
  const [busy, setBusy] = useState(false);
  const countryNames = useMemo(() => new Intl.DisplayNames(['en'], { type: 'region' }), []);
  const zones = useMemo(() => Intl.supportedValuesOf('timeZone'), []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setErrors(undefined);
    try {
      const me = await completeSetup({ token, email: email.trim(), name: name.trim(), password, business_name: businessName.trim(), default_country: country, timezone });
      // The token is spent: take it out of the address bar and the history.
      window.history.replaceState(null, '', '/');
      onDone(me);
    } catch (err) {
      setErrors(errorsOf(err));
      setBusy(false);
    }
  }

  const fieldError = (f: string) => errors?.fields[f];
  const described = (id: string, hint = false) => [hint ? `${id}-hint` : '', fieldError(id.replace('setup-', '').replace(/-/g, '_')) ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

  if (status.data && !status.data.setup_needed) {
    return (
      <main className="login">
        <div className="card login-card">
          <h1>Greenlist is set up</h1>
          <p>An owner account already exists, so this setup link no longer works.</p>
          <a href="/">Go to the login page</a>
        </div>
      </main>
    );
  }

  return (
    <main className="login">
      <form className="card login-card setup-card" onSubmit={submit} noValidate>
        <h1>Welcome to Greenlist</h1>
        <p className="muted">Create the owner account and tell us about your business. You can change the business details later.</p>
        {!token && (
          <p className="error" role="alert">
            This address has no setup token. Open the whole link that <code>greenlist start</code> printed.
          </p>
        )}
        {status.error && (
          <p className="error" role="alert">
            {status.error}
          </p>
        )}
        <fieldset>
          <legend>Your business</legend>
          <Field id="setup-business-name" label="Business name" hint="Shown in welcome and STOP messages, e.g. “Thanks for joining Ana Bakery”." error={fieldError('business_name')}>
            <input id="setup-business-name" value={businessName} onChange={(e) => setBusinessName(e.target.value)} required maxLength={200} autoComplete="organization" aria-describedby={described('setup-business-name', true)} aria-invalid={fieldError('business_name') ? true : undefined} autoFocus />
          </Field>
          <Field id="setup-default-country" label="Country" hint="Phone numbers written without a +country code are read as this country's." error={fieldError('default_country')}>
            <select id="setup-default-country" value={country} onChange={(e) => setCountry(e.target.value)} required aria-describedby={described('setup-default-country', true)} aria-invalid={fieldError('default_country') ? true : undefined}>
              <option value="">Choose a country…</option>
              {(status.data?.countries ?? [])
                .map((c) => ({ ...c, label: countryNames.of(c.code) ?? c.code }))
                .sort((a, b) => a.label.localeCompare(b.label))
                .map((c) => (
                  <option key={c.code} value={c.code}>
                    {c.label} (+{c.calling_code})
                  </option>
                ))}
            </select>
          </Field>
          <Field id="setup-timezone" label="Time zone" hint="Reports and day-based segments use it." error={fieldError('timezone')}>
            <select id="setup-timezone" value={timezone} onChange={(e) => setTimezone(e.target.value)} required aria-describedby={described('setup-timezone', true)} aria-invalid={fieldError('timezone') ? true : undefined}>
              {!zones.includes(timezone) && <option value={timezone}>{timezone}</option>}
              {zones.map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
          </Field>
        </fieldset>
        <fieldset>
          <legend>Owner account</legend>
          <Field id="setup-name" label="Your name" error={fieldError('name')}>
            <input id="setup-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={200} autoComplete="name" aria-describedby={described('setup-name')} />
          </Field>
          <Field id="setup-email" label="Email" error={fieldError('email')}>
            <input id="setup-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="username" aria-describedby={described('setup-email')} aria-invalid={fieldError('email') ? true : undefined} />
          </Field>
          <Field id="setup-password" label="Password" hint="At least 12 characters; a few unrelated words work well." error={fieldError('password')}>
            <input id="setup-password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} required minLength={12} autoComplete="new-password" aria-describedby={described('setup-password', true)} aria-invalid={fieldError('password') ? true : undefined} />
          </Field>
        </fieldset>
        {errors && (
          <p className="error" role="alert">
            {errors.fields.token ?? errors.message}
          </p>
        )}
        <button type="submit" disabled={busy || !token}>
          {busy ? 'Setting up…' : 'Create owner and start'}
        </button>
      </form>
    </main>
  );
}
