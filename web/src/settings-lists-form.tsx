import { useState } from 'react';
import type { Workspace } from './api-client';
import { numberOf, patchWorkspace, type WorkspaceSettings } from './settings-api';
import { SettingInput, SettingsCard, useSave } from './settings-form-parts';

type Lifecycle = NonNullable<WorkspaceSettings['lifecycle']>;
type Hygiene = NonNullable<WorkspaceSettings['hygiene']>;
type NumberKey<T> = { [K in keyof T]-?: NonNullable<T[K]> extends number ? K : never }[keyof T];

// The numeric lifecycle settings, each with its label and default.
const LIFECYCLE: [NumberKey<Lifecycle>, string, number][] = [
  ['onboarding_days', 'Onboarding lasts (days)', 14],
  ['active_days', 'Active if engaged within (days)', 30],
  ['dormant_days', 'Dormant after (days without engagement)', 60],
  ['reactivating_days', 'Reactivating lasts (days)', 14],
  ['loyal_min_purchases', 'Loyal from (purchases)', 3],
  ['loyal_min_replies_90d', 'Loyal from (replies in 90 days)', 5],
  ['archive_after_days', 'Archive after the win-back message (days)', 30],
];
const CLAIMED = ['settings.lifecycle', 'settings.hygiene', 'settings.templates'] as const;
const text = (v: number | null | undefined) => (v === undefined || v === null ? '' : String(v));

/** Lifecycle stages, list hygiene and the template rule: the list-keeping settings. */
export function ListsForm({ workspace, canEdit, onSaved }: { workspace: Workspace; canEdit: boolean; onSaved: () => void }) {
  const s = workspace.settings as WorkspaceSettings;
  const lifecycle: Lifecycle = s.lifecycle ?? {};
  const hygiene: Hygiene = s.hygiene ?? {};
  const [days, setDays] = useState<Record<string, string>>(() => Object.fromEntries(LIFECYCLE.map(([k]) => [k, text(lifecycle[k])])));
  const [autoArchive, setAutoArchive] = useState(lifecycle.auto_archive === true);
  const [unreachable, setUnreachable] = useState(text(hygiene.unreachable_after_failures));
  const [purge, setPurge] = useState(text(hygiene.purge_opted_out_after_days));
  const [blockMarketing, setBlockMarketing] = useState(s.templates?.block_marketing_without_opt_out === true);
  const state = useSave(async () => {
    const nextLifecycle: Lifecycle = { ...lifecycle, auto_archive: autoArchive };
    for (const [k] of LIFECYCLE) nextLifecycle[k] = numberOf(days[k] ?? '');
    await patchWorkspace({
      settings: {
        lifecycle: nextLifecycle,
        hygiene: { ...hygiene, unreachable_after_failures: numberOf(unreachable), purge_opted_out_after_days: numberOf(purge) ?? null },
        templates: { ...s.templates, block_marketing_without_opt_out: blockMarketing },
      },
    });
    onSaved();
  });
  const e = state.errors;
  return (
    <SettingsCard title="Lists and templates" description="Empty fields keep their defaults (shown as placeholders)." canEdit={canEdit} state={state} claimed={CLAIMED}>
      {LIFECYCLE.map(([k, label, dflt]) => (
        <SettingInput key={k} id={`set-lc-${k}`} label={label} type="number" field={`settings.lifecycle.${k}`} errors={e} value={days[k] ?? ''} onChange={(v) => setDays({ ...days, [k]: v })} placeholder={String(dflt)} />
      ))}
      <label className="choice">
        <input type="checkbox" checked={autoArchive} onChange={(ev) => setAutoArchive(ev.target.checked)} /> Archive dormant contacts who ignored a win-back message
      </label>
      <SettingInput id="set-unreachable" label="Unreachable after (failures)" type="number" field="settings.hygiene.unreachable_after_failures" errors={e} value={unreachable} onChange={setUnreachable} placeholder="2" hint='consecutive "not on WhatsApp" failures' />
      <SettingInput id="set-purge" label="Erase opted-out contacts after (days)" type="number" field="settings.hygiene.purge_opted_out_after_days" errors={e} value={purge} onChange={setPurge} placeholder="never" hint="empty keeps them" />
      <label className="choice">
        <input type="checkbox" checked={blockMarketing} onChange={(ev) => setBlockMarketing(ev.target.checked)} /> Refuse marketing templates without a way out (instead of warning)
      </label>
    </SettingsCard>
  );
}
