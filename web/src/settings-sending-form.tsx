import { useState } from 'react';
import type { Workspace } from './api-client';
import { numberOf, patchWorkspace, wordsOf, type BroadcastSettings, type WorkspaceSettings } from './settings-api';
import { SettingInput, SettingsCard, useSave } from './settings-form-parts';

const P = 'settings.broadcasts';
const CLAIMED = [`${P}.quiet_hours`, `${P}.frequency_cap`, `${P}.pacing_ratio`, `${P}.max_attempts`, `${P}.test_numbers`] as const;
type Mode = 'default' | 'custom' | 'off';

// A setting left out keeps its default; null turns it off; a value is custom.
const modeOf = (v: unknown): Mode => (v === undefined ? 'default' : v === null ? 'off' : 'custom');

function ModeChoice({ name, legend, mode, onChange, defaultText }: { name: string; legend: string; mode: Mode; onChange: (m: Mode) => void; defaultText: string }) {
  return (
    <fieldset className="choices">
      <legend>{legend}</legend>
      {(
        [
          ['default', `Default (${defaultText})`],
          ['custom', 'Custom'],
          ['off', 'Off'],
        ] as const
      ).map(([m, label]) => (
        <label key={m} className="choice">
          <input type="radio" name={name} value={m} checked={mode === m} onChange={() => onChange(m)} /> {label}
        </label>
      ))}
    </fieldset>
  );
}

/** Marketing sends: quiet hours, the frequency cap, pacing, retries and the numbers that receive test sends. */
export function SendingForm({ workspace, canEdit, onSaved }: { workspace: Workspace; canEdit: boolean; onSaved: () => void }) {
  const current: BroadcastSettings = (workspace.settings as WorkspaceSettings).broadcasts ?? {};
  const [quietMode, setQuietMode] = useState<Mode>(modeOf(current.quiet_hours));
  const [quietStart, setQuietStart] = useState(current.quiet_hours?.start ?? '21:00');
  const [quietEnd, setQuietEnd] = useState(current.quiet_hours?.end ?? '08:00');
  const [capMode, setCapMode] = useState<Mode>(modeOf(current.frequency_cap));
  const [capMax, setCapMax] = useState(String(current.frequency_cap?.max ?? 2));
  const [capDays, setCapDays] = useState(String(current.frequency_cap?.days ?? 7));
  const [pacing, setPacing] = useState(current.pacing_ratio === undefined ? '' : String(current.pacing_ratio));
  const [attempts, setAttempts] = useState(current.max_attempts === undefined ? '' : String(current.max_attempts));
  const [tests, setTests] = useState((current.test_numbers ?? []).join(', '));
  const state = useSave(async () => {
    const next: BroadcastSettings = {
      ...current,
      quiet_hours: quietMode === 'off' ? null : quietMode === 'custom' ? { start: quietStart.trim(), end: quietEnd.trim() } : undefined,
      frequency_cap: capMode === 'off' ? null : capMode === 'custom' ? { max: Number(capMax), days: Number(capDays) } : undefined,
      pacing_ratio: numberOf(pacing),
      max_attempts: numberOf(attempts),
      test_numbers: wordsOf(tests),
    };
    await patchWorkspace({ settings: { broadcasts: next } });
    onSaved();
  });
  const e = state.errors;
  return (
    <SettingsCard title="Sending" description="Marketing messages wait out quiet hours in each recipient's own time zone (deferred, not dropped) and respect the cap across broadcasts." canEdit={canEdit} state={state} claimed={CLAIMED}>
      <ModeChoice name="quiet-mode" legend="Quiet hours" mode={quietMode} onChange={setQuietMode} defaultText="21:00–08:00" />
      {quietMode === 'custom' && (
        <div className="row">
          <SettingInput id="set-quiet-start" label="Quiet from" field={`${P}.quiet_hours.start`} errors={e} value={quietStart} onChange={setQuietStart} placeholder="21:00" narrow />
          <SettingInput id="set-quiet-end" label="Quiet until" field={`${P}.quiet_hours.end`} errors={e} value={quietEnd} onChange={setQuietEnd} placeholder="08:00" narrow />
        </div>
      )}
      <ModeChoice name="cap-mode" legend="Frequency cap" mode={capMode} onChange={setCapMode} defaultText="2 per 7 days" />
      {capMode === 'custom' && (
        <div className="row">
          <SettingInput id="set-cap-max" label="At most (messages)" type="number" field={`${P}.frequency_cap.max`} errors={e} value={capMax} onChange={setCapMax} narrow />
          <SettingInput id="set-cap-days" label="Per (days)" type="number" field={`${P}.frequency_cap.days`} errors={e} value={capDays} onChange={setCapDays} narrow />
        </div>
      )}
      <SettingInput id="set-pacing" label="Share of the number's throughput for broadcasts" type="number" step="0.05" field={`${P}.pacing_ratio`} errors={e} value={pacing} onChange={setPacing} placeholder="0.9" hint="0.05 to 1; the rest is left for replies (default 0.9)" />
      <SettingInput id="set-attempts" label="Tries per recipient" type="number" field={`${P}.max_attempts`} errors={e} value={attempts} onChange={setAttempts} placeholder="8" hint="for transient errors (default 8)" />
      <SettingInput id="set-tests" label="Test numbers (comma-separated)" field={`${P}.test_numbers`} errors={e} value={tests} onChange={setTests} placeholder="+447700900123" hint="internal numbers that receive test sends (E.164)" />
    </SettingsCard>
  );
}
