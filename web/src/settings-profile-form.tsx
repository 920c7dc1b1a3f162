import { useState } from 'react';
import type { Workspace } from './api-client';
import { patchWorkspace, type WorkspaceSettings } from './settings-api';
import { SettingInput, SettingsCard, useSave } from './settings-form-parts';

const CLAIMED = ['name', 'settings.default_country', 'settings.timezone'] as const;

/** The business profile: the name people see in welcome and STOP texts, the default country and the time zone. */
export function ProfileForm({ workspace, canEdit, onSaved }: { workspace: Workspace; canEdit: boolean; onSaved: () => void }) {
  const s = workspace.settings as WorkspaceSettings;
  const [name, setName] = useState(workspace.name);
  const [country, setCountry] = useState(s.default_country ?? '');
  const [zone, setZone] = useState(s.timezone ?? '');
  const state = useSave(async () => {
    await patchWorkspace({ name, settings: { default_country: country.trim().toUpperCase() || null, timezone: zone.trim() || null } });
    onSaved();
  });
  return (
    <SettingsCard title="Business profile" description="The business name is what people read in welcome and STOP confirmation texts ({business})." canEdit={canEdit} state={state} claimed={CLAIMED}>
      <SettingInput id="set-name" label="Business name" field="name" errors={state.errors} value={name} onChange={setName} />
      <SettingInput id="set-country" label="Default country" field="settings.default_country" errors={state.errors} value={country} onChange={setCountry} placeholder="GB" hint="ISO code for numbers written without +country code" />
      <SettingInput id="set-zone" label="Time zone" field="settings.timezone" errors={state.errors} value={zone} onChange={setZone} placeholder="Europe/London" hint="IANA name; reports and segment day arithmetic use it" />
    </SettingsCard>
  );
}
