import { useState } from 'react';
import type { Workspace } from './api-client';
import { patchWorkspace, type WorkspaceSettings } from './settings-api';
import { SettingInput, SettingsCard, useSave } from './settings-form-parts';

type RateCard = NonNullable<WorkspaceSettings['rate_card']>;
type Rates = RateCard['rates'];
const CATEGORIES = ['marketing', 'utility', 'authentication'] as const;

/** `GB marketing=0.0529 utility=0.022` per line, as the form shows the rates. */
function formatRates(rates: Rates): string {
  return Object.entries(rates)
    .map(([country, r]) => [country, ...CATEGORIES.filter((c) => r[c] !== undefined).map((c) => `${c}=${r[c]}`)].join(' '))
    .join('\n');
}

// Parsing is lenient: the API checks countries and numbers and names the bad one.
function parseRates(textValue: string): Rates {
  const out: Rates = {};
  for (const line of textValue.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const [country = '', ...pairs] = line.split(/\s+/);
    const entry: Rates[string] = {};
    for (const p of pairs) {
      const [k, v] = p.split('=');
      if ((CATEGORIES as readonly string[]).includes(k ?? '')) entry[k as (typeof CATEGORIES)[number]] = Number(v);
    }
    out[country.toUpperCase()] = entry;
  }
  return out;
}

/** Price per delivered template by country and category, for broadcast cost estimates; empty removes it. */
export function RateCardForm({ workspace, canEdit, onSaved }: { workspace: Workspace; canEdit: boolean; onSaved: () => void }) {
  const card = (workspace.settings as WorkspaceSettings).rate_card ?? null;
  const [currency, setCurrency] = useState(card?.currency ?? '');
  const [rates, setRates] = useState(card ? formatRates(card.rates) : '');
  const state = useSave(async () => {
    const empty = currency.trim() === '' && rates.trim() === '';
    await patchWorkspace({ settings: { rate_card: empty ? null : { currency: currency.trim().toUpperCase(), rates: parseRates(rates) } } });
    onSaved();
  });
  const err = state.errors.byField;
  const ratesError = Object.entries(err).find(([k]) => k.startsWith('settings.rate_card.rates'));
  return (
    <SettingsCard title="Rate card" description="Used for the cost shown before a broadcast starts. Leave both empty to show no cost." canEdit={canEdit} state={state} claimed={['settings.rate_card']}>
      <SettingInput id="set-currency" label="Currency" field="settings.rate_card.currency" errors={state.errors} value={currency} onChange={setCurrency} placeholder="USD" narrow />
      <div className="field wide">
        <label htmlFor="set-rates">Rates (one country a line; * for every other country)</label>
        <textarea id="set-rates" rows={3} value={rates} onChange={(e) => setRates(e.target.value)} placeholder={'GB marketing=0.0529 utility=0.022\n* marketing=0.06'} aria-invalid={ratesError ? true : undefined} aria-describedby={ratesError ? 'set-rates-error' : undefined} />
        {ratesError && (
          <p id="set-rates-error" className="error field-error">
            {ratesError[0].replace('settings.rate_card.rates.', '')}: {ratesError[1]}
          </p>
        )}
      </div>
    </SettingsCard>
  );
}
