import { useState } from 'react';
import type { PhoneNumber } from './api-client';
import { connectNumber } from './phone-numbers-api';
import { SettingInput, SettingsCard, useSave } from './settings-form-parts';

/** A random verify token (24 letters and digits) for the owner to paste into Meta's dashboard. */
function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...bytes)).replace(/[^A-Za-z0-9]/g, '').slice(0, 24);
}

const FIELDS = ['phone_number_id', 'waba_id', 'display_number', 'access_token', 'app_secret', 'verify_token', 'api_base_url'] as const;

/** Connects a WhatsApp Cloud API number; the token and app secret are typed in and never shown again. `onConnected` gets the number and the verify token chosen. */
export function PhoneNumberConnectForm({ onConnected }: { onConnected: (n: PhoneNumber, verifyToken: string) => void }) {
  const [v, setV] = useState<Record<(typeof FIELDS)[number], string>>({ phone_number_id: '', waba_id: '', display_number: '', access_token: '', app_secret: '', verify_token: '', api_base_url: '' });
  const set = (k: (typeof FIELDS)[number]) => (value: string) => setV((old) => ({ ...old, [k]: value }));
  const state = useSave(async () => {
    const { api_base_url, ...rest } = v;
    const trimmed = Object.fromEntries(Object.entries(rest).map(([k, x]) => [k, x.trim()])) as typeof rest;
    const n = await connectNumber({ ...trimmed, ...(api_base_url.trim() ? { api_base_url: api_base_url.trim() } : {}) });
    const verifyToken = trimmed.verify_token;
    setV({ phone_number_id: '', waba_id: '', display_number: '', access_token: '', app_secret: '', verify_token: '', api_base_url: '' });
    onConnected(n, verifyToken);
  });
  const { errors } = state;
  return (
    <SettingsCard
      title="Connect a number"
      submitLabel="Connect number"
      canEdit
      state={state}
      claimed={FIELDS}
      description="Copy these from your Meta app: WhatsApp → API Setup shows the ids, the app's Settings → Basic shows the app secret, and a system user in Business Settings gives a permanent access token."
    >
      <SettingInput id="pn-display" label="Display number" field="display_number" errors={errors} value={v.display_number} onChange={set('display_number')} placeholder="+1 555 010 0000" />
      <SettingInput id="pn-id" label="Phone number ID" field="phone_number_id" errors={errors} value={v.phone_number_id} onChange={set('phone_number_id')} placeholder="106540352242922" />
      <SettingInput id="pn-waba" label="WhatsApp Business Account ID" field="waba_id" errors={errors} value={v.waba_id} onChange={set('waba_id')} placeholder="102290129340398" />
      <SettingInput id="pn-token" type="password" label="Access token" field="access_token" errors={errors} value={v.access_token} onChange={set('access_token')} autoComplete="new-password" hint="Stored encrypted; it is never shown again." />
      <SettingInput id="pn-secret" type="password" label="App secret" field="app_secret" errors={errors} value={v.app_secret} onChange={set('app_secret')} autoComplete="new-password" hint="Checks that webhooks really come from Meta. Stored encrypted; never shown again." />
      <SettingInput id="pn-verify" label="Verify token" field="verify_token" errors={errors} value={v.verify_token} onChange={set('verify_token')} hint="Any phrase of 8 or more characters; you paste the same one into Meta's webhook settings." />
      <button type="button" className="secondary align-start" onClick={() => set('verify_token')(randomToken())}>
        Suggest a verify token
      </button>
      <details open={errors.byField.api_base_url ? true : undefined}>
        <summary>Advanced</summary>
        <SettingInput id="pn-base" label="Cloud API address (optional)" field="api_base_url" errors={errors} value={v.api_base_url} onChange={set('api_base_url')} placeholder="https://graph.facebook.com" hint="Leave empty for Meta's Graph API." />
      </details>
    </SettingsCard>
  );
}
